"""Tests of the LSTM cell and forward pass (chapter 2)."""

import numpy as np
import pytest
from core_helpers import lstm_parameters
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlib import initialize_lstm_parameters, lstm_cell_forward, lstm_forward

LN2, LN3 = np.log(2.0), np.log(3.0)


def hand_parameters():
    """n_x = n_a = 1, n_y = 2; weights act on concat = [a_prev; xt]."""
    return {
        "Wf": np.array([[1.0, 0.0]]), "bf": np.array([[0.0]]),
        "Wi": np.array([[0.0, 1.0]]), "bi": np.array([[-LN2 - LN3]]),
        "Wc": np.array([[0.0, 1.0]]), "bc": np.array([[LN3 - LN2]]),
        "Wo": np.array([[1.0, 1.0]]), "bo": np.array([[-LN3 - LN2]]),
        "Wy": np.array([[0.0], [LN3 / 0.3]]), "by": np.array([[0.0], [0.0]]),
    }


def test_cell_by_hand():
    # a_prev = ln 3 (top of concat), xt = ln 2 (bottom):
    # Γf = σ(ln 3) = 3/4                  (with x on top it would be σ(ln 2) = 2/3)
    # Γi = σ(ln 2 - ln 2 - ln 3) = σ(-ln 3) = 1/4
    # c̃  = tanh(ln 2 + ln 3 - ln 2) = tanh(ln 3) = 0.8
    # c_prev = (ln 2 - 0.2) / 0.75  ->  c<t> = 3/4 c_prev + 1/4 * 0.8 = ln 2
    # Γo = σ(ln 3 + ln 2 - ln 3 - ln 2) = σ(0) = 1/2
    # a<t> = 1/2 tanh(ln 2) = 1/2 * 0.6 = 0.3
    # ŷ = softmax(0, (ln 3 / 0.3) * 0.3) = softmax(0, ln 3) = (1/4, 3/4)
    xt, a_prev = np.array([[LN2]]), np.array([[LN3]])
    c_prev = np.array([[(LN2 - 0.2) / 0.75]])
    p = hand_parameters()
    a_next, c_next, yt_pred, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    np.testing.assert_allclose(c_next, [[LN2]], rtol=1e-14)
    np.testing.assert_allclose(a_next, [[0.3]], rtol=1e-14)
    np.testing.assert_allclose(yt_pred, [[0.25], [0.75]], rtol=1e-13)
    (c_a_next, c_c_next, c_a_prev, c_c_prev, ft, it, cct, ot, c_xt, c_p) = cache
    np.testing.assert_allclose([ft[0, 0], it[0, 0], cct[0, 0], ot[0, 0]],
                               [0.75, 0.25, 0.8, 0.5], rtol=1e-14)
    assert c_a_next is a_next and c_c_next is c_next and c_p is p
    assert c_a_prev is a_prev and c_c_prev is c_prev and c_xt is xt


def test_forward_by_hand_memory_starts_at_zero():
    # T_x = 1 with a0 = ln 3, x = ln 2 and c<0> = 0:
    # c<1> = 3/4 * 0 + 1/4 * 0.8 = 0.2, a<1> = 1/2 tanh(0.2)
    x = np.array([[[LN2]]])
    a, y, c, caches = lstm_forward(x, np.array([[LN3]]), hand_parameters())
    np.testing.assert_allclose(c[0, 0], [0.2], rtol=1e-14)
    np.testing.assert_allclose(a[0, 0], [0.5 * np.tanh(0.2)], rtol=1e-14)
    np.testing.assert_array_equal(caches[0][0][3], 0.0)     # c_prev of step 1 is 0
    assert caches[1] is x


@settings(max_examples=20, deadline=None)
@given(n_x=st.integers(1, 4), n_a=st.integers(1, 5), n_y=st.integers(1, 4),
       m=st.integers(1, 4), T_x=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_forward_shapes_and_equal_to_a_loop_of_cells(n_x, n_a, n_y, m, T_x, seed):
    rng = np.random.default_rng(seed)
    p = lstm_parameters(rng, n_x, n_a, n_y)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    a, y, c, (step_caches, x_cached) = lstm_forward(x, a0, p)
    assert a.shape == c.shape == (n_a, m, T_x) and y.shape == (n_y, m, T_x)
    assert len(step_caches) == T_x and x_cached is x
    a_next, c_next = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, p)
        for whole, step in ((a, a_next), (c, c_next), (y, yt)):
            np.testing.assert_allclose(whole[:, :, t], step, rtol=1e-13, atol=1e-15)
        assert len(step_caches[t]) == 10 and step_caches[t][9] is p
        for kept, fresh in zip(step_caches[t][:9], cache[:9]):
            np.testing.assert_allclose(kept, fresh, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(y.sum(axis=0), 1.0, rtol=1e-12)


def test_cell_equations_written_out():
    rng = np.random.default_rng(5)
    p = lstm_parameters(rng, 3, 4, 2)
    xt, a_prev, c_prev = (rng.standard_normal((3, 2)), rng.standard_normal((4, 2)),
                          rng.standard_normal((4, 2)))
    a_next, c_next, yt_pred, _ = lstm_cell_forward(xt, a_prev, c_prev, p)
    concat = np.vstack([a_prev, xt])                         # hidden state on top

    def sigma(z):
        return 1 / (1 + np.exp(-z))

    ft = sigma(p["Wf"] @ concat + p["bf"])
    it = sigma(p["Wi"] @ concat + p["bi"])
    ot = sigma(p["Wo"] @ concat + p["bo"])
    expected_c = ft * c_prev + it * np.tanh(p["Wc"] @ concat + p["bc"])
    np.testing.assert_allclose(c_next, expected_c, rtol=1e-13)
    np.testing.assert_allclose(a_next, ot * np.tanh(expected_c), rtol=1e-13)
    logits = p["Wy"] @ a_next + p["by"]
    expected_y = np.exp(logits) / np.exp(logits).sum(0)
    np.testing.assert_allclose(yt_pred, expected_y, rtol=1e-13)


@settings(max_examples=10, deadline=None)
@given(m=st.integers(2, 5), T_x=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_batch_equals_columns_one_by_one(m, T_x, seed):
    rng = np.random.default_rng(seed)
    p = lstm_parameters(rng, 3, 4, 2)
    x = rng.standard_normal((3, m, T_x))
    a0 = rng.standard_normal((4, m))
    outputs = lstm_forward(x, a0, p)[:3]
    for j in range(m):
        column = lstm_forward(x[:, j:j + 1, :], a0[:, j:j + 1], p)[:3]
        for whole, alone in zip(outputs, column):
            np.testing.assert_allclose(whole[:, j:j + 1, :], alone,
                                       rtol=1e-12, atol=1e-14)


def test_forward_uses_a0():
    rng = np.random.default_rng(2)
    p = lstm_parameters(rng, 3, 4, 2)
    x = rng.standard_normal((3, 2, 3))
    a0 = rng.standard_normal((4, 2))
    a_from_a0 = lstm_forward(x, a0, p)[0]
    a_from_zero = lstm_forward(x, np.zeros_like(a0), p)[0]
    assert np.abs(a_from_a0[:, :, 0] - a_from_zero[:, :, 0]).max() > 1e-3
    a1 = lstm_cell_forward(x[:, :, 0], a0, np.zeros((4, 2)), p)[0]
    np.testing.assert_allclose(a_from_a0[:, :, 0], a1, rtol=1e-14)


def test_initializer_shapes_zero_biases_and_generator_only():
    p = initialize_lstm_parameters(3, 4, 2, np.random.default_rng(0))
    shapes = {k: v.shape for k, v in p.items()}
    assert shapes == {"Wf": (4, 7), "bf": (4, 1), "Wi": (4, 7), "bi": (4, 1),
                      "Wc": (4, 7), "bc": (4, 1), "Wo": (4, 7), "bo": (4, 1),
                      "Wy": (2, 4), "by": (2, 1)}
    assert not any(p[b].any() for b in ("bf", "bi", "bc", "bo", "by"))
    assert 0 < np.abs(p["Wf"]).max() < 0.1
    seeded = initialize_lstm_parameters(3, 4, 2, 0)            # an int is a seed
    assert all(np.array_equal(p[k], seeded[k]) for k in p)
    with pytest.raises(TypeError, match="rng must be a numpy Generator or an int seed"):
        initialize_lstm_parameters(3, 4, 2, None)


# ---------------------------------------------------------------- bad inputs
N_X, N_A, N_Y, M, T_X = 3, 5, 2, 4, 6


def good_inputs():
    rng = np.random.default_rng(0)
    return dict(xt=rng.standard_normal((N_X, M)), x=rng.standard_normal((N_X, M, T_X)),
                a_prev=rng.standard_normal((N_A, M)),
                c_prev=rng.standard_normal((N_A, M)),
                a0=rng.standard_normal((N_A, M)),
                parameters=lstm_parameters(rng, N_X, N_A, N_Y))


def with_parameter(key, value):
    p = good_inputs()["parameters"]
    if value is None:
        del p[key]
    else:
        p[key] = value
    return p


BAD_CELL_CASES = [
    ("xt_n_x", dict(xt=np.ones((4, M))), ValueError,
     ["xt must have shape (n_x, m) = (3, 4)", "parameters['Wf'] (5, 8)", "got (4, 4)"]),
    ("a_prev_n_a", dict(a_prev=np.ones((4, M))), ValueError,
     ["a_prev must have shape (n_a, m) = (5, 4)", "got (4, 4)"]),
    ("c_prev_batch", dict(c_prev=np.ones((N_A, M + 1))), ValueError,
     ["c_prev must have shape (n_a, m) = (5, 4)", "got (5, 5)"]),
    ("c_prev_1d", dict(c_prev=np.ones(N_A)), ValueError, ["c_prev", "2-D"]),
    ("c_prev_nan", dict(c_prev=np.full((N_A, M), np.nan)), ValueError,
     ["c_prev", "NaN"]),
    ("xt_object", dict(xt=np.ones((N_X, M), dtype=object)), TypeError, ["xt"]),
    ("missing_bo", dict(parameters=with_parameter("bo", None)), KeyError, ["'bo'"]),
    ("flat_bf", dict(parameters=with_parameter("bf", np.zeros(N_A))), ValueError,
     ["parameters['bf']", "(n_a, 1)", "(5,)"]),
    ("Wi_width", dict(parameters=with_parameter("Wi", np.zeros((N_A, 7)))), ValueError,
     ["parameters['Wi']", "(n_a, n_a + n_x) = (5, 8)", "got (5, 7)"]),
    ("Wy_wrong", dict(parameters=with_parameter("Wy", np.zeros((N_Y, 4)))), ValueError,
     ["parameters['Wy']", "(n_y, n_a) = (2, 5)"]),
    ("Wc_text", dict(parameters=with_parameter("Wc", np.full((5, 8), "x"))), TypeError,
     ["parameters['Wc']"]),
]


@pytest.mark.parametrize("case, change, error, words", BAD_CELL_CASES,
                         ids=[c[0] for c in BAD_CELL_CASES])
def test_cell_bad_inputs(case, change, error, words):
    args = dict(good_inputs(), **change)
    with pytest.raises(error) as info:
        lstm_cell_forward(args["xt"], args["a_prev"], args["c_prev"],
                          args["parameters"])
    for word in words:
        assert word in str(info.value), (word, str(info.value))


BAD_SEQUENCE_CASES = [
    ("x_2d", dict(x=np.ones((N_X, M))), ValueError,
     ["x must be a 3-D", "(n_x, m, T_x)"]),
    ("x_n_x", dict(x=np.ones((2, M, T_X))), ValueError,
     ["x must have shape", "got (2, 4, 6)"]),
    ("a0_batch", dict(a0=np.ones((N_A, 1))), ValueError,
     ["a0 must have shape (n_a, m) = (5, 4)"]),
    ("a0_inf", dict(a0=np.full((N_A, M), -np.inf)), ValueError, ["a0", "infinite"]),
    ("missing_Wy", dict(parameters=with_parameter("Wy", None)), KeyError, ["'Wy'"]),
    ("rnn_parameters", dict(parameters={"Wax": np.ones((N_A, N_X))}), KeyError,
     ["'Wf'"]),
]


@pytest.mark.parametrize("case, change, error, words", BAD_SEQUENCE_CASES,
                         ids=[c[0] for c in BAD_SEQUENCE_CASES])
def test_sequence_bad_inputs(case, change, error, words):
    args = dict(good_inputs(), **change)
    with pytest.raises(error) as info:
        lstm_forward(args["x"], args["a0"], args["parameters"])
    for word in words:
        assert word in str(info.value), (word, str(info.value))
