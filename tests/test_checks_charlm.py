"""The chapter-5 checkers accept every correct implementation, whatever its style.

(Each classic mistake they name is tested by tests/test_checks_catalogue.py.)
"""
import functools
import random

import numpy as np
import pytest

from rnnlib.charlm.vocab import make_example
from rnnlib.checks import (CheckFailed, check_clip, check_model, check_optimize,
                           check_sample)
from rnnlib.checks.charlm import _model_impl, _optimize_impl, _sample_impl


# ---------------------------------------------------------------- clip

def clip_in_place(gradients, maxValue):
    """The classic course's clip: np.clip with out=, the same dict returned."""
    for gradient in gradients.values():
        np.clip(gradient, -maxValue, maxValue, out=gradient)
    return gradients


def clip_with_copies(gradients, maxValue):
    return {key: np.minimum(np.maximum(g, -maxValue), maxValue)
            for key, g in gradients.items()}


@pytest.mark.parametrize("fn", [clip_in_place, clip_with_copies])
def test_check_clip_accepts_in_place_and_copies(fn, capsys):
    check_clip(fn)
    assert "clip: all 4 checks passed." in capsys.readouterr().out


# ---------------------------------------------------------------- sample

def sample_course_style(parameters, char_to_ix, seed):
    """The course's protocol: np.random.seed(seed + counter) before every draw."""
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "ba"))
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    indices, idx, counter = [], -1, 0
    newline_character = char_to_ix["\n"]
    while idx != newline_character and counter != 50:
        a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
        z = np.dot(Wya, a) + by
        y = np.exp(z - np.max(z)) / np.sum(np.exp(z - np.max(z)))
        np.random.seed(counter + seed)
        idx = np.random.choice(list(range(vocab_size)), p=y.ravel())
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


def sample_python_random(parameters, char_to_ix, seed):
    """Python's random module, inverse-CDF draws, a tuple returned."""
    rng = random.Random(seed)
    p = parameters
    x = np.zeros((p["Wax"].shape[1], 1))
    a = np.zeros((p["Waa"].shape[0], 1))
    out = []
    while len(out) < 50:
        a = np.tanh(p["Wax"] @ x + p["Waa"] @ a + p["ba"])
        z = (p["Wya"] @ a + p["by"]).ravel()
        y = np.exp(z - z.max())
        y /= y.sum()
        idx = int(np.searchsorted(np.cumsum(y), rng.random() * y.sum()))
        idx = min(idx, len(y) - 1)
        out.append(idx)
        if idx == char_to_ix["\n"]:
            return tuple(out)
        x = np.zeros_like(x)
        x[idx] = 1
    return tuple(out) + (char_to_ix["\n"],)


@pytest.mark.parametrize("fn", [sample_course_style, sample_python_random,
                                functools.partial(_sample_impl, mistake=None)])
def test_check_sample_accepts_any_random_protocol(fn, capsys):
    check_sample(fn)
    assert "sample: all 6 checks passed." in capsys.readouterr().out


def test_check_sample_leaves_the_global_random_state_alone():
    np.random.seed(3)
    random.seed(3)
    expected = (np.random.random(), random.random())
    np.random.seed(3)
    random.seed(3)
    check_sample(sample_course_style)
    assert (np.random.random(), random.random()) == expected


def test_check_sample_stops_a_sampler_that_never_ends():
    def endless(parameters, char_to_ix, seed):
        while True:
            pass
    with pytest.raises(CheckFailed, match="ran on and on"):
        check_sample(endless)


# ---------------------------------------------------------------- optimize

def optimize_from_core(X, Y, a_prev, parameters, learning_rate=0.01):
    """optimize written from the core forward and backward passes."""
    return _optimize_impl(X, Y, a_prev, parameters, learning_rate)


def optimize_in_place_arrays(X, Y, a_prev, parameters, learning_rate=0.01):
    """The same, updating the arrays themselves (W -= ...) as the course does."""
    from rnnlib.charlm.classic import clip, loss_and_gradients
    loss, gradients, a = loss_and_gradients(X, Y, a_prev, parameters)
    gradients = clip(gradients, 5)
    for name in ("Wax", "Waa", "Wya", "ba", "by"):
        parameters[name] -= learning_rate * gradients["d" + name]
    return loss, gradients, a[:, :, len(X) - 1]


@pytest.mark.parametrize("fn", [optimize_from_core, optimize_in_place_arrays])
def test_check_optimize_accepts_core_and_in_place_versions(fn, capsys):
    check_optimize(fn)
    assert "optimize: all 3 checks passed." in capsys.readouterr().out


# ---------------------------------------------------------------- model

def optimize(*args, **kwargs):          # what a notebook's model calls
    from rnnlib.charlm.classic import optimize as library
    return library(*args, **kwargs)


def sample(*args, **kwargs):
    from rnnlib.charlm.classic import sample as library
    return library(*args, **kwargs)


def model_course_style(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50,
                       dino_names=7, vocab_size=27, learning_rate=0.01,
                       sample_every=2000, seed=0):
    """The course's loop: global np.random, shuffled once, seed += 1 per name."""
    np.random.seed(seed)
    parameters = {"Wax": np.random.randn(n_a, vocab_size) * 0.01,
                  "Waa": np.random.randn(n_a, n_a) * 0.01,
                  "Wya": np.random.randn(vocab_size, n_a) * 0.01,
                  "ba": np.zeros((n_a, 1)), "by": np.zeros((vocab_size, 1))}
    loss = -np.log(1.0 / vocab_size) * dino_names
    examples = [x.strip() for x in data_x]
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    for j in range(num_iterations):
        idx = j % len(examples)
        single_example_ix = [char_to_ix[ch] for ch in examples[idx]]
        X = [None] + single_example_ix
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters,
                                                learning_rate=learning_rate)
        loss = loss * 0.999 + curr_loss * 0.001
        if j % sample_every == 0:
            print("Iteration: %d, Loss: %f" % (j, loss) + "\n")
            for name in range(dino_names):
                sampled_indices = sample(parameters, char_to_ix, seed)
                txt = "".join(ix_to_char[ix] for ix in sampled_indices)
                print("%s" % (txt[0].upper() + txt[1:]), end="")
                seed += 1
            print("\n")
    return parameters


@pytest.mark.parametrize("fn", [model_course_style,
                                functools.partial(_model_impl, mistake=None)])
def test_check_model_accepts_course_and_library_styles(fn, capsys):
    check_model(fn)
    assert "model: all 8 checks passed." in capsys.readouterr().out


def test_check_model_restores_the_functions_it_watches():
    check_model(model_course_style)
    assert not hasattr(optimize, "log") and optimize.__name__ == "optimize"
    assert globals()["optimize"] is optimize and globals()["sample"] is sample


def test_the_examples_of_make_example_are_what_check_model_expects():
    assert make_example("rex") == ([None, 18, 5, 24], [18, 5, 24, 0])
