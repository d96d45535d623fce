"""rnnlib.fast as a program relies on it: threads, fork, no aliasing, a bounded pool."""

import multiprocessing
import os
import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import rnnlib
import rnnlib.fast as fast
from rnnlib.fast import parallel
from rnnlib.fast.workspace import pool

FAST = {"rnn": (fast.rnn_forward, fast.rnn_backward),
        "lstm": (fast.lstm_forward, fast.lstm_backward),
        "gru": (fast.gru_forward, fast.gru_backward)}


def problem(cell, n_x, n_a, n_y, m, T_x, seed):
    """Random parameters, x, a0 and da (the same for the same arguments)."""
    rng = np.random.default_rng(seed)
    init = {"rnn": rnnlib.initialize_rnn_parameters,
            "lstm": rnnlib.initialize_lstm_parameters,
            "gru": rnnlib.initialize_gru_parameters}[cell]
    p = {k: 0.5 * rng.standard_normal(v.shape)
         for k, v in init(n_x, n_a, n_y, rng).items()}
    return (rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m)), p,
            rng.standard_normal((n_a, m, T_x)))


def call(cell, x, a0, p, da):
    """Every array one forward + backward returns, in a fixed order."""
    forward, backward = FAST[cell]
    *outputs, caches = forward(x, a0, p)
    grads = backward(da, caches)
    return outputs + [grads[k] for k in sorted(grads)]


def blas_threads():
    """OpenBLAS's thread count(s) right now."""
    return sorted(lib["num_threads"] for lib in threadpool_info()
                  if lib["user_api"] == "blas")


# Problems of both paths: one part, and the batch split into threads (forced by
# parts=2 at a size where "auto" would not split), exp route on and off.
CASES = [("rnn", (5, 7, 3, 6, 9), {}), ("lstm", (5, 7, 3, 6, 9), {}),
         ("rnn", (9, 40, 4, 30, 8), {"parts": 2}),
         ("lstm", (9, 40, 4, 30, 8), {"parts": 2, "exp_route": True}),
         ("lstm", (9, 40, 4, 30, 8), {"parts": 3, "exp_route": False}),
         ("rnn", (6, 64, 5, 48, 6), {"parts": 2, "exp_route": True}),
         # one part, products large enough for OpenBLAS to use its threads
         ("lstm", (65, 128, 65, 32, 12), {}), ("rnn", (65, 128, 65, 32, 12), {}),
         ("gru", (65, 128, 65, 32, 12), {}), ("gru", (5, 7, 3, 6, 9), {}),
         ("gru", (9, 40, 4, 30, 8), {"parts": 3, "exp_route": True})]


def run_case(k):
    cell, shape, settings = CASES[k]
    with fast.options(**settings):
        return call(cell, *problem(cell, *shape, seed=k))


# ------------------------------------------------------------------- threads

@pytest.mark.parametrize("threads", [2, 4])
def test_concurrent_calls_return_exactly_the_sequential_results(threads):
    want = [run_case(k) for k in range(len(CASES))]
    blas_before = blas_threads()
    results, errors = {}, []
    start = threading.Barrier(threads)

    def worker(j):
        try:
            start.wait()
            for repeat in range(3):
                for k in range(len(CASES)):
                    kk = (k + j) % len(CASES)         # threads run different cases
                    results[j, repeat, kk] = run_case(kk)
        except Exception as error:                    # reported below
            errors.append(error)

    pool_threads = [threading.Thread(target=worker, args=(j,)) for j in range(threads)]
    for t in pool_threads:
        t.start()
    for t in pool_threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool_threads), "a thread hangs"
    assert not errors, errors
    assert len(results) == threads * 3 * len(CASES)
    for (j, repeat, k), got in results.items():
        for g, w in zip(got, want[k]):
            np.testing.assert_array_equal(g, w, err_msg=f"case {k}, thread {j}")
    assert parallel.blas_limit_holders() == 0
    assert blas_threads() == blas_before              # the last one out restored it


def test_blas_limit_is_set_once_and_restored_by_the_last_one_out():
    before = blas_threads()
    entered = [threading.Event() for _ in range(3)]
    leave = [threading.Event() for _ in range(3)]
    observed = []

    def holder(j):
        with parallel.blas_limited_to_one_thread():
            entered[j].set()
            leave[j].wait(timeout=30)
            observed.append(blas_threads())

    threads = [threading.Thread(target=holder, args=(j,)) for j in range(3)]
    for j, t in enumerate(threads):
        t.start()
        entered[j].wait(timeout=30)
    assert parallel.blas_limit_holders() == 3
    for j in (1, 0):                                  # leave out of order
        leave[j].set()
        threads[j].join(timeout=30)
        assert parallel.blas_limit_holders() == 3 - (2 - j)
    leave[2].set()
    threads[2].join(timeout=30)
    assert all(counts == [1] * len(before) for counts in observed)  # limited meanwhile
    assert parallel.blas_limit_holders() == 0
    assert blas_threads() == before


def test_worker_pool_grows_under_a_lock_and_the_old_one_is_shut_down():
    lstm = problem("lstm", 9, 40, 4, 30, 8, seed=0)
    with fast.options(parts=2):
        call("lstm", *lstm)
    first, workers = parallel._workers, parallel._worker_count
    assert first is not None and workers >= 1
    with fast.options(parts=workers + 2):             # needs one more worker
        call("lstm", *lstm)
    assert parallel._workers is not first and first._shutdown
    assert parallel._worker_count == workers + 1
    second = parallel._workers
    with fast.options(parts=2):                       # fewer: the same pool is kept
        call("lstm", *lstm)
    assert parallel._workers is second and not second._shutdown


# ---------------------------------------------------------------------- fork

def _child(queue):
    """In a forked child: a split call and a plain one; send back the results."""
    try:
        queue.put(("ok", run_case(3), run_case(1), blas_threads()))
    except Exception as error:                        # pragma: no cover
        queue.put(("error", repr(error), None, None))


def _fork_and_run(timeout=60):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child, args=(queue,))
    child.start()
    try:
        status, split, plain, blas = queue.get(timeout=timeout)
    except Exception:
        child.kill()
        child.join()
        pytest.fail(f"the forked child did not answer within {timeout} s (a hang)")
    child.join(timeout=timeout)
    assert status == "ok", split
    return split, plain, blas


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_after_a_threaded_call_works():
    want_split, want_plain = run_case(3), run_case(1)  # parent: worker threads exist
    assert parallel._workers is not None
    split, plain, _ = _fork_and_run()
    for got, want in zip(split + plain, want_split + want_plain):
        np.testing.assert_array_equal(got, want)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_while_another_thread_holds_the_limit_and_the_pool_lock():
    before = blas_threads()
    inside, leave = threading.Event(), threading.Event()

    def hold():
        with parallel.blas_limited_to_one_thread(), pool._lock, parallel._lock:
            inside.set()
            leave.wait(timeout=60)

    # (the holder takes parallel._lock after the limit: blocks nothing here)
    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait(timeout=30)
    try:
        split, plain, blas_in_child = _fork_and_run()
    finally:
        leave.set()
        holder.join(timeout=30)
    assert blas_in_child == before                    # the child is not left limited
    for got, want in zip(split + plain, run_case(3) + run_case(1)):
        np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------------ aliasing

ALIAS_CASES = [("rnn", (9000, 1, 3, 2, 4), {}),       # n_a = 1: one-row gradients
               ("lstm", (9000, 1, 3, 2, 4), {}),
               ("rnn", (1, 1, 1, 1, 1), {}), ("lstm", (1, 1, 1, 1, 1), {}),
               ("rnn", (30, 50, 27, 32, 12), {}), ("lstm", (30, 50, 27, 32, 12), {}),
               ("gru", (9000, 1, 3, 2, 4), {}), ("gru", (30, 50, 27, 32, 12), {}),
               ("rnn", (20, 64, 7, 40, 6), {"parts": 2}),
               ("lstm", (20, 64, 7, 40, 6), {"parts": 2})]


def _pooled_arrays(caches_list):
    """Every array the engine keeps: the caches' buffers and the free pool."""
    kept = [v for caches in caches_list for v in vars(caches).values()
            if isinstance(v, np.ndarray) and v is not caches.x]
    with pool._lock:
        kept += [a for arrays in pool._free.values() for a in arrays]
    return kept


@pytest.mark.parametrize("cell, shape, settings", ALIAS_CASES,
                         ids=[f"{c}-{s}-{o}" for c, s, o in ALIAS_CASES])
def test_no_returned_array_shares_memory_with_anything_else(cell, shape, settings):
    forward, backward = FAST[cell]
    returned, caches_list = [], []
    with fast.options(**settings):
        for seed in (0, 1):                           # two calls, same shapes
            x, a0, p, da = problem(cell, *shape, seed=seed)
            *outputs, caches = forward(x, a0, p)
            grads = backward(da, caches)
            grads_again = backward(da, caches)        # twice on the same caches
            caches_list.append(caches)
            returned += outputs + list(grads.values()) + list(grads_again.values())
            inputs = [x, a0, da, *p.values()]
    for k, a in enumerate(returned):
        for b in returned[k + 1:] + _pooled_arrays(caches_list) + inputs:
            assert not np.shares_memory(a, b), (k, a.shape, b.shape)


def test_results_of_one_call_survive_the_next_calls():
    x, a0, p, da = problem("rnn", 9000, 1, 3, 2, 4, seed=5)
    first = call("rnn", x, a0, p, da)
    copies = [a.copy() for a in first]
    for seed in (6, 7):
        call("rnn", *problem("rnn", 9000, 1, 3, 2, 4, seed=seed))
    for a, b in zip(first, copies):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------- pool

def test_pool_stays_under_its_cap_and_clear_buffers_empties_it():
    fast.clear_buffers()
    cap = 3 << 20                                     # 3 MiB
    with fast.options(pool_bytes=cap):
        for n_a in (40, 48, 56, 64, 72):              # five shapes, ~1 MiB buffers each
            call("lstm", *problem("lstm", 10, n_a, 5, 32, 25, seed=n_a))
            assert 0 < pool.free_bytes() <= cap
    assert fast.clear_buffers() > 0
    assert pool.free_bytes() == 0
    call("lstm", *problem("lstm", 10, 64, 5, 32, 25, seed=1))   # default cap
    assert 0 < pool.free_bytes() <= fast.get_options().pool_bytes


def test_pool_bytes_zero_turns_reuse_off_in_every_part():
    fast.clear_buffers()
    with fast.options(pool_bytes=0, parts=2):         # the parts run in worker threads
        call("lstm", *problem("lstm", 10, 64, 5, 32, 25, seed=2))
    assert pool.free_bytes() == 0


def test_large_lstm_leaves_at_most_the_cap_pooled():
    fast.clear_buffers()
    with fast.options(pool_bytes=64 << 20):
        call("lstm", *problem("lstm", 64, 256, 8, 32, 40, seed=3))
        assert pool.free_bytes() <= 64 << 20
    fast.clear_buffers()
