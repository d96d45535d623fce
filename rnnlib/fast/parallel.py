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

The three cells use it (``rnnlib.fast.rnn``, ``lstm``, ``gru``). The basic RNN
has less element-wise work per step than the LSTM (one tanh), but at the large
benchmark size that tanh, the softmax and the copies between layouts are
still about a fifth of its time when they run on one core.

How many parts: the option ``parts`` (``rnnlib.fast.options``). "auto"
takes one per usable core, capped by the batch size m and by ``max_parts``
(default 2). The split was measured only on the book's 2-core machines (two
parts; and with the process pinned to one core by ``os.sched_setaffinity``,
where "auto" takes one part). With more cores each part would have fewer
examples, its products on single-threaded BLAS would be smaller and less
efficient, and the products would use only as many cores as there are parts:
whether more parts pay there is not measured, so "auto" stops at two; set
``parts`` to try more.

Products alone (``product_parts``, ``matmuls``): when the loop runs in one
part, a product outside it with at least ``parallel_min_product`` of work
(M N K times the bytes of a value) is still cut by its rows over the cores,
each slice on single-threaded BLAS in its own thread; the products after the
loop go in one round, so the other thread is woken once. Tried and
dropped: running the later steps' weight-gradient products in the other
thread while the loop does the earlier steps; on the book's 2-core machine
the loop and a product running at the same time each slowed down, and the
backward pass was no faster at the medium size.

Apart from the split, every call whose products OpenBLAS would thread runs
them on one BLAS thread (``blas_for_call``; option ``single_threaded_blas``):
threaded products can differ from single-threaded ones in the last bits
(measured here: a (54, 240) x (240, 50) product), so results would depend on
what other threads do at the same time, and on the book's busy machines
OpenBLAS's threads waiting for cores made the small and medium sizes many
times slower.

Safety:

* the BLAS limit is reference-counted (``blas_limited_to_one_thread``): the
  first call to enter sets OpenBLAS to one thread, the last one out restores
  the original setting, so calls from several threads at once neither undo
  each other's limit nor leave BLAS limited afterwards;
* the worker threads are one ``ThreadPoolExecutor``, created under a lock
  when first needed and replaced (the old one shut down) only when a call
  needs more workers than it has;
* after ``os.fork()`` the child forgets the parent's executor (its threads do
  not exist in the child: waiting for them would hang forever), locks and
  BLAS limit count, and restores BLAS's original thread count if the fork
  happened while a call held the limit.
"""

import contextvars
import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager, nullcontext

import numpy as np

from .options import get_options

__all__ = ["usable_cores", "split_rows", "even_slices", "run_parts", "matmul",
           "matmuls", "product_parts", "batch_parts",
           "blas_limited_to_one_thread", "blas_for_call", "BLAS_THREADED_MIN_WORK"]

# OpenBLAS runs a product M x K times K x N on one thread anyway when
# M N K <= 65536 * 4 (its GEMM_MULTITHREAD_THRESHOLD): no need to limit it.
BLAS_THREADED_MIN_WORK = 1 << 18

_lock = threading.Lock()          # guards the executor and the BLAS limit count
_workers = None                   # threads for all parts but the last, on first use
_worker_count = 0
_controller = None                # threadpoolctl's controllers of numpy's BLAS
_limiter = None                   # BLAS's original thread counts while limited
_limit_holders = 0                # how many calls hold it


def usable_cores():
    """The number of cores this process may run on (at least 1)."""
    try:
        return len(os.sched_getaffinity(0))    # respects taskset and containers
    except AttributeError:                     # not on Linux
        return os.cpu_count() or 1


def split_rows(m, n_a):
    """Row slices of a batch of m examples to run side by side.

    Decided by the options in force (``rnnlib.fast.options``): with ``parts``
    an integer k, min(k, m) parts; with "auto", one part (the whole batch)
    below ``parallel_min_elements`` values per step (m * n_a, the size of one
    step's hidden state; measured at the book's sizes, smaller batches,
    m n_a = 16384 included, were as fast or faster in one part), and above it
    one part per usable core, at most ``max_parts`` and at most m.
    """
    settings = get_options()
    if settings.parts != "auto":
        k = settings.parts
    elif m * n_a < settings.parallel_min_elements:
        k = 1
    else:
        k = min(usable_cores(), settings.max_parts)
    k = max(1, min(k, m))
    return even_slices(m, k) if k > 1 else [slice(0, m)]


def even_slices(n, k):
    """k slices cutting range(n) into parts whose sizes differ by at most 1
    (the larger ones first)."""
    size, extra = divmod(n, k)
    bounds = [0]
    for j in range(k):
        bounds.append(bounds[-1] + size + (j < extra))
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]


def _blas_libraries():
    """threadpoolctl's controllers of the BLAS libraries loaded (OpenBLAS for
    numpy's wheels), created once."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController
        _controller = ThreadpoolController().select(user_api="blas").lib_controllers
    return _controller


def _set_blas_threads(counts):
    """Set each BLAS library's thread count (called with ``_lock`` held).

    threadpoolctl lets only one "controlling" Python thread change OpenBLAS's
    process-wide setting and silently ignores the others; here whichever
    thread is first in or last out must set it, so control is released before
    and after (the engine's reference count, not threadpoolctl's, decides).
    """
    for lib, count in zip(_blas_libraries(), counts):
        release = getattr(type(lib), "clear_controlling_thread", None)
        if release is not None:
            release(force=True)
        lib.set_num_threads(count)
        if release is not None:
            release(force=True)


@contextmanager
def blas_limited_to_one_thread():
    """OpenBLAS (numpy's BLAS) limited to one thread inside the block.

    Reference-counted across threads: the limit is set when the first block
    is entered and the original thread counts are restored when the last
    block still open ends, so concurrent calls share one limit.
    """
    global _limiter, _limit_holders
    with _lock:
        if _limit_holders == 0:
            _limiter = [lib.get_num_threads() for lib in _blas_libraries()]
            _set_blas_threads([1] * len(_limiter))
        _limit_holders += 1
    try:
        yield
    finally:
        with _lock:
            _limit_holders -= 1
            if _limit_holders == 0:
                _set_blas_threads(_limiter)
                _limiter = None


def blas_for_call(largest_product):
    """The context a whole forward or backward call runs in.

    ``largest_product`` is M N K of the call's largest matrix product. With
    the option ``single_threaded_blas`` (the default) and a product that
    OpenBLAS could thread, ``blas_limited_to_one_thread()``; otherwise a
    context that does nothing (at the dinosaur size, where entering the
    limit would cost more than the products).
    """
    if largest_product > BLAS_THREADED_MIN_WORK and get_options().single_threaded_blas:
        return blas_limited_to_one_thread()
    return nullcontext()


def blas_limit_holders():
    """How many calls hold the BLAS limit right now (0 when BLAS is free)."""
    return _limit_holders


def _submit(work, parts):
    """Submit ``work(rows)`` for each slice to the worker threads; returns the
    futures. Each part runs in a copy of the caller's context, so it sees the
    caller's options (``rnnlib.fast.options``). The executor is created, or
    replaced by a larger one (the old one shut down once its queued work is
    done), under the lock."""
    global _workers, _worker_count
    with _lock:
        if _worker_count < len(parts):
            old = _workers
            _workers = ThreadPoolExecutor(len(parts), thread_name_prefix="rnnlib.fast")
            _worker_count = len(parts)
            if old is not None:
                old.shutdown(wait=False)        # its queued work still runs
        return [_workers.submit(contextvars.copy_context().run, work, rows)
                for rows in parts]


def run_parts(work, parts):
    """``work(rows)`` for every slice in ``parts``; returns their results.

    With one part this is a plain call. With more, all parts but the last run
    in worker threads and the last in the calling thread, BLAS limited to one
    thread meanwhile (for the whole program: the limit is global; see
    ``blas_limited_to_one_thread``); the first exception of any part is raised
    here, after all finished. ``work`` must not call ``run_parts`` itself: the
    workers would wait for each other.
    """
    if len(parts) == 1:
        return [work(parts[0])]
    with blas_limited_to_one_thread():
        others = _submit(work, parts[:-1])
        try:
            last = work(parts[-1])
        finally:
            wait(others)                    # every part ends before anything is raised
    return [other.result() for other in others] + [last]  # raises a part's exception


def product_parts(work, parts):
    """How many threads a matrix product outside the time loop runs in.

    ``work`` is M * N * K times the bytes of one value; ``parts`` are the
    row slices of the call's time loop (``split_rows``). When the loop is
    split, its part count. Otherwise, with the option ``parts`` at "auto",
    one per usable core (at most ``max_parts``) for products of at least
    ``parallel_min_product`` (handing work to another thread and waiting
    for it has a cost of its own: waking a sleeping thread, on the book's
    virtual machines, so only large products pay). Else 1.
    """
    if len(parts) > 1:
        return len(parts)
    settings = get_options()
    if settings.parts != "auto" or work < settings.parallel_min_product:
        return 1
    return min(usable_cores(), settings.max_parts)


def batch_parts(m, work, parts):
    """Row slices of the batch for element-wise work and products outside the
    time loop (transposes, the output layer): ``parts`` if the loop is split,
    else as many even slices as ``product_parts(work, parts)``."""
    k = min(m, product_parts(work, parts))
    return parts if k == len(parts) else even_slices(m, k)


def matmul(a, b, out, parts):
    """``np.matmul(a, b, out=out)`` for 2-D arrays, in ``product_parts``
    threads, each on a slice of the rows of ``a`` and ``out`` (``matmuls``
    with one product)."""
    return matmuls([(a, b, out)], parts)[0]


def matmuls(products, parts):
    """``np.matmul(a, b, out=out)`` for each (a, b, out) of ``products``
    (2-D arrays), all in one round of ``product_parts`` threads (judged by
    their total work): thread j computes slice j of the rows of every
    product, so that the threads are woken once, not once per product.
    Returns the outs.

    Each slice runs on single-threaded BLAS, so that no OpenBLAS worker thread
    is left spinning when the time loops start (see the module docstring).
    The split can change the last bits of ``out`` (OpenBLAS chooses its
    kernels by the shape it is given), so it depends only on the options
    and the core count, never on what else is running.
    """
    work = sum(a.shape[0] * a.shape[1] * b.shape[1] * out.itemsize
               for a, b, out in products)
    k = min(min(a.shape[0] for a, _, _ in products), product_parts(work, parts))
    if k < 2:
        return [np.matmul(a, b, out=out) for a, b, out in products]
    cuts = [even_slices(a.shape[0], k) for a, _, _ in products]

    def share(j):
        for (a, b, out), rows in zip(products, cuts):
            rows = rows[j]
            np.matmul(a[rows], b, out=out[rows])

    run_parts(share, list(range(k)))
    return [out for _, _, out in products]


def _after_fork_in_child():
    """Forget the parent's threads and locks; undo a BLAS limit held at the fork."""
    global _lock, _workers, _worker_count, _limiter, _limit_holders
    _lock = threading.Lock()
    _workers, _worker_count = None, 0     # the parent's worker threads are gone
    original, _limiter, _limit_holders = _limiter, None, 0
    if original is not None:
        try:
            _set_blas_threads(original)
        except Exception:                 # never fail a fork over a thread count
            pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
