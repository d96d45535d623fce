"""Tests for rnnlib.gradient_flow.hidden_gradient_norms.

The norms are checked against centred finite differences of the loss
L = sum(da_last * a<T_x>) with respect to an intermediate hidden state (by
re-running the forward pass from that state), and against the exact answer in
the linear regime, where an RNN multiplies the gradient by Waa.T at each step.
"""

import numpy as np
import pytest

from rnnlib import lstm_forward, rnn_forward
from rnnlib.gradient_flow import hidden_gradient_norms


def rnn_parameters(rng, n_x, n_a, scale=0.8):
    return {"Wax": rng.standard_normal((n_a, n_x)),
            "Waa": scale * rng.standard_normal((n_a, n_a)) / np.sqrt(n_a),
            "Wya": rng.standard_normal((2, n_a)), "ba": rng.standard_normal((n_a, 1)),
            "by": np.zeros((2, 1))}


def lstm_parameters(rng, n_x, n_a):
    p = {}
    for gate in "fico":
        p["W" + gate] = rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)
        p["b" + gate] = rng.standard_normal((n_a, 1))
    p["Wy"], p["by"] = rng.standard_normal((2, n_a)), np.zeros((2, 1))
    return p


def numerical_gradient(loss, a, eps=1e-6):
    """∂loss/∂a by centred differences, entry by entry."""
    grad = np.zeros_like(a)
    for index in np.ndindex(a.shape):
        plus, minus = a.copy(), a.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (loss(plus) - loss(minus)) / (2 * eps)
    return grad


@pytest.mark.parametrize("m, T_x", [(3, 6), (1, 1), (1, 4)])
def test_rnn_norms_match_finite_differences_at_every_distance(m, T_x):
    rng = np.random.default_rng(10 + T_x)
    n_x, n_a = 3, 4
    p = rnn_parameters(rng, n_x, n_a)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    da_last = rng.standard_normal((n_a, m))
    norms = hidden_gradient_norms(x, a0, p, da_last)
    assert norms.shape == (T_x + 1,)
    a = rnn_forward(x, a0, p)[0]
    states = [a0] + [a[:, :, t] for t in range(T_x)]           # a<0> ... a<T_x>
    for k in range(T_x + 1):
        start = T_x - k                                          # a<start>
        def loss(state):
            if k == 0:
                return np.sum(da_last * state)
            rest = rnn_forward(x[:, :, start:], state, p)[0]    # steps start+1 .. T_x
            return np.sum(da_last * rest[:, :, -1])
        expected = np.linalg.norm(numerical_gradient(loss, states[start]))
        assert norms[k] == pytest.approx(expected, rel=1e-7, abs=1e-10)


@pytest.mark.parametrize("m, T_x", [(2, 5), (1, 1)])
def test_lstm_norm_at_a0_matches_finite_differences(m, T_x):
    rng = np.random.default_rng(20 + T_x)
    n_x, n_a = 2, 3
    p = lstm_parameters(rng, n_x, n_a)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    da_last = rng.standard_normal((n_a, m))
    norms = hidden_gradient_norms(x, a0, p, da_last)
    assert norms.shape == (T_x + 1,)
    assert norms[0] == pytest.approx(np.linalg.norm(da_last))
    def loss(state):
        return np.sum(da_last * lstm_forward(x, state, p)[0][:, :, -1])

    expected = np.linalg.norm(numerical_gradient(loss, a0))
    assert norms[T_x] == pytest.approx(expected, rel=1e-7)


def test_linear_regime_multiplies_by_the_recurrent_scale_each_step():
    # x = 0, ba = 0, a0 = 0: every a<t> is 0, tanh' = 1, and an orthogonal
    # Waa scaled by s multiplies the gradient's norm by exactly s per step.
    rng = np.random.default_rng(3)
    n_a, s, T_x = 6, 1.3, 12
    q, _ = np.linalg.qr(rng.standard_normal((n_a, n_a)))
    p = {"Wax": np.ones((n_a, 2)), "Waa": s * q, "Wya": np.zeros((2, n_a)),
         "ba": np.zeros((n_a, 1)), "by": np.zeros((2, 1))}
    norms = hidden_gradient_norms(np.zeros((2, 3, T_x)), np.zeros((n_a, 3)), p)
    np.testing.assert_allclose(norms, s ** np.arange(T_x + 1), rtol=1e-12)


def test_no_recurrent_weights_means_no_gradient_into_the_past():
    rng = np.random.default_rng(4)
    p = rnn_parameters(rng, 2, 3)
    p["Waa"] = np.zeros((3, 3))
    norms = hidden_gradient_norms(rng.standard_normal((2, 2, 5)), np.zeros((3, 2)), p)
    assert norms[0] == pytest.approx(1.0)                        # default: norm 1
    assert not norms[1:].any()


def test_bad_da_last_shape_is_named():
    rng = np.random.default_rng(5)
    p = rnn_parameters(rng, 2, 3)
    with pytest.raises(ValueError, match="da_last"):
        hidden_gradient_norms(rng.standard_normal((2, 4, 3)), np.zeros((3, 4)), p,
                              np.ones((3, 5)))


def test_unknown_parameters_are_rejected():
    with pytest.raises(KeyError, match="Waa"):
        hidden_gradient_norms(np.zeros((2, 1, 3)), np.zeros((3, 1)), {"W": np.ones(2)})
    with pytest.raises(TypeError, match="dict"):
        hidden_gradient_norms(np.zeros((2, 1, 3)), np.zeros((3, 1)), [1, 2])
