"""rnnlib.fast's GRU: agreement with the reference, gradients, dtypes, bad input."""

import numpy as np
import pytest
from core_helpers import gru_parameters

import rnnlib
import rnnlib.fast as fast
from rnnlib.gradcheck import gradient_check

GRAD_KEYS = ("dx", "da0", "dWu", "dbu", "dWr", "dbr", "dWc", "dbc")
# (n_x, n_a, n_y, m, T_x): odd sizes, single example, single step, single unit,
# the dinosaur size, and blocks large enough for tanh through exp
SHAPES = [(3, 5, 2, 4, 7), (27, 50, 27, 1, 12), (1, 1, 1, 1, 1), (6, 3, 4, 9, 1),
          (2, 7, 3, 1, 20), (11, 16, 5, 3, 9), (10, 64, 5, 32, 6)]
POOLED = (8, 64, 5, 64, 40)     # large enough for the buffer pool


def problem(n_x, n_a, n_y, m, T_x, rng, scale=0.5):
    """Random parameters (biases too), x, a0 and an upstream gradient da."""
    p = gru_parameters(rng, n_x, n_a, n_y, scale=scale)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T_x))
    return x, a0, p, da


def rel_error(actual, expected):
    """Largest deviation relative to the largest entry (0 for two zero arrays)."""
    scale = np.max(np.abs(expected), initial=0.0)
    diff = np.max(np.abs(np.asarray(actual, float) - expected), initial=0.0)
    return diff / scale if scale > 0 else diff


def run(forward, backward, x, a0, p, da):
    a, y, caches = forward(x, a0, p)
    return (a, y), backward(da, caches)


def run_both(x, a0, p, da):
    return (run(rnnlib.gru_forward, rnnlib.gru_backward, x, a0, p, da),
            run(fast.gru_forward, fast.gru_backward, x, a0, p, da))


@pytest.mark.parametrize("route", [None, True, False])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_float64_equals_reference(shape, route):
    """route: tanh through exp forced on or off (None: the engine's choice)."""
    import rnnlib.fast as fast
    rng = np.random.default_rng(sum(shape))
    x, a0, p, da = problem(*shape, rng, scale=1.0)       # some units saturate
    with fast.options(exp_route="auto" if route is None else route):
        (ref_out, ref_grads), (fast_out, fast_grads) = run_both(x, a0, p, da)
    for got, want in zip(fast_out, ref_out):
        assert got.shape == want.shape and got.dtype == np.float64
        assert rel_error(got, want) < 1e-12
    assert list(fast_grads) == list(GRAD_KEYS)
    for key in GRAD_KEYS:
        assert fast_grads[key].shape == ref_grads[key].shape, key
        assert fast_grads[key].dtype == np.float64, key
        assert rel_error(fast_grads[key], ref_grads[key]) < 1e-12, key


def test_shorter_da_back_propagates_first_steps():
    rng = np.random.default_rng(1)
    x, a0, p, da = problem(4, 6, 3, 2, 9, rng)
    for T_da in (1, 4, 9):
        (_, ref), (_, mine) = run_both(x, a0, p, da[:, :, :T_da])
        assert mine["dx"].shape == (4, 2, T_da)
        for key in GRAD_KEYS:
            assert rel_error(mine[key], ref[key]) < 1e-12, (T_da, key)


def test_float32_runs_in_float32():
    rng = np.random.default_rng(2)
    x, a0, p, da = problem(5, 8, 4, 3, 10, rng)
    (ref_out, ref_grads), _ = run_both(x, a0, p, da)      # float64 reference
    x32, a32, da32 = (v.astype(np.float32) for v in (x, a0, da))
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    out32, grads32 = run(fast.gru_forward, fast.gru_backward, x32, a32, p32, da32)
    for got, want in zip(out32, ref_out):
        assert got.dtype == np.float32 and rel_error(got, want) < 1e-5
    for key in GRAD_KEYS:
        assert grads32[key].dtype == np.float32, key
        assert rel_error(grads32[key], ref_grads[key]) < 1e-4, key


def test_mixed_dtypes_follow_numpy_promotion():
    rng = np.random.default_rng(3)
    x, a0, p, da = problem(3, 4, 2, 2, 3, rng)
    a, y, caches = fast.gru_forward(x.astype(np.float32), a0, p)
    assert a.dtype == y.dtype == np.float64
    assert fast.gru_backward(da, caches)["dWu"].dtype == np.float64
    a, y, caches = fast.gru_forward((x > 0).astype(int), a0, p)   # one-hot-like ints
    assert a.dtype == np.float64


@pytest.mark.parametrize("T_da", [5, 3])
def test_gradients_match_finite_differences(T_da):
    rng = np.random.default_rng(4)
    x, a0, p, _ = problem(3, 4, 2, 2, 5, rng)
    da_up = rng.standard_normal((4, 2, T_da))            # L = sum(da_up * a[:T_da])
    grads = dict(fast.gru_backward(da_up, fast.gru_forward(x, a0, p)[-1]))
    grads["dx"] = np.concatenate([grads["dx"], np.zeros((3, 2, 5 - T_da))], axis=2)

    def loss():
        return np.sum(da_up * fast.gru_forward(x, a0, p)[0][:, :, :T_da])

    keys = ("Wu", "bu", "Wr", "br", "Wc", "bc")
    report = gradient_check(loss, {"x": x, "a0": a0, **{k: p[k] for k in keys}}, grads)
    assert report.passed and report.max_rel_error < 1e-8, report.details()


def test_returned_arrays_survive_and_caches_stay_valid():
    rng = np.random.default_rng(5)
    x, a0, p, da = problem(*POOLED, rng)
    a, y, caches = fast.gru_forward(x, a0, p)
    first = fast.gru_backward(da, caches)
    kept = a.copy(), y.copy(), {k: v.copy() for k, v in first.items()}
    for _ in range(2):                                   # same shapes, other values
        x2, a02, p2, da2 = problem(*POOLED, rng)
        fast.gru_backward(da2, fast.gru_forward(x2, a02, p2)[-1])
    np.testing.assert_array_equal(a, kept[0])
    np.testing.assert_array_equal(y, kept[1])
    again = fast.gru_backward(da, caches)                # old caches, used twice
    for key in first:
        np.testing.assert_array_equal(first[key], kept[2][key])
        np.testing.assert_array_equal(again[key], kept[2][key])
    assert "GRU caches: n_a=64, m=64, T_x=40" in repr(caches)


def _error(function, *args):
    with pytest.raises(Exception) as info:
        function(*args)
    return type(info.value), str(info.value)


def test_forward_errors_are_the_references():
    rng = np.random.default_rng(8)
    x, a0, p, _ = problem(3, 4, 2, 2, 5, rng)
    nan_x = x.copy()
    nan_x[0, 0, 2] = np.nan
    cases = [
        ("missing key", x, a0, {k: v for k, v in p.items() if k != "Wr"}),
        ("flat bias", x, a0, {**p, "bu": p["bu"].ravel()}),
        ("list parameter", x, a0, {**p, "Wc": p["Wc"].tolist()}),
        ("2-D x", x[:, :, 0], a0, p),
        ("x of wrong n_x", x[:2], a0, p),
        ("a0 of wrong m", x, a0[:, :1], p),
        ("NaN in x", nan_x, a0, p),
        ("text x", np.full(x.shape, "a"), a0, p),
        ("LSTM parameters", x, a0, rnnlib.initialize_lstm_parameters(3, 4, 2, rng)),
    ]
    for what, x_, a0_, p_ in cases:
        assert _error(fast.gru_forward, x_, a0_, p_) == \
            _error(rnnlib.gru_forward, x_, a0_, p_), what


def test_backward_errors_are_clear():
    rng = np.random.default_rng(9)
    x, a0, p, da = problem(3, 4, 2, 2, 5, rng)
    caches = fast.gru_forward(x, a0, p)[-1]
    kind, message = _error(fast.gru_backward, da, rnnlib.gru_forward(x, a0, p)[-1])
    assert kind is TypeError and "rnnlib.fast.gru_forward" in message
    kind, message = _error(fast.gru_backward, da[:3], caches)
    assert kind is ValueError and "da must have shape (n_a, m, T_x)" in message
    kind, message = _error(fast.gru_backward, np.concatenate([da, da], axis=2), caches)
    assert kind is ValueError and "T_x <= 5" in message
    assert _error(fast.lstm_backward, da, caches)[0] is TypeError
    assert _error(fast.gru_backward, da, fast.rnn_forward(
        x, a0, rnnlib.initialize_rnn_parameters(3, 4, 2, rng))[-1])[0] is TypeError


@pytest.fixture
def force_parts(request):
    """The threaded path (normally only at large sizes), forced on small shapes:
    the option ``parts`` for the whole test."""
    settings = fast.options(parts=request.param)
    settings.__enter__()
    yield request.param
    settings.__exit__(None, None, None)


@pytest.mark.parametrize("force_parts, m", [(2, 5), (3, 7), (2, 1), (3, 2)],
                         indirect=["force_parts"])
def test_batch_split_in_threads_equals_reference(force_parts, m):
    rng = np.random.default_rng(12 + m)
    x, a0, p, da = problem(3, 5, 2, m, 9, rng)
    for T_da in (9, 6):
        (ref_out, ref_grads), (fast_out, fast_grads) = run_both(x, a0, p,
                                                                da[:, :, :T_da])
        for got, want in zip(fast_out, ref_out):
            assert rel_error(got, want) < 1e-12
        for key in GRAD_KEYS:
            assert rel_error(fast_grads[key], ref_grads[key]) < 1e-12, key


@pytest.mark.parametrize("force_parts", [2], indirect=True)
def test_batch_split_keeps_float32_and_fresh_arrays(force_parts):
    rng = np.random.default_rng(13)
    x, a0, p, da = problem(4, 6, 3, 8, 5, rng)
    x32, a32, da32 = (v.astype(np.float32) for v in (x, a0, da))
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    (a, y), grads = run(fast.gru_forward, fast.gru_backward, x32, a32, p32, da32)
    assert a.dtype == y.dtype == np.float32
    assert all(v.dtype == np.float32 for v in grads.values())
    kept = a.copy()
    run(fast.gru_forward, fast.gru_backward, x32 * 2, a32, p32, da32)
    np.testing.assert_array_equal(a, kept)
