"""rnnlib.memory_learning: the loss and gradients, training runs, their checks."""

import numpy as np
import pytest

from rnnlib import numerical_gradient
from rnnlib.cells import CELLS
from rnnlib.memory_learning import (count_parameters,
                                    memory_initial_parameters,
                                    memory_loss_and_gradients, train_memory)
from rnnlib.memory_task import make_memory_task


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_gradients_match_finite_differences(cell):
    rng = np.random.default_rng(1)
    parameters = memory_initial_parameters(cell, 3, rng, forget_bias=0.5)
    for value in parameters.values():                 # biases away from 0 too
        value += 0.3 * rng.standard_normal(value.shape)
    x, bits = make_memory_task(2, 5, rng, lead=1)
    _, gradients = memory_loss_and_gradients(parameters, cell, x, bits)
    assert sorted(gradients) == sorted("d" + k for k in parameters)
    for key, value in parameters.items():
        numeric = numerical_gradient(
            lambda: memory_loss_and_gradients(parameters, cell, x, bits)[0], value)
        error = np.linalg.norm(gradients["d" + key] - numeric) / (
            np.linalg.norm(gradients["d" + key]) + np.linalg.norm(numeric))
        assert error < 1e-7, (key, error)


def test_loss_is_the_cross_entropy_of_the_last_answer():
    parameters = memory_initial_parameters("rnn", 2, np.random.default_rng(0))
    parameters["Wya"][:] = 0.0                        # answers 50/50
    x, bits = make_memory_task(3, 6, np.random.default_rng(1))
    loss, gradients = memory_loss_and_gradients(parameters, "rnn", x, bits)
    assert np.isclose(loss, np.log(2.0))
    assert np.isclose(gradients["dby"].sum(), 0.0)   # softmax rows cancel


def test_initial_parameters():
    rnn = memory_initial_parameters("rnn", 17, np.random.default_rng(0))
    lstm = memory_initial_parameters("lstm", 8, np.random.default_rng(0),
                                     forget_bias=3.0)
    assert count_parameters(rnn) == 17 * 17 + 17 * 3 + 17 + 2 * 17 + 2 == 393
    assert count_parameters(lstm) == 4 * (8 * 11 + 8) + 2 * 8 + 2 == 402
    assert np.all(lstm["bf"] == 3.0) and np.all(lstm["bi"] == 0.0)
    assert abs(rnn["Waa"].std() - 1 / np.sqrt(20)) < 0.03


def test_orthogonal_start_of_the_rnn():
    p = memory_initial_parameters("rnn", 6, np.random.default_rng(2),
                                  recurrent="orthogonal")
    assert np.allclose(p["Waa"] @ p["Waa"].T, np.eye(6))
    same = memory_initial_parameters("rnn", 6, np.random.default_rng(2))
    assert np.array_equal(p["Wax"], same["Wax"])       # the rest is unchanged
    with pytest.raises(ValueError, match="has none"):
        memory_initial_parameters("lstm", 6, np.random.default_rng(2),
                                  recurrent="orthogonal")
    with pytest.raises(ValueError, match="recurrent must be"):
        memory_initial_parameters("rnn", 6, np.random.default_rng(2),
                                  recurrent="identity")


def test_update_bias_of_the_gru():
    p = memory_initial_parameters("gru", 9, np.random.default_rng(4), update_bias=-3.0)
    same = memory_initial_parameters("gru", 9, np.random.default_rng(4))
    assert count_parameters(p) == 3 * (9 * 12 + 9) + 2 * 9 + 2 == 371
    assert np.all(p["bu"] == -3.0) and np.all(same["bu"] == 0.0)
    for key in p:                                      # nothing else moves
        if key != "bu":
            assert np.array_equal(p[key], same[key]), key
    for cell in ("rnn", "lstm"):
        with pytest.raises(ValueError, match=f"cell '{cell}' has no bu"):
            memory_initial_parameters(cell, 4, np.random.default_rng(0),
                                      update_bias=-3.0)
    with pytest.raises(ValueError, match="update_bias must be a finite number"):
        memory_initial_parameters("gru", 4, np.random.default_rng(0),
                                  update_bias=float("nan"))


def test_a_negative_update_bias_lets_the_gru_learn_a_gap_of_20():
    # measured: bu = -3 reaches the target within 100 updates, bu = 0 is at
    # chance after 200 (seed 0, 9 units)
    kept = train_memory("gru", 20, 0, n_a=9, update_bias=-3.0, updates=200)
    plain = train_memory("gru", 20, 0, n_a=9, update_bias=0.0, updates=200)
    assert kept.learned and kept.updates < 200
    assert not plain.learned and plain.updates == 200


def test_a_short_gap_is_learned_and_runs_are_reproducible():
    run = train_memory("lstm", 2, 0, forget_bias=1.0, updates=400)
    assert run.learned and run.accuracy >= 0.95 and run.updates < 400
    again = train_memory("lstm", 2, 0, forget_bias=1.0, updates=400)
    assert again.as_dict() == run.as_dict()
    assert run.history[-1][0] == run.updates and run.history[-1][2] >= 0.95


def test_a_budget_too_small_is_reported_as_not_learned():
    run = train_memory("rnn", 20, 0, n_a=4, updates=3, eval_every=2)
    assert run.updates == 3 and [row[0] for row in run.history] == [2, 3]
    assert run.learned == (run.accuracy >= 0.95) and not run.learned


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(cell="tree"), ValueError, "cell must be"),
    (dict(gap=-1), ValueError, "gap must be at least 0"),
    (dict(updates=0), ValueError, "updates must be at least 1"),
    (dict(batch=2.0), TypeError, "batch must be an int"),
    (dict(learning_rate=0.0), ValueError, "learning_rate must be a positive"),
    (dict(target=1.5), ValueError, "target must be in"),
    (dict(stop_at=0.0), ValueError, "stop_at must be in"),
    (dict(update_bias=-3.0), ValueError, "has no bu"),
])
def test_bad_arguments(kwargs, error, match):
    arguments = dict(cell="rnn", gap=2, seed=0, updates=1) | kwargs
    with pytest.raises(error, match=match):
        train_memory(**arguments)
