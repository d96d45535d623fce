"""Reusable work buffers for the fast engine.

A forward pass of the large LSTM needs a few hundred megabytes of work arrays
(the gates of every time step, the memory cells, ...). Asking the operating
system for fresh memory on every call is slow: numpy gets arrays above about
128 KiB straight from the system, and each new 4 KiB page is zeroed and
mapped on first touch. On the book's machines that cost about as much as all
the element-wise work of the LSTM at the "small batch" size. So work buffers
are kept in a small pool and handed out again to later calls that need the
same shape and dtype.

Reuse must never change an array somebody still holds. The rule is *leasing*:

* every buffer is lent to an ``owner`` object (the caches of a forward pass, or
  a ``Lease`` that a backward pass holds while it runs);
* the buffer goes back to the pool only when that owner is garbage-collected
  (or, for a ``Lease``, when it is released);
* arrays returned to the caller are always freshly allocated, never pooled.

So caches stay valid for as long as you keep them, and buffers are recycled as
soon as you drop them. Small buffers (under ``MIN_POOLED_BYTES``) are simply
allocated: below that size ``np.empty`` is cheaper than the bookkeeping.

Bounds: the free buffers never exceed the option ``pool_bytes`` in force when
they were taken (``rnnlib.fast.options``; default 256 MiB; 0 turns reuse
off): a buffer that would not fit is dropped, after the least recently used
shapes. ``rnnlib.fast.clear_buffers()`` gives the memory of all free buffers
back. The pool is safe to use from several threads (one lock guards the free
lists) and after ``os.fork()``: the child starts with an empty pool and a new
lock, whatever the parent's threads were doing.
"""

import math
import os
import threading
import weakref
from collections import OrderedDict

import numpy as np

from .options import get_options

__all__ = ["MIN_POOLED_BYTES", "BufferPool", "Lease", "pool", "clear_buffers"]

MIN_POOLED_BYTES = 1 << 16      # 64 KiB: smaller arrays are allocated directly


class BufferPool:
    """Free work arrays, grouped by (shape, dtype), at most ``pool_bytes`` in all.

    Arguments:
    max_per_shape -- free arrays kept for one (shape, dtype); more are dropped
    max_shapes -- distinct (shape, dtype) kept; the least recently used goes
    """

    def __init__(self, max_per_shape=4, max_shapes=32):
        self.max_per_shape = max_per_shape
        self.max_shapes = max_shapes
        self._lock = threading.Lock()
        self._free = OrderedDict()      # (shape, dtype) -> list of free arrays
        self._free_bytes = 0

    def empty(self, shape, dtype, owner):
        """An uninitialised array of ``shape``/``dtype`` lent to ``owner``.

        The array returns to the pool when ``owner`` is garbage-collected
        (``owner`` must accept weak references); with ``owner=None``, or with
        the option ``pool_bytes`` at 0, it is simply a new array.
        """
        shape, dtype = tuple(shape), np.dtype(dtype)
        nbytes = math.prod(shape) * dtype.itemsize
        if owner is None or nbytes < MIN_POOLED_BYTES:
            return np.empty(shape, dtype)
        cap = get_options().pool_bytes
        if nbytes > cap:
            return np.empty(shape, dtype)
        key = (shape, dtype.str)
        with self._lock:
            free = self._free.get(key)
            array = free.pop() if free else None
            if array is not None:
                self._free_bytes -= array.nbytes
        if array is None:
            array = np.empty(shape, dtype)
        give_back = weakref.finalize(owner, self._give_back, key, array, cap)
        if isinstance(owner, Lease):
            owner.finalizers.append(give_back)
        return array

    def _give_back(self, key, array, cap):
        """Put a buffer whose owner has gone back in the free list, if the
        free buffers stay within ``cap`` bytes (older shapes go first)."""
        with self._lock:
            free = self._free.setdefault(key, [])
            self._free.move_to_end(key)
            if len(free) < self.max_per_shape:
                free.append(array)
                self._free_bytes += array.nbytes
            while self._free and (len(self._free) > self.max_shapes
                                  or self._free_bytes > cap):
                _, dropped = self._free.popitem(last=False)   # least recently used
                self._free_bytes -= sum(a.nbytes for a in dropped)

    def clear(self):
        """Forget every free buffer (the memory goes back to the system)."""
        with self._lock:
            self._free.clear()
            self._free_bytes = 0

    def free_bytes(self):
        """Bytes held in free buffers, e.g. to check that nothing leaks."""
        with self._lock:
            return self._free_bytes

    def _after_fork_in_child(self):
        """A new lock and no free buffers (another thread may have held the lock)."""
        self._lock = threading.Lock()
        self._free = OrderedDict()
        self._free_bytes = 0


class Lease:
    """Owner of temporary buffers for the duration of one function call.

    ``with Lease() as lease: work = pool.empty(shape, dtype, lease)``: the
    buffers go back to the pool when the ``with`` block ends, so nothing that
    outlives the block may be a view of them.
    """

    def __init__(self):
        self.finalizers = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        for give_back in self.finalizers:
            give_back()                 # a finalizer runs at most once
        self.finalizers.clear()
        return False


pool = BufferPool()


def clear_buffers():
    """Give the memory of every free work buffer back to the system.

    Buffers still lent to caches you hold are not touched; they go back to the
    pool (within its cap) when you drop those caches. Returns the number of
    bytes freed.
    """
    freed = pool.free_bytes()
    pool.clear()
    return freed


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=pool._after_fork_in_child)
