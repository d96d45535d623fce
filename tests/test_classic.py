"""Tests for rnnlib.charlm.classic: clip, sample, optimize and the classic training loop."""

import numpy as np
import pytest

from rnnlib import gradcheck
from rnnlib.charlm.classic import clip, loss_and_gradients, model, optimize, sample
from rnnlib.charlm.vocab import char_to_ix, ix_to_char, make_example
from rnnlib.initializers import initialize_rnn_parameters

NAMES = ["tyrannosaurus", "allosaurus", "rex", "troodon", "minmi", "iguanodon"]


def small_parameters(seed=0, n_a=6, scale=0.3):
    rng = np.random.default_rng(seed)
    return initialize_rnn_parameters(27, n_a, 27, rng, scale=scale)


def test_clip_clips_outside_and_keeps_inside_values():
    gradients = {"dWax": np.array([[-7.0, -5.0, 0.5]]),
                 "dby": np.array([[12.0], [4.9]])}
    before = {k: v.copy() for k, v in gradients.items()}
    clipped = clip(gradients, 5)
    assert np.array_equal(clipped["dWax"], [[-5.0, -5.0, 0.5]])
    assert np.array_equal(clipped["dby"], [[5.0], [4.9]])
    for k in gradients:                          # the caller's dict is untouched
        assert np.array_equal(gradients[k], before[k])
    assert clipped is not gradients


def test_clip_rejects_negative_max_value():
    with pytest.raises(ValueError, match="maxValue must be a finite number >= 0; "
                                         "got -1"):
        clip({"dWax": np.ones((2, 2))}, -1)


def test_sample_ends_with_newline_and_is_reproducible():
    parameters = small_parameters(scale=1.0)
    indices = sample(parameters, char_to_ix, seed=3)
    assert indices[-1] == char_to_ix["\n"] and char_to_ix["\n"] not in indices[:-1]
    assert 1 <= len(indices) <= 51
    assert sample(parameters, char_to_ix, seed=3) == indices
    assert sample(parameters, char_to_ix, np.random.default_rng(3)) == indices


def test_sample_stops_after_fifty_characters():
    parameters = small_parameters()
    parameters["by"] = np.full((27, 1), -20.0)
    parameters["by"][1] = 20.0                           # almost surely 'a', never '\n'
    indices = sample(parameters, char_to_ix, seed=0)
    assert len(indices) == 51 and indices[:50] == [1] * 50 and indices[50] == 0


def test_sample_low_temperature_picks_the_likeliest_character():
    parameters = small_parameters()
    parameters["by"] = np.zeros((27, 1))
    parameters["by"][0] = 1.0                            # '\n' is a little likelier
    assert sample(parameters, char_to_ix, seed=0, temperature=0.01) == [0]


@pytest.mark.parametrize("temperature", [0, -1.0, float("nan")])
def test_sample_rejects_bad_temperature(temperature):
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        sample(small_parameters(), char_to_ix, 0, temperature=temperature)


def test_optimize_loss_is_sum_of_minus_log_probabilities():
    parameters = small_parameters()
    X, Y = make_example("rex")
    a_prev = np.zeros((6, 1))
    # the loss by hand, one step at a time
    a, loss = a_prev, 0.0
    for x_ix, y_ix in zip(X, Y):
        x = np.zeros((27, 1))
        if x_ix is not None:
            x[x_ix] = 1
        a = np.tanh(parameters["Wax"] @ x + parameters["Waa"] @ a + parameters["ba"])
        z = parameters["Wya"] @ a + parameters["by"]
        loss -= z[y_ix, 0] - np.log(np.sum(np.exp(z)))
    got_loss, gradients, a_last = optimize(X, Y, a_prev, parameters, learning_rate=0.0)
    assert got_loss == pytest.approx(loss, rel=1e-12)
    assert np.allclose(a_last, a, rtol=1e-12, atol=0)
    assert sorted(gradients) == sorted(["dWax", "dWaa", "dWya", "dba", "dby"])


def test_optimize_gradients_match_finite_differences():
    parameters = small_parameters()            # small weights: no gradient reaches ±5
    X, Y = make_example("minmi")
    a_prev = np.random.default_rng(1).standard_normal((6, 1)) * 0.5

    def loss():                                # optimize's loss; a copy of the dict
        return optimize(X, Y, a_prev, dict(parameters), learning_rate=0.0)[0]

    _, gradients, _ = optimize(X, Y, a_prev, dict(parameters), learning_rate=0.0)
    report = gradcheck.gradient_check(loss, parameters, gradients)
    assert report.passed, report.details()
    assert max(np.abs(g).max() for g in gradients.values()) < 5


def test_optimize_clips_and_takes_one_sgd_step():
    parameters = small_parameters(scale=3.0)             # big weights: big gradients
    before = {k: v.copy() for k, v in parameters.items()}
    X, Y = make_example("tyrannosaurus")
    _, raw, _ = loss_and_gradients(X, Y, np.zeros((6, 1)), before)
    _, gradients, _ = optimize(X, Y, np.zeros((6, 1)), parameters, learning_rate=0.1)
    assert max(np.abs(g).max() for g in raw.values()) > 5
    for name in before:
        g = gradients["d" + name]
        assert np.abs(g).max() <= 5
        assert np.allclose(g, np.clip(raw["d" + name], -5, 5))
        assert np.allclose(parameters[name], before[name] - 0.1 * g)


def test_optimize_errors_for_bad_examples():
    parameters = small_parameters()
    a_prev = np.zeros((6, 1))
    with pytest.raises(ValueError, match=r"same length.*len\(X\) = 3 and len\(Y\) = 2"):
        optimize([None, 1, 2], [1, 2], a_prev, parameters)
    with pytest.raises(ValueError, match=r"Y\[1\] = 27 is outside the vocabulary"):
        optimize([None, 1], [1, 27], a_prev, parameters)
    with pytest.raises(ValueError, match=r"X\[1\] = -1 is outside the vocabulary"):
        optimize([None, -1], [1, 0], a_prev, parameters)


def test_model_prints_the_classic_report_and_is_deterministic(capsys):
    history = []
    first = model(NAMES, ix_to_char, char_to_ix, num_iterations=30, n_a=8,
                  sample_every=20, history=history)
    out = capsys.readouterr().out
    assert out.startswith("Iteration: 0, Loss: ")
    assert "Iteration: 20, Loss: " in out
    start = 7 * np.log(27)                       # smoothed loss before the first step
    assert 0 < history[0] - 0.999 * start < 0.001 * 20 * np.log(27)
    assert len(history) == 30
    second = model(NAMES, num_iterations=30, n_a=8, verbose=False)
    assert capsys.readouterr().out == ""
    for k in first:
        assert np.array_equal(first[k], second[k])
