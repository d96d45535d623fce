"""The chapter-2 memory task: its inputs, and the hand-set LSTM that solves it."""

import numpy as np
import pytest

from rnnlib import lstm_forward, rnn_forward
from rnnlib.memory_task import (make_memory_task, memory_lstm_parameters,
                                memory_rnn_parameters,
                                memory_two_unit_rnn_parameters,
                                one_unit_rnn_accuracies, recall_accuracy)


def test_task_layout():
    x, bits = make_memory_task(gap=4, m=7, rng=np.random.default_rng(0), lead=3)
    assert x.shape == (3, 7, 3 + 4 + 2) and bits.shape == (7,)
    assert set(np.unique(x[0, :, :-1])) <= {-1.0, 1.0}
    assert np.all(x[0, :, -1] == 0)                       # nothing to read at recall
    assert np.all(x[1].sum(axis=1) == 1) and np.all(x[1, :, 3] == 1)   # one store step
    assert np.all(x[2].sum(axis=1) == 1) and np.all(x[2, :, -1] == 1)  # recall at end
    assert np.array_equal(bits, x[0, :, 3])


def test_task_is_reproducible_and_balanced():
    x1, b1 = make_memory_task(10, 4000, np.random.default_rng(5))
    x2, b2 = make_memory_task(10, 4000, np.random.default_rng(5))
    assert np.array_equal(x1, x2) and np.array_equal(b1, b2)
    assert abs(b1.mean()) < 0.05


@pytest.mark.parametrize("gap", [0, 1, 30, 200])
def test_hand_set_lstm_recalls_every_bit(gap):
    x, bits = make_memory_task(gap, 500, np.random.default_rng(gap))
    parameters = memory_lstm_parameters()
    a, y, c, _ = lstm_forward(x, np.zeros((1, 500)), parameters)
    assert recall_accuracy(y, bits) == 1.0
    assert np.all(np.sign(c[0, :, -1]) == bits)           # the memory holds the bit
    assert np.all(np.abs(a[0, :, :-1]) < 1e-3)            # and stays private until recall


def test_lstm_parameters_have_the_library_shapes():
    from rnnlib import initialize_lstm_parameters
    reference = initialize_lstm_parameters(3, 1, 2, np.random.default_rng(0))
    hand_set = memory_lstm_parameters()
    assert {k: v.shape for k, v in hand_set.items()} == \
        {k: v.shape for k, v in reference.items()}


def test_rnn_parameters_and_accuracy():
    x, bits = make_memory_task(3, 50, np.random.default_rng(1))
    _, y, _ = rnn_forward(x, np.zeros((1, 50)), memory_rnn_parameters(0.0, 0.0))
    assert np.allclose(y, 0.5)
    assert recall_accuracy(y, bits) == 0.0                 # no answer is never right
    y_right = np.stack([(bits < 0), (bits > 0)]).astype(float)[:, :, None]
    assert recall_accuracy(y_right, bits) == 1.0


@pytest.mark.parametrize("kwargs, error", [
    (dict(gap=-1, m=2), ValueError), (dict(gap=1.5, m=2), TypeError),
    (dict(gap=1, m=0), ValueError), (dict(gap=1, m=2, lead=-1), ValueError),
])
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        make_memory_task(rng=np.random.default_rng(0), **kwargs)


def test_rng_must_be_a_generator_or_a_seed():
    with pytest.raises(TypeError, match="rng must be a numpy Generator or an int seed"):
        make_memory_task(1, 2, rng=None)
    x, bits = make_memory_task(1, 2, rng=3)
    x_again, bits_again = make_memory_task(1, 2, rng=np.random.default_rng(3))
    assert np.array_equal(x, x_again) and np.array_equal(bits, bits_again)


def test_one_unit_rnn_puts_every_weight_in_its_place():
    p = memory_rnn_parameters(0.5, 1.0, store=2.0, recall=-3.0, b=0.25)
    assert np.array_equal(p["Wax"], [[1.0, 2.0, -3.0]])
    assert np.array_equal(p["Waa"], [[0.5]]) and np.array_equal(p["ba"], [[0.25]])
    x = np.zeros((3, 1, 1))
    x[:, 0, 0] = [1.0, 1.0, 1.0]                          # one step, all channels on
    a, _, _ = rnn_forward(x, np.array([[0.0]]), p)
    assert np.isclose(a[0, 0, 0], np.tanh(1.0 + 2.0 - 3.0 + 0.25))


@pytest.mark.parametrize("gap", [0, 1, 30, 200])
def test_hand_set_two_unit_rnn_recalls_every_bit(gap):
    x, bits = make_memory_task(gap, 500, np.random.default_rng(gap))
    a, y, _ = rnn_forward(x, np.zeros((2, 500)), memory_two_unit_rnn_parameters())
    assert recall_accuracy(y, bits) == 1.0
    store = 5                                             # the default lead
    fired = a[0] > 0                                      # the detector, (m, T_x)
    assert np.array_equal(fired[:, store], bits > 0)      # fires for +1 at store
    fired[:, store] = False
    assert not fired.any()                                # and never elsewhere
    assert np.all(np.sign(a[1, :, store + 1:]) == bits[:, None])  # latch holds


def test_one_unit_accuracies_equal_rnn_forward():
    rng = np.random.default_rng(3)
    settings = np.column_stack([rng.uniform(-4, 4, 6), rng.uniform(-6, 6, (6, 3)),
                                rng.uniform(-3, 3, 6)])
    settings[0] = [3.0, 1.0, 0.0, 0.0, 0.0]
    x, bits = make_memory_task(7, 300, rng)
    fast = one_unit_rnn_accuracies(settings, x, bits)
    for row, accuracy in zip(settings, fast):
        _, y, _ = rnn_forward(x, np.zeros((1, 300)), memory_rnn_parameters(*row))
        assert accuracy == recall_accuracy(y, bits)


def test_one_unit_accuracies_bad_shapes():
    x, bits = make_memory_task(1, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="settings must have shape"):
        one_unit_rnn_accuracies(np.zeros((2, 4)), x, bits)
    with pytest.raises(ValueError, match="x must have shape"):
        one_unit_rnn_accuracies(np.zeros((2, 5)), x[:2], bits)
