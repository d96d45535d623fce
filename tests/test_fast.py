"""rnnlib.fast: agreement with the reference functions, gradients, buffers, bad input."""

import os

import numpy as np
import pytest

import rnnlib
import rnnlib.fast as fast
from rnnlib.fast.workspace import MIN_POOLED_BYTES, pool
from rnnlib.gradcheck import gradient_check

REFERENCE = {"rnn": (rnnlib.rnn_forward, rnnlib.rnn_backward),
             "lstm": (rnnlib.lstm_forward, rnnlib.lstm_backward),
             "gru": (rnnlib.gru_forward, rnnlib.gru_backward)}
ENGINE = {"rnn": (fast.rnn_forward, fast.rnn_backward),
          "lstm": (fast.lstm_forward, fast.lstm_backward),
          "gru": (fast.gru_forward, fast.gru_backward)}
GRAD_KEYS = {"rnn": ("dx", "da0", "dWax", "dWaa", "dba"),
             "lstm": ("dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc",
                      "dWo", "dbo"),
             "gru": ("dx", "da0", "dWu", "dbu", "dWr", "dbr", "dWc", "dbc")}
WEIGHT_KEYS = {"rnn": ("Wax", "Waa", "ba"),
               "lstm": ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")}

# (n_x, n_a, n_y, m, T_x): odd sizes, single example, single step, single unit
SHAPES = [(3, 5, 2, 4, 7), (27, 50, 27, 1, 12), (1, 1, 1, 1, 1), (6, 3, 4, 9, 1),
          (2, 7, 3, 1, 20), (11, 16, 5, 3, 9)]


def problem(cell, n_x, n_a, n_y, m, T_x, rng, scale=0.5):
    """Random parameters (biases too), x, a0 and an upstream gradient da."""
    init = {"rnn": rnnlib.initialize_rnn_parameters,
            "lstm": rnnlib.initialize_lstm_parameters,
            "gru": rnnlib.initialize_gru_parameters}[cell]
    p = init(n_x, n_a, n_y, rng)
    p = {k: scale * rng.standard_normal(v.shape) for k, v in p.items()}
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T_x))
    return x, a0, p, da


def rel_error(actual, expected):
    """Largest deviation relative to the largest entry (0 for two zero arrays)."""
    scale = np.max(np.abs(expected), initial=0.0)
    diff = np.max(np.abs(np.asarray(actual, float) - expected), initial=0.0)
    return diff / scale if scale > 0 else diff


def run(engine, cell, x, a0, p, da):
    """Forward and backward; returns (outputs without caches, gradients)."""
    forward, backward = engine[cell]
    *outputs, caches = forward(x, a0, p)
    return outputs, backward(da, caches)


# -------------------------------------------- agreement with the reference

@pytest.mark.parametrize("cell", ["rnn", "lstm"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_float64_equals_reference(cell, shape):
    rng = np.random.default_rng(sum(shape))
    x, a0, p, da = problem(cell, *shape, rng)
    ref_out, ref_grads = run(REFERENCE, cell, x, a0, p, da)
    fast_out, fast_grads = run(ENGINE, cell, x, a0, p, da)
    for got, want in zip(fast_out, ref_out):
        assert got.shape == want.shape and got.dtype == np.float64
        assert rel_error(got, want) < 1e-12
    assert list(fast_grads) == list(GRAD_KEYS[cell])
    for key in GRAD_KEYS[cell]:
        assert fast_grads[key].shape == ref_grads[key].shape, key
        assert fast_grads[key].dtype == np.float64, key
        assert rel_error(fast_grads[key], ref_grads[key]) < 1e-12, key


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_shorter_da_back_propagates_first_steps(cell):
    rng = np.random.default_rng(1)
    x, a0, p, da = problem(cell, 4, 6, 3, 2, 9, rng)
    for T_da in (1, 4, 9):
        _, ref_grads = run(REFERENCE, cell, x, a0, p, da[:, :, :T_da])
        _, fast_grads = run(ENGINE, cell, x, a0, p, da[:, :, :T_da])
        assert fast_grads["dx"].shape == (4, 2, T_da)
        for key in GRAD_KEYS[cell]:
            assert rel_error(fast_grads[key], ref_grads[key]) < 1e-12, (T_da, key)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_float32_runs_in_float32(cell):
    rng = np.random.default_rng(2)
    x, a0, p, da = problem(cell, 5, 8, 4, 3, 10, rng)
    ref_out, ref_grads = run(REFERENCE, cell, x, a0, p, da)     # float64 reference
    f32 = [v.astype(np.float32) for v in (x, a0, da)]
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    fast_out, fast_grads = run(ENGINE, cell, f32[0], f32[1], p32, f32[2])
    for got, want in zip(fast_out, ref_out):
        assert got.dtype == np.float32
        assert rel_error(got, want) < 1e-5
    for key in GRAD_KEYS[cell]:
        assert fast_grads[key].dtype == np.float32, key
        assert rel_error(fast_grads[key], ref_grads[key]) < 1e-4, key


def test_mixed_dtypes_follow_numpy_promotion():
    rng = np.random.default_rng(3)
    x, a0, p, da = problem("lstm", 3, 4, 2, 2, 3, rng)
    a, y, c, caches = fast.lstm_forward(x.astype(np.float32), a0, p)
    assert a.dtype == y.dtype == c.dtype == np.float64
    assert fast.lstm_backward(da, caches)["dWf"].dtype == np.float64
    x, a0, p, da = problem("rnn", 3, 4, 2, 2, 3, rng)
    a, y, caches = fast.rnn_forward((x > 0).astype(int), a0, p)   # one-hot-like ints
    assert a.dtype == y.dtype == np.float64


# ---------------------------------------------------------- finite differences

@pytest.mark.parametrize("cell", ["rnn", "lstm"])
@pytest.mark.parametrize("T_da", [5, 3])
def test_gradients_match_finite_differences(cell, T_da):
    rng = np.random.default_rng(4)
    x, a0, p, _ = problem(cell, 3, 4, 2, 2, 5, rng)
    forward, backward = ENGINE[cell]
    da_up = rng.standard_normal((4, 2, T_da))           # L = sum(da_up * a[:T_da])
    grads = dict(backward(da_up, forward(x, a0, p)[-1]))
    grads["dx"] = np.concatenate([grads["dx"], np.zeros((3, 2, 5 - T_da))], axis=2)

    def loss():
        return np.sum(da_up * forward(x, a0, p)[0][:, :, :T_da])

    arrays = {"x": x, "a0": a0, **{k: p[k] for k in WEIGHT_KEYS[cell]}}
    report = gradient_check(loss, arrays, grads)
    assert report.passed, report.details()
    assert report.max_rel_error < 1e-8


# ------------------------------------------------------------- reused buffers

POOLED = (8, 64, 5, 64, 40)     # large enough for the buffer pool


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_returned_arrays_survive_later_calls(cell):
    rng = np.random.default_rng(5)
    x, a0, p, da = problem(cell, *POOLED, rng)
    outputs, grads = run(ENGINE, cell, x, a0, p, da)
    kept = [o.copy() for o in outputs], {k: v.copy() for k, v in grads.items()}
    for _ in range(3):                                  # same shapes, other values
        x2, a02, p2, da2 = problem(cell, *POOLED, rng)
        run(ENGINE, cell, x2, a02, p2, da2)
    for got, want in zip(outputs, kept[0]):
        np.testing.assert_array_equal(got, want)
    for key, value in grads.items():
        np.testing.assert_array_equal(value, kept[1][key])


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_caches_stay_valid_and_are_not_changed_by_backward(cell):
    rng = np.random.default_rng(6)
    x, a0, p, da = problem(cell, *POOLED, rng)
    forward, backward = ENGINE[cell]
    caches = forward(x, a0, p)[-1]
    first = backward(da, caches)
    for _ in range(2):                                  # other calls, same shapes
        x2, a02, p2, da2 = problem(cell, *POOLED, rng)
        backward(da2, forward(x2, a02, p2)[-1])
    again = backward(da, caches)                        # old caches, used twice
    for key in first:
        np.testing.assert_array_equal(again[key], first[key])


def test_buffers_are_reused_once_caches_are_dropped():
    rng = np.random.default_rng(7)
    x, a0, p, _ = problem("lstm", *POOLED, rng)
    caches = fast.lstm_forward(x, a0, p)[-1]
    assert caches.gates.nbytes >= MIN_POOLED_BYTES
    address = caches.gates.ctypes.data
    kept = fast.lstm_forward(x, a0, p)[-1]              # first caches still held
    assert kept.gates.ctypes.data != address
    gates_bytes, held = caches.gates.nbytes, pool.free_bytes()
    del caches                                          # its buffers go back
    freed = pool.free_bytes()
    assert freed >= held + gates_bytes
    reused = fast.lstm_forward(x, a0, p)[-1]
    assert reused.gates.ctypes.data == address
    assert pool.free_bytes() <= freed - gates_bytes     # and are taken out again


# -------------------------------------------------------------------- bad input

def _error(function, *args):
    with pytest.raises(Exception) as info:
        function(*args)
    return type(info.value), str(info.value)


def _bad_inputs(cell, rng):
    """(description, x, a0, parameters) with one thing wrong each."""
    x, a0, p, _ = problem(cell, 3, 4, 2, 2, 5, rng)
    first = "Wax" if cell == "rnn" else "Wf"
    bias = "ba" if cell == "rnn" else "bf"
    nan_x = x.copy()
    nan_x[0, 0, 2] = np.nan
    return [
        ("missing key", x, a0, {k: v for k, v in p.items() if k != first}),
        ("flat bias", x, a0, {**p, bias: p[bias].ravel()}),
        ("list parameter", x, a0, {**p, first: p[first].tolist()}),
        ("2-D x", x[:, :, 0], a0, p),
        ("x of wrong n_x", x[:2], a0, p),
        ("a0 of wrong m", x, a0[:, :1], p),
        ("NaN in x", nan_x, a0, p),
        ("text x", np.full(x.shape, "a"), a0, p),
        ("not a dict", x, a0, list(p.values())),
    ]


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_forward_errors_are_the_reference_ones(cell):
    for what, x, a0, p in _bad_inputs(cell, np.random.default_rng(8)):
        ref_error = _error(REFERENCE[cell][0], x, a0, p)
        assert _error(ENGINE[cell][0], x, a0, p) == ref_error, what


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_backward_errors_are_clear(cell):
    rng = np.random.default_rng(9)
    x, a0, p, da = problem(cell, 3, 4, 2, 2, 5, rng)
    forward, backward = ENGINE[cell]
    caches = forward(x, a0, p)[-1]
    ref_caches = REFERENCE[cell][0](x, a0, p)[-1]
    kind, message = _error(backward, da, ref_caches)
    assert kind is TypeError and f"rnnlib.fast.{cell}_forward" in message
    kind, message = _error(backward, da[:3], caches)
    assert kind is ValueError and "da must have shape (n_a, m, T_x)" in message
    kind, message = _error(backward, np.concatenate([da, da], axis=2), caches)
    assert kind is ValueError and "T_x <= 5" in message
    bad = da.copy()
    bad[1, 1, 1] = np.inf
    assert _error(backward, bad, caches) == (ValueError,
                                             "da contains NaN or infinite values")
    other = (rnnlib.fast.lstm_backward if cell == "rnn" else rnnlib.fast.rnn_backward)
    assert _error(other, da, caches)[0] is TypeError


def test_large_transposes_go_example_by_example_correctly():
    from rnnlib.fast.layout import PER_EXAMPLE_BYTES, copy_transposed
    rng = np.random.default_rng(10)
    rows = rng.standard_normal((30, 40, 500))            # (T, m, n), 4.8 MB
    assert rows.nbytes >= PER_EXAMPLE_BYTES
    columns = copy_transposed(rows, np.empty((500, 40, 30)))
    np.testing.assert_array_equal(columns, rows.transpose(2, 1, 0))
    back = copy_transposed(columns, np.empty((30, 40, 500)))
    np.testing.assert_array_equal(back, rows)
    parts = [slice(0, 14), slice(14, 27), slice(27, 40)]  # in three threads
    columns = copy_transposed(rows, np.empty((500, 40, 30)), parts)
    np.testing.assert_array_equal(columns, rows.transpose(2, 1, 0))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("block_elements", [1, 40, 100])
def test_backward_in_blocks_of_steps_equals_reference(cell, block_elements):
    rng = np.random.default_rng(11)
    x, a0, p, da = problem(cell, 3, 5, 2, 4, 9, rng)     # m n_a = 20: 1, 2, 5 steps
    for T_da in (9, 7):
        _, ref_grads = run(REFERENCE, cell, x, a0, p, da[:, :, :T_da])
        with fast.options(block_elements=block_elements):
            _, fast_grads = run(ENGINE, cell, x, a0, p, da[:, :, :T_da])
        for key in GRAD_KEYS[cell]:
            assert rel_error(fast_grads[key], ref_grads[key]) < 1e-12, key


def test_large_products_are_split_by_their_work():
    import rnnlib.fast.parallel as parallel
    one = [slice(0, 8)]
    cores = min(parallel.usable_cores(), fast.get_options().max_parts)
    assert parallel.product_parts((1 << 26) - 1, one) == 1            # below: one thread
    assert parallel.product_parts(1 << 26, one) == cores              # from the threshold
    assert parallel.product_parts(1, [slice(0, 4), slice(4, 8)]) == 2  # the loop's parts
    with fast.options(parts=1):
        assert parallel.product_parts(1 << 40, one) == 1              # never split
    with fast.options(parallel_min_product=0):
        assert parallel.batch_parts(8, 1, one) == parallel.even_slices(8, cores)
        assert parallel.batch_parts(1, 1, [slice(0, 1)]) == [slice(0, 1)]  # at most m
    assert parallel.batch_parts(8, 1, one) is one


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_split_products_change_nothing_but_last_bits(cell, dtype, monkeypatch):
    """Every product and the output layer in two threads (threshold 0), the
    time loop in one part: the same results as in one thread."""
    import rnnlib.fast.parallel as parallel
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    rng = np.random.default_rng(12)
    x, a0, p, da = problem(cell, 6, 7, 5, 9, 11, rng)
    x, a0, da = (v.astype(dtype) for v in (x, a0, da))
    p = {k: v.astype(dtype) for k, v in p.items()}
    with fast.options(parts=1):
        outs_1, grads_1 = run(ENGINE, cell, x, a0, p, da)
    with fast.options(parallel_min_product=0):
        assert parallel.split_rows(9, 7) == [slice(0, 9)]             # the loop: one part
        outs_2, grads_2 = run(ENGINE, cell, x, a0, p, da)
    tol = 1e-13 if dtype == np.float64 else 1e-5
    for got, want in list(zip(outs_2, outs_1)) + [(grads_2[k], grads_1[k]) for k in grads_1]:
        assert got.dtype == dtype
        assert rel_error(got, want) < tol


# ------------------------------------------- parts of the batch in threads

def test_batch_is_split_into_one_part_per_core_up_to_max_parts(monkeypatch):
    import rnnlib.fast.parallel as parallel
    monkeypatch.setattr(parallel, "usable_cores", lambda: 4)   # a 4-core machine
    assert parallel.split_rows(64, 512) == [slice(0, 32), slice(32, 64)]  # max_parts 2
    with fast.options(max_parts=4):
        assert parallel.split_rows(64, 512) == [slice(0, 16), slice(16, 32),
                                                slice(32, 48), slice(48, 64)]
        assert parallel.split_rows(3, 1 << 15) == [slice(0, 1), slice(1, 2), slice(2, 3)]
    assert parallel.split_rows(64, 64) == [slice(0, 64)]      # small: one part
    with fast.options(parallel_min_elements=64 * 64):
        assert len(parallel.split_rows(64, 64)) == 2
    with fast.options(parts=3):                               # forced, at any size
        assert len(parallel.split_rows(64, 64)) == 3
        assert parallel.split_rows(2, 5) == [slice(0, 1), slice(1, 2)]  # at most m
    with fast.options(parts=1):
        assert parallel.split_rows(64, 512) == [slice(0, 64)]
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    assert parallel.split_rows(64, 512) == [slice(0, 64)]     # one core: one part
    assert parallel.even_slices(7, 3) == [slice(0, 3), slice(3, 5), slice(5, 7)]
    assert 1 <= parallel.usable_cores() <= (os.cpu_count() or 1)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_one_usable_core_gives_one_part():
    """A 1-core machine simulated by pinning this process to one core."""
    import rnnlib.fast.parallel as parallel
    cores = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {min(cores)})
        assert parallel.usable_cores() == 1
        assert parallel.split_rows(64, 512) == [slice(0, 64)]
        rng = np.random.default_rng(14)
        x, a0, p, da = problem("rnn", 3, 5, 2, 4, 6, rng)
        ref_out, _ = run(REFERENCE, "rnn", x, a0, p, da)
        fast_out, _ = run(ENGINE, "rnn", x, a0, p, da)
        assert rel_error(fast_out[0], ref_out[0]) < 1e-12
    finally:
        os.sched_setaffinity(0, cores)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("cores", [2, 3])
@pytest.mark.parametrize("m", [1, 2, 7, 8])
def test_batch_split_in_threads_equals_reference(cell, cores, m):
    """The threaded path (normally only at large sizes), forced on small shapes,
    in 2 and 3 parts: parts of different sizes, m = 1 cannot be split, m = 2
    gives at most two parts."""
    import rnnlib.fast.parallel as parallel
    rng = np.random.default_rng(12 + m)
    x, a0, p, da = problem(cell, 3, 5, 2, m, 9, rng)
    for T_da in (9, 6):
        ref_out, ref_grads = run(REFERENCE, cell, x, a0, p, da[:, :, :T_da])
        with fast.options(parts=cores):
            assert len(parallel.split_rows(m, 5)) == min(m, cores)
            fast_out, fast_grads = run(ENGINE, cell, x, a0, p, da[:, :, :T_da])
        for actual, expected in zip(fast_out, ref_out):
            assert rel_error(actual, expected) < 1e-12
        for key in GRAD_KEYS[cell]:
            assert rel_error(fast_grads[key], ref_grads[key]) < 1e-12, key


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_batch_split_keeps_float32_and_fresh_arrays(cell):
    rng = np.random.default_rng(13)
    x, a0, p, da = problem(cell, 3, 5, 2, 5, 4, rng)
    f32 = [v.astype(np.float32) for v in (x, a0, da)]
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    forward, backward = ENGINE[cell]
    with fast.options(parts=2):
        *outputs, caches = forward(f32[0], f32[1], p32)
        grads = backward(f32[2], caches)
    arrays = outputs + list(grads.values())
    assert all(a.dtype == np.float32 for a in arrays)
    pooled = [v for v in vars(caches).values() if isinstance(v, np.ndarray)]
    for a in arrays:
        assert not any(np.may_share_memory(a, b) for b in pooled)


def test_batch_split_passes_on_errors_of_the_worker_threads():
    import threading
    from rnnlib.fast.parallel import run_parts
    finished = []

    def work(rows):
        if rows.start == 0:
            raise RuntimeError("first part failed")
        if rows.start == 2:
            threading.Event().wait(0.05)              # still running when part 0 fails
        finished.append(rows.start)
        return rows.stop

    parts = [slice(0, 2), slice(2, 4), slice(4, 6)]
    with pytest.raises(RuntimeError, match="first part failed"):
        run_parts(work, parts)
    assert sorted(finished) == [2, 4]                 # every part ran to its end first
    assert run_parts(lambda rows: rows.stop, parts) == [2, 4, 6]


# ------------------------------------------------ tanh through exp (large blocks)

def test_exp_route_activations_match_accurate_ones():
    from rnnlib.fast.activations import (sigmoid_of_negated, tanh_into,
                                         tanh_of_negated_double)
    tiny = np.geomspace(1e-300, 1e-3, 50)
    z = np.concatenate([np.linspace(-40, 40, 100_001), tiny, -tiny,
                        [-1000.0, -710.0, 0.0, 710.0, 1000.0]])
    with np.errstate(over="raise"):
        want_sigmoid = rnnlib.activations.sigmoid(z)
    want_tanh = np.tanh(z)
    with np.errstate(over="ignore"):
        sigmoid = sigmoid_of_negated(-z)
        tanh = tanh_of_negated_double(-2 * z)
        tanh_via_into = tanh_into(z, np.empty_like(z), exp_route=True)
    # a few ulp relative; below ~1e-308 (z < -709) exp overflows and σ is 0
    np.testing.assert_allclose(sigmoid, want_sigmoid, rtol=1.6e-15, atol=1e-300)
    assert np.max(np.abs(tanh - want_tanh)) < 5e-16      # absolute: see the docstring
    np.testing.assert_array_equal(tanh_via_into, tanh)
    assert np.all(tanh[z == -1000.0] == -1) and np.all(tanh[z == 1000.0] == 1)
    assert np.all(tanh[z == 0.0] == 0)
    assert np.all(sigmoid[z == -1000.0] == 0) and np.all(sigmoid[z == 1000.0] == 1)
    np.testing.assert_array_equal(tanh_into(z, np.empty_like(z), exp_route=False),
                                  want_tanh)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
@pytest.mark.parametrize("route", [True, False])
def test_both_tanh_routes_equal_reference(cell, route):
    """Forced on or off at the test's small sizes (normally: from m n_a = 1024)."""
    with fast.options(exp_route=route):
        _both_routes(cell)


def _both_routes(cell):
    for shape in SHAPES:
        rng = np.random.default_rng(20 + sum(shape))
        x, a0, p, da = problem(cell, *shape, rng, scale=1.0)  # some units saturate
        ref_out, ref_grads = run(REFERENCE, cell, x, a0, p, da)
        fast_out, fast_grads = run(ENGINE, cell, x, a0, p, da)
        for got, want in zip(fast_out, ref_out):
            assert rel_error(got, want) < 1e-12, shape
        for key in GRAD_KEYS[cell]:
            assert rel_error(fast_grads[key], ref_grads[key]) < 1e-12, (shape, key)
        # float32, on milder weights (at scale 1 the RNN amplifies rounding
        # errors a hundredfold, whichever tanh is used)
        x, a0, p, da = problem(cell, *shape, rng)
        ref_out, _ = run(REFERENCE, cell, x, a0, p, da)
        x32, a32, da32 = (v.astype(np.float32) for v in (x, a0, da))
        p32 = {k: v.astype(np.float32) for k, v in p.items()}
        out32, _ = run(ENGINE, cell, x32, a32, p32, da32)
        for got, want in zip(out32, ref_out):
            assert got.dtype == np.float32 and rel_error(got, want) < 1e-5, shape


def test_exp_route_is_taken_from_a_thousand_float64_values_per_step():
    from rnnlib.fast.activations import exp_route_pays, numpy_tanh_is_vectorised
    slow_tanh = not numpy_tanh_is_vectorised(np.float64)
    assert not exp_route_pays(1, 50)                     # the dinosaur model
    assert exp_route_pays(32, 50) == exp_route_pays(32, 512) == slow_tanh
    assert not exp_route_pays(32, 512, np.float32) or not numpy_tanh_is_vectorised(
        np.float32)
    with fast.options(exp_route_min_elements=50):
        assert exp_route_pays(1, 50) == slow_tanh
    with fast.options(exp_route=True):
        assert exp_route_pays(1, 50) and exp_route_pays(1, 50, np.float32)
    with fast.options(exp_route=False):
        assert not exp_route_pays(32, 512)


def test_steps_buffer_has_contiguous_steps_apart_from_each_other():
    from rnnlib.fast.layout import steps_buffer
    from rnnlib.fast.workspace import Lease
    with Lease() as lease:
        C = steps_buffer(5, 32, 128, np.float64, lease)
        assert C.shape == (5, 32, 128) and all(C[t].flags.c_contiguous for t in range(5))
        step = C.strides[0]
        assert step > 32 * 128 * 8 and step % 4096 != 0     # not a power of two apart
        C[...] = np.arange(C.size).reshape(C.shape)         # a view: writes land
        np.testing.assert_array_equal(C.reshape(5, -1)[:, -1], np.arange(1, 6) * 4096 - 1)
