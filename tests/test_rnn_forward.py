"""Tests of the RNN cell and forward pass (chapter 1)."""

import numpy as np
import pytest
from core_helpers import rnn_parameters
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlib import initialize_rnn_parameters, rnn_cell_forward, rnn_forward, softmax

LN2, LN3 = np.log(2.0), np.log(3.0)


def hand_parameters():
    """n_x = n_a = 1, n_y = 2, chosen so that every number is known by hand."""
    return {"Wax": np.array([[1.0]]), "Waa": np.array([[0.5]]), "ba": np.array([[LN2]]),
            "Wya": np.array([[0.0], [-5 * LN3]]), "by": np.array([[0.0], [4 * LN3]])}


def test_cell_by_hand():
    # column 0: x = 0, a_prev = 0 -> z = 0.5*0 + 0 + ln 2 = ln 2
    #           tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6
    # column 1: x = ln 3, a_prev = -2 ln 2 -> z = -ln 2 + ln 3 + ln 2 = ln 3
    #           tanh(ln 3) = (3 - 1/3) / (3 + 1/3) = 0.8
    xt = np.array([[0.0, LN3]])
    a_prev = np.array([[0.0, -2 * LN2]])
    a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, hand_parameters())
    np.testing.assert_allclose(a_next, [[0.6, 0.8]], rtol=1e-14)
    # logits (0, -5 ln3 * a + 4 ln3): column 0 -> (0, ln 3) -> (1/4, 3/4);
    # column 1 -> (0, 0) -> (1/2, 1/2)
    np.testing.assert_allclose(yt_pred, [[0.25, 0.5], [0.75, 0.5]], rtol=1e-13)
    assert len(cache) == 4
    assert cache[0] is a_next and cache[1] is a_prev and cache[2] is xt


def test_cache_layout_keeps_the_parameters_dict():
    p = hand_parameters()
    a_next, _, (c_a_next, c_a_prev, c_xt, c_parameters) = rnn_cell_forward(
        np.zeros((1, 3)), np.ones((1, 3)), p)
    assert c_parameters is p and c_a_next is a_next
    np.testing.assert_array_equal(c_a_prev, np.ones((1, 3)))


def test_cell_matches_the_equations_on_the_classic_example():
    # The classic example's inputs: drawn in this order with the legacy global seed.
    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    Waa = np.random.randn(5, 5)
    Wax = np.random.randn(5, 3)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    parameters = {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}
    a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, parameters)
    assert a_next.shape == (5, 10) and yt_pred.shape == (2, 10) and len(cache) == 4
    # the equations, written out independently
    expected_a = np.tanh(Wax @ xt + Waa @ a_prev + ba)
    np.testing.assert_allclose(a_next, expected_a, rtol=1e-14)
    logits = Wya @ a_next + by
    expected = np.exp(logits) / np.exp(logits).sum(axis=0)
    np.testing.assert_allclose(yt_pred, expected, rtol=1e-14)


@settings(max_examples=20, deadline=None)
@given(n_x=st.integers(1, 4), n_a=st.integers(1, 5), n_y=st.integers(1, 4),
       m=st.integers(1, 4), T_x=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_forward_shapes_and_equal_to_a_loop_of_cells(n_x, n_a, n_y, m, T_x, seed):
    rng = np.random.default_rng(seed)
    p = rnn_parameters(rng, n_x, n_a, n_y)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    a, y_pred, (step_caches, x_cached) = rnn_forward(x, a0, p)
    assert a.shape == (n_a, m, T_x) and y_pred.shape == (n_y, m, T_x)
    assert len(step_caches) == T_x and x_cached is x
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, p)
        np.testing.assert_allclose(a[:, :, t], a_next, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(y_pred[:, :, t], yt_pred, rtol=1e-13, atol=1e-15)
        for kept, fresh in zip(step_caches[t][:3], cache[:3]):
            np.testing.assert_allclose(kept, fresh, rtol=1e-13, atol=1e-15)
        assert step_caches[t][3] is p
    np.testing.assert_allclose(y_pred.sum(axis=0), 1.0, rtol=1e-12)


@settings(max_examples=15, deadline=None)
@given(m=st.integers(2, 5), T_x=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_batch_equals_columns_one_by_one(m, T_x, seed):
    rng = np.random.default_rng(seed)
    p = rnn_parameters(rng, 3, 4, 2)
    x = rng.standard_normal((3, m, T_x))
    a0 = rng.standard_normal((4, m))
    a, y_pred, _ = rnn_forward(x, a0, p)
    for j in range(m):
        a_j, y_j, _ = rnn_forward(x[:, j:j + 1, :], a0[:, j:j + 1], p)
        np.testing.assert_allclose(a[:, j:j + 1, :], a_j, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(y_pred[:, j:j + 1, :], y_j, rtol=1e-12, atol=1e-14)


def test_forward_starts_from_a0_not_zeros():
    rng = np.random.default_rng(3)
    p = rnn_parameters(rng, 3, 4, 2)
    x = rng.standard_normal((3, 2, 3))
    a0 = rng.standard_normal((4, 2))
    a_from_a0, _, caches = rnn_forward(x, a0, p)
    a_from_zero, _, _ = rnn_forward(x, np.zeros_like(a0), p)
    assert np.abs(a_from_a0[:, :, 0] - a_from_zero[:, :, 0]).max() > 1e-3
    np.testing.assert_array_equal(caches[0][0][1], a0)       # a_prev of step 1 is a0
    expected_a1 = np.tanh(p["Waa"] @ a0 + p["Wax"] @ x[:, :, 0] + p["ba"])
    np.testing.assert_allclose(a_from_a0[:, :, 0], expected_a1, rtol=1e-14)


def test_forward_by_hand_two_steps():
    # step 1 as in test_cell_by_hand, column 0: a<1> = 0.6.
    # step 2: x = ln 2 - 0.3 so z = 0.5 * 0.6 + (ln 2 - 0.3) + ln 2 = 2 ln 2,
    # tanh(2 ln 2) = (4 - 1/4)/(4 + 1/4) = 15/17
    x = np.array([[[0.0, LN2 - 0.3]]])                    # (1, 1, 2)
    a, y_pred, _ = rnn_forward(x, np.zeros((1, 1)), hand_parameters())
    np.testing.assert_allclose(a[0, 0], [0.6, 15 / 17], rtol=1e-14)
    np.testing.assert_allclose(y_pred[:, 0, 0], [0.25, 0.75], rtol=1e-13)


def test_float32_stays_float32_and_ints_are_accepted():
    rng = np.random.default_rng(0)
    p32 = {k: v.astype(np.float32) for k, v in rnn_parameters(rng, 2, 3, 2).items()}
    x = np.ones((2, 1, 2), dtype=np.float32)
    a, y_pred, _ = rnn_forward(x, np.zeros((3, 1), dtype=np.float32), p32)
    assert a.dtype == np.float32 and y_pred.dtype == np.float32
    x_int, a0_int = np.ones((2, 1, 2), dtype=int), np.zeros((3, 1), dtype=int)
    a, _, _ = rnn_forward(x_int, a0_int, p32)
    assert a.dtype == np.float64


def test_initializer_gives_small_weights_zero_biases_and_reproducible_draws():
    p = initialize_rnn_parameters(4, 3, 2, np.random.default_rng(7))
    assert {k: v.shape for k, v in p.items()} == {
        "Wax": (3, 4), "Waa": (3, 3), "Wya": (2, 3), "ba": (3, 1), "by": (2, 1)}
    assert not p["ba"].any() and not p["by"].any()
    assert 0 < np.abs(p["Wax"]).max() < 0.1
    q = initialize_rnn_parameters(4, 3, 2, np.random.default_rng(7))
    assert all(np.array_equal(p[k], q[k]) for k in p)
    rng = np.random.default_rng(7)   # Wax is drawn first, with standard deviation 0.01
    np.testing.assert_array_equal(p["Wax"], rng.standard_normal((3, 4)) * 0.01)


@pytest.mark.parametrize("rng", [None, 0.0, np.random.RandomState(0), np.random])
def test_initializer_rejects_anything_but_a_generator_or_a_seed(rng):
    with pytest.raises(TypeError, match="rng must be a numpy Generator or an int seed"):
        initialize_rnn_parameters(2, 3, 2, rng)


def test_an_int_rng_is_a_seed_and_a_generator_is_used_as_it_is():
    seeded = initialize_rnn_parameters(2, 3, 2, 7)
    again = initialize_rnn_parameters(2, 3, 2, np.random.default_rng(7))
    assert all(np.array_equal(seeded[k], again[k]) for k in seeded)
    shared = np.random.default_rng(7)
    first = initialize_rnn_parameters(2, 3, 2, shared)           # draws from it
    second = initialize_rnn_parameters(2, 3, 2, shared)
    assert not np.array_equal(first["Wax"], second["Wax"])
    with pytest.raises(ValueError, match="rng must be a numpy Generator or an int seed >= 0"):
        initialize_rnn_parameters(2, 3, 2, -1)


@pytest.mark.parametrize("sizes, error", [
    ((0, 3, 2), ValueError), ((2.0, 3, 2), TypeError),
    ((2, True, 2), TypeError), ((2, 3, -1), ValueError)])
def test_initializer_rejects_bad_sizes(sizes, error):
    with pytest.raises(error, match="n_"):
        initialize_rnn_parameters(*sizes, np.random.default_rng(0))


@pytest.mark.parametrize("scale", [0.0, -1.0, np.inf])
def test_initializer_rejects_bad_scale(scale):
    with pytest.raises(ValueError, match="scale"):
        initialize_rnn_parameters(2, 3, 2, np.random.default_rng(0), scale=scale)


# ---------------------------------------------------------------- bad inputs
N_X, N_A, N_Y, M, T_X = 3, 5, 2, 4, 6


def good_inputs():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((N_X, M)), rng.standard_normal((N_X, M, T_X)),
            rng.standard_normal((N_A, M)), rnn_parameters(rng, N_X, N_A, N_Y))


def with_parameter(key, value):
    _, _, _, p = good_inputs()
    if value is None:
        del p[key]
    else:
        p[key] = value
    return p


BAD_CELL_CASES = [
    # (xt, a_prev, parameters, error, words that must be in the message)
    ("xt_1d", dict(xt=np.ones(N_X)), ValueError, ["xt", "2-D", "(n_x, m)"]),
    ("xt_n_x", dict(xt=np.ones((4, M))), ValueError,
     ["xt must have shape (n_x, m) = (3, 4)", "parameters['Wax'] (5, 3)",
      "got (4, 4)"]),
    ("a_prev_n_a", dict(a_prev=np.ones((4, M))), ValueError,
     ["a_prev must have shape (n_a, m) = (5, 4)", "got (4, 4)"]),
    ("a_prev_batch", dict(a_prev=np.ones((N_A, M + 1))), ValueError,
     ["a_prev", "(n_a, m) = (5, 4)", "xt (3, 4)", "got (5, 5)"]),
    ("a_prev_3d", dict(a_prev=np.ones((N_A, M, 1))), ValueError, ["a_prev", "2-D"]),
    ("xt_text", dict(xt=np.full((N_X, M), "1")), TypeError, ["xt", "real numbers"]),
    ("xt_object", dict(xt=np.ones((N_X, M), dtype=object)), TypeError,
     ["xt", "objects"]),
    ("a_prev_bool", dict(a_prev=np.ones((N_A, M), dtype=bool)), TypeError,
     ["a_prev", "bool"]),
    ("xt_nan", dict(xt=np.full((N_X, M), np.nan)), ValueError, ["xt", "NaN"]),
    ("a_prev_inf", dict(a_prev=np.full((N_A, M), np.inf)), ValueError,
     ["a_prev", "infinite"]),
    ("missing_Waa", dict(parameters=with_parameter("Waa", None)), KeyError, ["'Waa'"]),
    ("missing_by", dict(parameters=with_parameter("by", None)), KeyError,
     ["'by'", "(n_y, 1)"]),
    ("flat_ba", dict(parameters=with_parameter("ba", np.zeros(N_A))), ValueError,
     ["parameters['ba']", "(n_a, 1)", "(5,)"]),
    ("ba_wrong", dict(parameters=with_parameter("ba", np.zeros((4, 1)))), ValueError,
     ["parameters['ba']", "(n_a, 1) = (5, 1)", "got (4, 1)"]),
    ("Waa_wrong", dict(parameters=with_parameter("Waa", np.zeros((5, 4)))), ValueError,
     ["parameters['Waa']", "(5, 5)", "got (5, 4)"]),
    ("Wya_wrong", dict(parameters=with_parameter("Wya", np.zeros((2, 4)))), ValueError,
     ["parameters['Wya']", "(n_y, n_a) = (2, 5)"]),
    ("by_wrong", dict(parameters=with_parameter("by", np.zeros((3, 1)))), ValueError,
     ["parameters['by']", "(n_y, 1) = (2, 1)"]),
    ("Wax_nan", dict(parameters=with_parameter("Wax", np.full((5, 3), np.nan))),
     ValueError,
     ["parameters['Wax']", "NaN"]),
    ("not_a_dict", dict(parameters=[1, 2]), TypeError, ["parameters must be a dict"]),
]


@pytest.mark.parametrize("case, change, error, words", BAD_CELL_CASES,
                         ids=[c[0] for c in BAD_CELL_CASES])
def test_cell_bad_inputs(case, change, error, words):
    xt, _, a_prev, p = good_inputs()
    args = dict(dict(xt=xt, a_prev=a_prev, parameters=p), **change)
    with pytest.raises(error) as info:
        rnn_cell_forward(args["xt"], args["a_prev"], args["parameters"])
    for word in words:
        assert word in str(info.value), (word, str(info.value))


BAD_SEQUENCE_CASES = [
    ("x_2d", dict(x=np.ones((N_X, M))), ValueError,
     ["x must be a 3-D", "(n_x, m, T_x)"]),
    ("x_n_x", dict(x=np.ones((2, M, T_X))), ValueError,
     ["x must have shape (n_x, m, T_x) = (3, 4, 6)", "got (2, 4, 6)"]),
    ("a0_batch", dict(a0=np.ones((N_A, M - 1))), ValueError,
     ["a0 must have shape (n_a, m) = (5, 4)", "x (3, 4, 6)"]),
    ("a0_1d", dict(a0=np.ones(N_A)), ValueError, ["a0", "2-D"]),
    ("x_nan", dict(x=np.full((N_X, M, T_X), np.nan)), ValueError, ["x contains NaN"]),
    ("a0_text", dict(a0=np.full((N_A, M), "a")), TypeError, ["a0"]),
    ("flat_by", dict(parameters=with_parameter("by", np.zeros(N_Y))), ValueError,
     ["parameters['by']", "(n_y, 1)"]),
    ("missing_Wax", dict(parameters=with_parameter("Wax", None)), KeyError, ["'Wax'"]),
    ("empty_T_x", dict(x=np.ones((N_X, M, 0))), ValueError, ["T_x = 0"]),
]


@pytest.mark.parametrize("case, change, error, words", BAD_SEQUENCE_CASES,
                         ids=[c[0] for c in BAD_SEQUENCE_CASES])
def test_sequence_bad_inputs(case, change, error, words):
    _, x, a0, p = good_inputs()
    args = dict(dict(x=x, a0=a0, parameters=p), **change)
    with pytest.raises(error) as info:
        rnn_forward(args["x"], args["a0"], args["parameters"])
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_softmax_is_the_one_used():
    xt, _, a_prev, p = good_inputs()
    a_next, yt_pred, _ = rnn_cell_forward(xt, a_prev, p)
    expected = softmax(p["Wya"] @ a_next + p["by"])
    np.testing.assert_allclose(yt_pred, expected, rtol=1e-15)
