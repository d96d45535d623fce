"""Running the work on two halves of the batch at once, one per core.

At large sizes OpenBLAS runs the matrix products on every core, but the
element-wise work of the time loop (tanh, exp, the derivative products) and
the layout transposes run on one: numpy's ufuncs are single-threaded. At the
large benchmark size that work is about a third of the time.

The recurrence is independent per example: example j of step t only needs
example j of step t-1. So the batch can be cut into two halves of rows, and
each half can run its *whole* time loop, products and element-wise work, in
its own Python thread, with no synchronisation between steps. numpy releases
the GIL inside ``np.dot`` and inside ufuncs on large arrays, so the two loops
really run side by side. The products before and after the loop, the
transposes and the output layer are cut in two the same way.

While two halves run, BLAS is limited to one thread (two loops each asking
OpenBLAS for both cores would fight over them). And once a call takes this
path, *every* product in it runs on single-threaded BLAS (``matmul`` below):
after a multi-threaded product OpenBLAS's worker threads keep spinning on the
cores for tens of milliseconds, waiting for more work, and the two loops
started right after would share their cores with them. (At the large size that
made the threaded loops slower than one loop; a product of another program run
just before can still cost a little this way.)

Only large problems take this path (``split_rows``): for small ones starting
a second thread costs more than the work it takes over, and everything runs
as one part, exactly as without this module.

Both cells use it (``rnnlib.fast.rnn``, ``rnnlib.fast.lstm``). The basic RNN
has less element-wise work per step than the LSTM (one tanh), but at the large
benchmark size that tanh, the softmax and the copies between layouts are
still about a fifth of its time when they run on one core.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = ["PARALLEL_MIN_ELEMENTS", "split_rows", "halves", "run_halves", "matmul"]

PARALLEL_MIN_ELEMENTS = 1 << 15   # m * n_a from which the batch is split in two

_worker = None                    # the second thread, started on first use
_blas = None                      # threadpoolctl's handle on numpy's BLAS


def split_rows(m, n_a):
    """Row slices of a batch of m examples to run side by side: one or two.

    Two halves once m * n_a (the size of one step's hidden state) reaches
    ``PARALLEL_MIN_ELEMENTS``; measured at the book's sizes, smaller batches
    (m n_a = 16384 included) were as fast or faster in one part.
    """
    if m < 2 or m * n_a < PARALLEL_MIN_ELEMENTS:
        return [slice(0, m)]
    return halves(m)


def halves(n):
    """Two slices cutting range(n) in two (the first one longer if n is odd)."""
    half = (n + 1) // 2
    return [slice(0, half), slice(half, n)]


def run_halves(work, parts):
    """``work(rows)`` for every slice in ``parts``; returns their results.

    With one part this is a plain call. With two, the first runs in a worker
    thread and the second in the calling thread, BLAS limited to one thread
    meanwhile (for the whole program: the limit is global); an exception in
    either is raised here, after both finished. ``work`` must not call
    ``run_halves`` itself: there is one worker thread.
    """
    if len(parts) == 1:
        return [work(parts[0])]
    global _worker, _blas
    if _worker is None:
        _worker = ThreadPoolExecutor(1, thread_name_prefix="rnnlib.fast")
        _blas = ThreadpoolController()
    with _blas.limit(limits=1, user_api="blas"):
        first = _worker.submit(work, parts[0])
        try:
            second = work(parts[1])
        finally:
            result = first.result()  # waits; raises the worker's exception
    return [result, second]


def matmul(a, b, out, parts):
    """``np.matmul(a, b, out=out)`` for 2-D arrays; in two threads, on halves
    of the rows of ``a`` and ``out``, if ``parts`` (see ``split_rows``) has two.

    Each half runs on single-threaded BLAS, so that no OpenBLAS worker thread
    is left spinning when the time loops start (see the module docstring).
    """
    if len(parts) == 1 or a.shape[0] < 2:
        return np.matmul(a, b, out=out)
    run_halves(lambda rows: np.matmul(a[rows], b, out=out[rows]), halves(a.shape[0]))
    return out
