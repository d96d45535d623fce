"""Tests of the GRU: cell, sequence, backward pass, gradient checks (chapter 4)."""

import numpy as np
import pytest
from core_helpers import gru_parameters, lstm_parameters, rnn_parameters
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib
from rnnlib import (gradcheck_gru_backward, gradcheck_gru_cell_backward,
                    gru_backward, gru_cell_backward, gru_cell_forward, gru_forward,
                    initialize_gru_parameters, lstm_forward, rnn_forward)
from rnnlib.gru import gru_cell_step

LN2, LN3 = np.log(2.0), np.log(3.0)
SIZES = dict(n_x=st.integers(1, 3), n_a=st.integers(1, 4), m=st.integers(1, 3),
             seed=st.integers(0, 2**16))
GATE_KEYS = ["dWu", "dbu", "dWr", "dbr", "dWc", "dbc"]


def hand_parameters():
    """n_x = n_a = 1, n_y = 2; Wu, Wr act on [a_prev; xt], Wc on [Γr a_prev; xt]."""
    return {
        "Wu": np.array([[0.0, 1.0]]), "bu": np.array([[-LN2 - LN3]]),
        "Wr": np.array([[1.0, 0.0]]), "br": np.array([[0.0]]),
        "Wc": np.array([[4 / 3, 1.0]]), "bc": np.array([[-LN2]]),
        "Wy": np.array([[0.0], [1.0]]), "by": np.array([[0.0], [0.25 * LN3 - 0.2]]),
    }


# ------------------------------------------------------------- forward by hand


def test_cell_by_hand():
    # a_prev = ln 3 (top of concat), xt = ln 2 (bottom):
    # Γu = σ(ln 2 - ln 2 - ln 3) = σ(-ln 3) = 1/4
    # Γr = σ(ln 3) = 3/4                  (with x on top it would be σ(ln 2) = 2/3)
    # c̃  = tanh(4/3 * 3/4 ln 3 + ln 2 - ln 2) = tanh(ln 3) = 0.8
    #                                     (without the reset: tanh(4/3 ln 3) = 0.905)
    # a<t> = 1/4 * 0.8 + 3/4 * ln 3 = 0.2 + 0.75 ln 3
    # ŷ = softmax(0, a<t> + 0.25 ln 3 - 0.2) = softmax(0, ln 3) = (1/4, 3/4)
    xt, a_prev = np.array([[LN2]]), np.array([[LN3]])
    p = hand_parameters()
    a_next, yt_pred, cache = gru_cell_forward(xt, a_prev, p)
    np.testing.assert_allclose(a_next, [[0.2 + 0.75 * LN3]], rtol=1e-14)
    np.testing.assert_allclose(yt_pred, [[0.25], [0.75]], rtol=1e-13)
    c_a_next, c_a_prev, ut, rt, cct, c_xt, c_p = cache
    np.testing.assert_allclose([ut[0, 0], rt[0, 0], cct[0, 0]], [0.25, 0.75, 0.8],
                               rtol=1e-14)
    assert c_a_next is a_next and c_a_prev is a_prev and c_xt is xt and c_p is p


def test_forward_by_hand_starts_from_a0():
    x = np.array([[[LN2, LN2]]])
    a, y, caches = gru_forward(x, np.array([[LN3]]), hand_parameters())
    np.testing.assert_allclose(a[0, 0, 0], 0.2 + 0.75 * LN3, rtol=1e-14)
    assert caches[1] is x and len(caches[0]) == 2
    np.testing.assert_allclose(caches[0][1][1], a[:, :, 0], rtol=0)  # a_prev of step 2


def test_cell_equations_written_out():
    rng = np.random.default_rng(5)
    p = gru_parameters(rng, 3, 4, 2)
    xt, a_prev = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    a_next, yt_pred, _ = gru_cell_forward(xt, a_prev, p)

    def sigma(z):
        return 1 / (1 + np.exp(-z))

    concat = np.vstack([a_prev, xt])                         # hidden state on top
    u = sigma(p["Wu"] @ concat + p["bu"])
    r = sigma(p["Wr"] @ concat + p["br"])
    c = np.tanh(p["Wc"] @ np.vstack([r * a_prev, xt]) + p["bc"])
    np.testing.assert_allclose(a_next, u * c + (1 - u) * a_prev, rtol=1e-13)
    logits = p["Wy"] @ a_next + p["by"]
    np.testing.assert_allclose(yt_pred, np.exp(logits) / np.exp(logits).sum(0),
                               rtol=1e-13)
    # the other formulations are different functions of the same parameters
    torch_style = np.tanh(p["Wc"][:, 4:] @ xt + r * (p["Wc"][:, :4] @ a_prev)
                          + p["bc"])
    assert np.abs(u * torch_style + (1 - u) * a_prev - a_next).max() > 1e-3
    assert np.abs((1 - u) * c + u * a_prev - a_next).max() > 1e-3


def test_update_gate_extremes_copy_or_replace():
    # Γu = 0 keeps a_prev exactly; Γu = 1 takes the candidate
    rng = np.random.default_rng(3)
    p = gru_parameters(rng, 2, 3, 2)
    xt, a_prev = rng.standard_normal((2, 4)), rng.standard_normal((3, 4))
    p["Wu"][:] = 0.0
    p["bu"][:] = -800.0
    np.testing.assert_array_equal(gru_cell_forward(xt, a_prev, p)[0], a_prev)
    p["bu"][:] = 800.0
    a_next, _, cache = gru_cell_forward(xt, a_prev, p)
    np.testing.assert_array_equal(a_next, cache[4])


@settings(max_examples=20, deadline=None)
@given(n_y=st.integers(1, 4), T_x=st.integers(1, 5), **SIZES)
def test_forward_shapes_and_equal_to_a_loop_of_cells(n_x, n_a, n_y, m, T_x, seed):
    rng = np.random.default_rng(seed)
    p = gru_parameters(rng, n_x, n_a, n_y)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    a, y, (step_caches, x_cached) = gru_forward(x, a0, p)
    assert a.shape == (n_a, m, T_x) and y.shape == (n_y, m, T_x)
    assert len(step_caches) == T_x and x_cached is x
    a_next = a0
    for t in range(T_x):
        a_next, yt, cache = gru_cell_forward(x[:, :, t], a_next, p)
        for whole, step in ((a, a_next), (y, yt)):
            np.testing.assert_allclose(whole[:, :, t], step, rtol=1e-13, atol=1e-15)
        assert len(step_caches[t]) == 7 and step_caches[t][6] is p
        for kept, fresh in zip(step_caches[t][:6], cache[:6]):
            np.testing.assert_allclose(kept, fresh, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(y.sum(axis=0), 1.0, rtol=1e-12)


@settings(max_examples=10, deadline=None)
@given(m=st.integers(2, 5), T_x=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_batch_equals_columns_one_by_one(m, T_x, seed):
    rng = np.random.default_rng(seed)
    p = gru_parameters(rng, 3, 4, 2)
    x = rng.standard_normal((3, m, T_x))
    a0 = rng.standard_normal((4, m))
    outputs = gru_forward(x, a0, p)[:2]
    for j in range(m):
        column = gru_forward(x[:, j:j + 1, :], a0[:, j:j + 1], p)[:2]
        for whole, alone in zip(outputs, column):
            np.testing.assert_allclose(whole[:, j:j + 1, :], alone,
                                       rtol=1e-12, atol=1e-14)


def test_unchecked_step_equals_checked_cell():
    rng = np.random.default_rng(6)
    p = gru_parameters(rng, 3, 4, 2)
    xt, a_prev = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    checked, unchecked = gru_cell_forward(xt, a_prev, p), gru_cell_step(xt, a_prev, p)
    for one, other in zip(checked[:2], unchecked[:2]):
        np.testing.assert_array_equal(one, other)


def test_float32_stays_float32():
    rng = np.random.default_rng(7)
    p = {k: v.astype(np.float32) for k, v in gru_parameters(rng, 3, 4, 2).items()}
    x = rng.standard_normal((3, 2, 4)).astype(np.float32)
    a0 = np.zeros((4, 2), np.float32)
    a, y, caches = gru_forward(x, a0, p)
    assert a.dtype == y.dtype == np.float32
    g = gru_backward(np.ones_like(a), caches)
    assert g["dx"].shape == x.shape and g["dWc"].shape == p["Wc"].shape


def test_initializer_shapes_zero_biases_and_generator_only():
    p = initialize_gru_parameters(3, 4, 2, np.random.default_rng(0))
    shapes = {k: v.shape for k, v in p.items()}
    assert shapes == {"Wu": (4, 7), "bu": (4, 1), "Wr": (4, 7), "br": (4, 1),
                      "Wc": (4, 7), "bc": (4, 1), "Wy": (2, 4), "by": (2, 1)}
    assert not any(p[b].any() for b in ("bu", "br", "bc", "by"))
    assert 0 < np.abs(p["Wu"]).max() < 0.1
    again = initialize_gru_parameters(3, 4, 2, np.random.default_rng(0))
    assert all(np.array_equal(p[k], again[k]) for k in p)
    seeded = initialize_gru_parameters(3, 4, 2, 0)             # an int is a seed
    assert all(np.array_equal(p[k], seeded[k]) for k in p)
    with pytest.raises(TypeError, match="rng must be a numpy Generator or an int seed"):
        initialize_gru_parameters(3, 4, 2, None)
    with pytest.raises(ValueError, match="n_a must be an int >= 1"):
        initialize_gru_parameters(3, 0, 2, np.random.default_rng(0))


def test_exported_from_the_top_level():
    for name in ("gru_cell_forward", "gru_forward", "gru_cell_backward",
                 "gru_backward", "initialize_gru_parameters",
                 "gradcheck_gru_cell_backward", "gradcheck_gru_backward"):
        assert callable(getattr(rnnlib, name))


# ------------------------------------------------------------ backward by hand


def test_cell_backward_by_hand():
    # forward (above): Γu = 1/4, Γr = 3/4, c̃ = 0.8, a_prev = ln 3, xt = ln 2
    cache = gru_cell_forward(np.array([[LN2]]), np.array([[LN3]]), hand_parameters())[2]
    g = gru_cell_backward(np.array([[1.0]]), cache)
    # dc̃  = 1 * 1/4 * (1 - 0.64)                 = 0.09
    # dΓu = 1 * (0.8 - ln 3) * 1/4 * 3/4           = 0.1875 (0.8 - ln 3)
    # Wc.T dc̃ = (4/3 * 0.09, 0.09) = (0.12, 0.09)  -> dra = 0.12
    # dΓr = 0.12 * ln 3 * 3/4 * 1/4                = 0.0225 ln 3
    # Wu.T dΓu + Wr.T dΓr = (dΓr, dΓu)             (Wu = (0, 1), Wr = (1, 0))
    # da_prev = 1 * 3/4 + 0.0225 ln 3 + 0.12 * 3/4 = 0.84 + 0.0225 ln 3
    # dxt = dΓu + 0.09                             = 0.24 - 0.1875 ln 3
    du, dr = 0.1875 * (0.8 - LN3), 0.0225 * LN3
    expected = {"dxt": 0.24 - 0.1875 * LN3, "da_prev": 0.84 + 0.0225 * LN3,
                "dbu": du, "dbr": dr, "dbc": 0.09}
    for key, value in expected.items():
        np.testing.assert_allclose(g[key], [[value]], rtol=1e-13, err_msg=key)
    np.testing.assert_allclose(g["dWu"], [[du * LN3, du * LN2]], rtol=1e-13)
    np.testing.assert_allclose(g["dWr"], [[dr * LN3, dr * LN2]], rtol=1e-13)
    np.testing.assert_allclose(g["dWc"], [[0.09 * 0.75 * LN3, 0.09 * LN2]],
                               rtol=1e-13)               # dc̃ [Γr a_prev; xt].T
    assert list(g) == ["dxt", "da_prev"] + GATE_KEYS


def test_the_three_paths_into_da_prev():
    # each path alone is what the gradient becomes when the others are cut
    cache = gru_cell_forward(np.array([[LN2]]), np.array([[LN3]]), hand_parameters())[2]
    a_next, a_prev, ut, rt, cct, xt, p = cache
    g = gru_cell_backward(np.array([[1.0]]), cache)
    direct = 1 - ut                                        # through 1 - Γu
    gates = 0.0225 * LN3                                   # Wr.T dΓr (Wu has 0 on top)
    candidate = 0.12 * rt                                  # dra * Γr inside c̃
    np.testing.assert_allclose(g["da_prev"], direct + gates + candidate, rtol=1e-14)
    assert min(direct.item(), gates, candidate.item()) > 0.02


# ------------------------------------------- finite differences, every gradient


@pytest.mark.parametrize("n_x, n_a, m", [(1, 1, 1), (3, 4, 1), (2, 3, 5), (4, 6, 3)])
def test_cell_matches_finite_differences(n_x, n_a, m):
    # measured: largest relative error 4.7e-9 over these sizes (float64, eps = 1e-6)
    rng = np.random.default_rng(n_x * 100 + n_a * 10 + m)
    report = gradcheck_gru_cell_backward(n_x, n_a, m, rng)
    assert report.passed and report.max_rel_error < 1e-8, report.details()
    assert [row.name for row in report.rows] == ["dxt", "da_prev"] + GATE_KEYS


@pytest.mark.parametrize("n_x, n_a, m, T_x", [(1, 1, 1, 1), (3, 4, 1, 1), (2, 3, 1, 4),
                                              (3, 2, 3, 1), (2, 3, 2, 5), (3, 5, 2, 8)])
def test_sequence_matches_finite_differences(n_x, n_a, m, T_x):
    # measured: largest relative error 3.3e-9 over these sizes (float64, eps = 1e-6)
    rng = np.random.default_rng(1000 + n_x * 100 + n_a * 10 + m + T_x)
    report = gradcheck_gru_backward(n_x, n_a, m, T_x, rng)
    assert report.passed and report.max_rel_error < 1e-8, report.details()
    assert [row.name for row in report.rows] == ["dx", "da0"] + GATE_KEYS


# derandomize: the same examples every run, so the suite cannot flake on a rare
# draw whose tiny gradient puts rounding noise near the tolerance
@settings(max_examples=8, deadline=None, derandomize=True)
@given(T_x=st.integers(1, 4), **SIZES)
def test_random_shapes_match_finite_differences(n_x, n_a, m, T_x, seed):
    rng = np.random.default_rng(seed)
    for report in (gradcheck_gru_cell_backward(n_x, n_a, m, rng),
                   gradcheck_gru_backward(n_x, n_a, m, T_x, rng)):
        assert report.max_rel_error < 1e-7, report.details()


@pytest.mark.parametrize("T_x, T_da", [(4, 1), (4, 3), (2, 1)])
def test_shorter_da_matches_finite_differences_of_the_first_steps(T_x, T_da):
    report = gradcheck_gru_backward(2, 3, 2, T_x, np.random.default_rng(T_x + T_da),
                                    T_da=T_da)
    assert report.passed, report.details()


def test_shorter_da_equals_backward_through_a_shorter_run():
    rng = np.random.default_rng(8)
    p = gru_parameters(rng, 2, 3, 2)
    x, a0 = rng.standard_normal((2, 2, 5)), rng.standard_normal((3, 2))
    da = rng.standard_normal((3, 2, 3))
    g_long = gru_backward(da, gru_forward(x, a0, p)[-1])
    g_short = gru_backward(da, gru_forward(x[:, :, :3], a0, p)[-1])
    assert g_long["dx"].shape == (2, 2, 3)
    for k in g_short:
        np.testing.assert_allclose(g_long[k], g_short[k], rtol=1e-13, atol=1e-15)


def _without(path):
    """A deliberately broken gru_cell_backward: one path into da_prev dropped."""
    def backward(da_next, cache):
        g = dict(gru_cell_backward(da_next, cache))
        a_next, a_prev, ut, rt, cct, xt, p = cache
        n_a = a_prev.shape[0]
        dra = (p["Wc"].T @ (da_next * ut * (1 - cct ** 2)))[:n_a]
        g["da_prev"] = g["da_prev"] - {"direct": da_next * (1 - ut),
                                       "candidate": dra * rt}[path]
        return g
    return backward


@pytest.mark.parametrize("path", ["direct", "candidate"])
def test_gradient_check_catches_a_missing_path(path):
    report = gradcheck_gru_cell_backward(2, 3, 2, np.random.default_rng(9),
                                         backward=_without(path))
    failed = [row.name for row in report.rows if row.rel_error >= report.tol]
    assert failed == ["da_prev"] and report["da_prev"].rel_error > 1e-2


def gru_backward_without_carry(da, caches):
    """A deliberately broken BPTT: each step sees only da[:, :, t]."""
    step_caches, x = caches
    g = {"dx": np.zeros((x.shape[0],) + da.shape[1:])}
    for t in reversed(range(da.shape[2])):
        step = gru_cell_backward(da[:, :, t], step_caches[t])
        g["dx"][:, :, t] = step["dxt"]
        for k in GATE_KEYS:
            g[k] = g.get(k, 0) + step[k]
        g["da0"] = step["da_prev"]
    return g


def test_gradient_check_catches_forgetting_to_carry_da_prev():
    broken = gradcheck_gru_backward(2, 3, 2, 4, np.random.default_rng(11),
                                    backward=gru_backward_without_carry)
    assert not broken.passed and broken["da0"].rel_error > 1e-3
    good = gradcheck_gru_backward(2, 3, 2, 4, np.random.default_rng(11))
    assert good.passed, good.details()


def test_early_inputs_and_a0_get_gradient_from_late_losses():
    rng = np.random.default_rng(4)
    p = gru_parameters(rng, 2, 3, 2)
    x, a0 = rng.standard_normal((2, 1, 4)), rng.standard_normal((3, 1))
    da = np.zeros((3, 1, 4))
    da[:, :, -1] = 1.0
    g = gru_backward(da, gru_forward(x, a0, p)[-1])
    assert np.abs(g["dx"][:, :, 0]).max() > 1e-4
    assert np.abs(g["da0"]).max() > 1e-4


@settings(max_examples=10, deadline=None)
@given(T_x=st.integers(1, 4), **SIZES)
def test_backward_is_a_loop_of_cell_steps(n_x, n_a, m, T_x, seed):
    rng = np.random.default_rng(seed)
    p = gru_parameters(rng, n_x, n_a, 2)
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T_x))
    caches = gru_forward(x, a0, p)[2]
    g = gru_backward(da, caches)
    assert list(g) == ["dx", "da0"] + GATE_KEYS
    da_prevt, total = np.zeros((n_a, m)), {}
    for t in reversed(range(T_x)):
        step = gru_cell_backward(da[:, :, t] + da_prevt, caches[0][t])
        np.testing.assert_allclose(g["dx"][:, :, t], step["dxt"],
                                   rtol=1e-12, atol=1e-14)
        for k in GATE_KEYS:
            total[k] = total.get(k, 0) + step[k]
        da_prevt = step["da_prev"]
    np.testing.assert_allclose(g["da0"], da_prevt, rtol=1e-12, atol=1e-14)
    for k, v in total.items():
        np.testing.assert_allclose(g[k], v, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- bad inputs
N_X, N_A, N_Y, M, T_X = 3, 5, 2, 4, 6


def good_inputs():
    rng = np.random.default_rng(0)
    return dict(xt=rng.standard_normal((N_X, M)), x=rng.standard_normal((N_X, M, T_X)),
                a_prev=rng.standard_normal((N_A, M)),
                a0=rng.standard_normal((N_A, M)),
                parameters=gru_parameters(rng, N_X, N_A, N_Y))


def with_parameter(key, value):
    p = good_inputs()["parameters"]
    if value is None:
        del p[key]
    else:
        p[key] = value
    return p


BAD_CELL_CASES = [
    ("xt_n_x", dict(xt=np.ones((4, M))), ValueError,
     ["xt must have shape (n_x, m) = (3, 4)", "parameters['Wu'] (5, 8)", "got (4, 4)"]),
    ("a_prev_n_a", dict(a_prev=np.ones((4, M))), ValueError,
     ["a_prev must have shape (n_a, m) = (5, 4)", "got (4, 4)"]),
    ("a_prev_batch", dict(a_prev=np.ones((N_A, M + 1))), ValueError,
     ["a_prev must have shape (n_a, m) = (5, 4)", "got (5, 5)"]),
    ("a_prev_1d", dict(a_prev=np.ones(N_A)), ValueError, ["a_prev", "2-D"]),
    ("a_prev_nan", dict(a_prev=np.full((N_A, M), np.nan)), ValueError,
     ["a_prev", "NaN"]),
    ("xt_object", dict(xt=np.ones((N_X, M), dtype=object)), TypeError, ["xt"]),
    ("missing_br", dict(parameters=with_parameter("br", None)), KeyError, ["'br'"]),
    ("flat_bu", dict(parameters=with_parameter("bu", np.zeros(N_A))), ValueError,
     ["parameters['bu']", "(n_a, 1)", "(5,)"]),
    ("Wr_width", dict(parameters=with_parameter("Wr", np.zeros((N_A, 7)))), ValueError,
     ["parameters['Wr']", "(n_a, n_a + n_x) = (5, 8)", "got (5, 7)"]),
    ("Wy_wrong", dict(parameters=with_parameter("Wy", np.zeros((N_Y, 4)))), ValueError,
     ["parameters['Wy']", "(n_y, n_a) = (2, 5)"]),
    ("Wc_text", dict(parameters=with_parameter("Wc", np.full((5, 8), "x"))), TypeError,
     ["parameters['Wc']"]),
    ("lstm_parameters", dict(parameters=lstm_parameters(np.random.default_rng(0),
                                                        N_X, N_A, N_Y)),
     KeyError, ["'Wu'"]),
]


@pytest.mark.parametrize("case, change, error, words", BAD_CELL_CASES,
                         ids=[c[0] for c in BAD_CELL_CASES])
def test_cell_bad_inputs(case, change, error, words):
    args = dict(good_inputs(), **change)
    with pytest.raises(error) as info:
        gru_cell_forward(args["xt"], args["a_prev"], args["parameters"])
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
     ["'Wu'"]),
]


@pytest.mark.parametrize("case, change, error, words", BAD_SEQUENCE_CASES,
                         ids=[c[0] for c in BAD_SEQUENCE_CASES])
def test_sequence_bad_inputs(case, change, error, words):
    args = dict(good_inputs(), **change)
    with pytest.raises(error) as info:
        gru_forward(args["x"], args["a0"], args["parameters"])
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def gru_run(T_x=3, m=2):
    rng = np.random.default_rng(0)
    p = gru_parameters(rng, 2, 3, 2)
    x, a0 = rng.standard_normal((2, m, T_x)), rng.standard_normal((3, m))
    return gru_forward(x, a0, p)


@pytest.mark.parametrize("da, error, words", [
    (np.ones((4, 2, 3)), ValueError,
     ["da must have shape (n_a, m, T_x) = (3, 2, ", "got (4, 2, 3)"]),
    (np.ones((3, 1, 3)), ValueError,
     ["da must have shape (n_a, m, T_x) = (3, 2, ", "got (3, 1, 3)"]),
    (np.ones((3, 2, 4)), ValueError, ["da has T_x = 4 time steps", "ran only 3"]),
    (np.ones((3, 2)), ValueError, ["da must be a 3-D array", "(n_a, m, T_x)"]),
    (np.full((3, 2, 3), np.nan), ValueError, ["da contains NaN"]),
    (np.full((3, 2, 3), "a"), TypeError, ["da must be an array of real numbers"]),
    (np.full((3, 2, 3), 1.7e308), ValueError, ["produced non-finite values"]),
])
def test_sequence_backward_bad_da(da, error, words):
    with pytest.raises(error) as info:
        gru_backward(da, gru_run()[-1])
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_caches_of_the_wrong_kind():
    rng = np.random.default_rng(0)
    x, a0 = rng.standard_normal((2, 2, 3)), rng.standard_normal((3, 2))
    rnn_caches = rnn_forward(x, a0, rnn_parameters(rng, 2, 3, 2))[-1]
    lstm_caches = lstm_forward(x, a0, lstm_parameters(rng, 2, 3, 2))[-1]
    gru_caches = gru_run()[-1]
    da = np.ones((3, 2, 3))
    with pytest.raises(TypeError, match="gru_forward.*7 entries.*4 entries"):
        gru_backward(da, rnn_caches)
    with pytest.raises(TypeError, match="gru_forward.*7 entries.*10 entries"):
        gru_backward(da, lstm_caches)
    for bad in (gru_caches[0], (gru_caches[0],), [], ([], gru_caches[1]), None):
        with pytest.raises(TypeError, match=r"caches must be the pair \(list_of_step"):
            gru_backward(da, bad)
    with pytest.raises(TypeError, match="like an RNN cache"):
        gru_cell_backward(np.ones((3, 2)), rnn_caches[0][0])
    with pytest.raises(TypeError, match="like an LSTM cache"):
        gru_cell_backward(np.ones((3, 2)), lstm_caches[0][0])
    with pytest.raises(TypeError, match="must be the tuple"):
        gru_cell_backward(np.ones((3, 2)), gru_caches)


def test_cell_backward_bad_gradients_and_inconsistent_cache():
    cache = gru_run()[-1][0][0]
    with pytest.raises(ValueError, match=r"da_next must have shape \(n_a, m\) = "):
        gru_cell_backward(np.ones((3, 1)), cache)
    with pytest.raises(ValueError, match="da_next contains NaN"):
        gru_cell_backward(np.full((3, 2), np.inf), cache)
    with pytest.raises(ValueError, match="da_next must be a 2-D"):
        gru_cell_backward(np.ones(3), cache)
    a_next, a_prev, ut, rt, cct, xt, p = cache
    with pytest.raises(ValueError, match=r"rt in cache must have shape \(n_a, m\)"):
        gru_cell_backward(np.ones((3, 2)), (a_next, a_prev, ut, rt[:2], cct, xt, p))
    broken = dict(p)
    del broken["Wr"]
    with pytest.raises(KeyError, match="'Wr'"):
        gru_cell_backward(np.ones((3, 2)), (a_next, a_prev, ut, rt, cct, xt, broken))


# ------------------------------------------- gradient flow and the memory task


@pytest.mark.parametrize("m, T_x", [(2, 5), (1, 1)])
def test_gradient_flow_norms_match_finite_differences(m, T_x):
    from rnnlib.gradient_flow import hidden_gradient_norms
    rng = np.random.default_rng(30 + T_x)
    p = gru_parameters(rng, 2, 3, 2, scale=1.0)
    x, a0 = rng.standard_normal((2, m, T_x)), rng.standard_normal((3, m))
    da_last = rng.standard_normal((3, m))
    norms = hidden_gradient_norms(x, a0, p, da_last)
    assert norms.shape == (T_x + 1,)
    assert norms[0] == pytest.approx(np.linalg.norm(da_last))
    a0_var = a0.copy()

    def loss():
        return np.sum(da_last * gru_forward(x, a0_var, p)[0][:, :, -1])

    numeric = rnnlib.numerical_gradient(loss, a0_var)
    assert norms[T_x] == pytest.approx(np.linalg.norm(numeric), rel=1e-7)


def test_closed_update_gate_passes_the_gradient_unchanged():
    from rnnlib.gradient_flow import hidden_gradient_norms
    rng = np.random.default_rng(6)
    p = gru_parameters(rng, 2, 4, 2)
    p["Wu"][:] = 0.0
    p["bu"][:] = -40.0                                   # Γu = 4e-18: a<t> = a<t-1>
    norms = hidden_gradient_norms(rng.standard_normal((2, 3, 30)),
                                  rng.standard_normal((4, 3)), p)
    np.testing.assert_allclose(norms, 1.0, rtol=1e-12)


def test_hand_set_gru_solves_the_memory_task():
    from rnnlib.memory_task import (make_memory_task, memory_gru_parameters,
                                    recall_accuracy)
    p = memory_gru_parameters()
    assert {k: v.shape for k, v in p.items()} == {
        k: v.shape for k, v in initialize_gru_parameters(
            3, 1, 2, np.random.default_rng(0)).items()}
    for gap in (1, 20, 100):
        x, bits = make_memory_task(gap, 500, np.random.default_rng(gap))
        _, y, _ = gru_forward(x, np.zeros((1, 500)), p)
        assert recall_accuracy(y, bits) == 1.0
        # no output gate: the answer is already there right after the store step
        assert np.all((y[1, :, 6] > 0.5) == (bits > 0))
