"""Running the work on parts of the batch at once, one part per core.

At large sizes OpenBLAS runs the matrix products on every core, but the
element-wise work of the time loop (tanh, exp, the derivative products) and
the layout transposes run on one: numpy's ufuncs are single-threaded. At the
large benchmark size that work is about a quarter of the LSTM's time on one
core.

The recurrence is independent per example: example j of step t only needs
example j of step t-1. So the batch can be cut into parts (row slices), one
per core, and each part can run its *whole* time loop, products and
element-wise work, in its own Python thread, with no synchronisation between
steps. numpy releases the GIL inside ``np.dot`` and inside ufuncs on large
arrays, so the loops really run side by side. The products before and after
the loop, the transposes and the output layer are cut the same way.

While the parts run, BLAS is limited to one thread (loops each asking
OpenBLAS for every core would fight over them). And once a call takes this
path, *every* product in it runs on single-threaded BLAS (``matmul`` below):
after a multi-threaded product OpenBLAS's worker threads keep spinning on the
cores for tens of milliseconds, waiting for more work, and the loops started
right after would share their cores with them. (At the large size that made
the threaded loops slower than one loop; a product of another program run
just before can still cost a little this way.)

Only large problems take this path (``split_rows``): for small ones handing
work to other threads costs more than the work they take over, and
everything runs as one part, exactly as without this module; so does every
problem on a machine with one core.

Both cells use it (``rnnlib.fast.rnn``, ``rnnlib.fast.lstm``). The basic RNN
has less element-wise work per step than the LSTM (one tanh), but at the large
benchmark size that tanh, the softmax and the copies between layouts are
still about a fifth of its time when they run on one core.

Measured on the book's 2-core machines (two parts). With more cores each part
has fewer examples, so its products are smaller and less efficient; the
parts still put every core to work on the element-wise part, which one part
with multi-threaded products cannot.
"""

import os
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = ["PARALLEL_MIN_ELEMENTS", "usable_cores", "split_rows", "even_slices",
           "run_parts", "matmul"]

PARALLEL_MIN_ELEMENTS = 1 << 15   # m * n_a from which the batch is split

_workers = None                   # threads for all parts but the last, on first use
_worker_count = 0
_blas = None                      # threadpoolctl's handle on numpy's BLAS


def usable_cores():
    """The number of cores this process may run on (at least 1)."""
    try:
        return len(os.sched_getaffinity(0))    # respects taskset and containers
    except AttributeError:                     # not on Linux
        return os.cpu_count() or 1


def split_rows(m, n_a):
    """Row slices of a batch of m examples to run side by side: one per core.

    One part (the whole batch) below ``PARALLEL_MIN_ELEMENTS`` values per
    step (m * n_a, the size of one step's hidden state): measured at the
    book's sizes, smaller batches (m n_a = 16384 included) were as fast or
    faster in one part. Above it, one part per usable core, at most m.
    """
    if m < 2 or m * n_a < PARALLEL_MIN_ELEMENTS:
        return [slice(0, m)]
    return even_slices(m, min(m, usable_cores()))


def even_slices(n, k):
    """k slices cutting range(n) into parts whose sizes differ by at most 1
    (the larger ones first)."""
    size, extra = divmod(n, k)
    bounds = [0]
    for j in range(k):
        bounds.append(bounds[-1] + size + (j < extra))
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]


def run_parts(work, parts):
    """``work(rows)`` for every slice in ``parts``; returns their results.

    With one part this is a plain call. With more, all parts but the last run
    in worker threads and the last in the calling thread, BLAS limited to one
    thread meanwhile (for the whole program: the limit is global); the first
    exception of any part is raised here, after all finished. ``work`` must
    not call ``run_parts`` itself: the workers would wait for each other.
    """
    if len(parts) == 1:
        return [work(parts[0])]
    global _workers, _worker_count, _blas
    if _worker_count < len(parts) - 1:
        _workers = ThreadPoolExecutor(len(parts) - 1, thread_name_prefix="rnnlib.fast")
        _worker_count = len(parts) - 1
        _blas = _blas or ThreadpoolController()
    with _blas.limit(limits=1, user_api="blas"):
        others = [_workers.submit(work, rows) for rows in parts[:-1]]
        try:
            last = work(parts[-1])
        finally:
            wait(others)                    # every part ends before anything is raised
    return [other.result() for other in others] + [last]  # raises a part's exception


def matmul(a, b, out, parts):
    """``np.matmul(a, b, out=out)`` for 2-D arrays; if ``parts`` (see
    ``split_rows``) has more than one slice, in as many threads, each on a
    slice of the rows of ``a`` and ``out``.

    Each slice runs on single-threaded BLAS, so that no OpenBLAS worker thread
    is left spinning when the time loops start (see the module docstring).
    """
    k = min(len(parts), a.shape[0])
    if k < 2:
        return np.matmul(a, b, out=out)
    rows_of_a = even_slices(a.shape[0], k)
    run_parts(lambda rows: np.matmul(a[rows], b, out=out[rows]), rows_of_a)
    return out
