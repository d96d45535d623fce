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
``pool.clear()`` gives the memory of free buffers back.
"""

import math
import weakref
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np

__all__ = ["MIN_POOLED_BYTES", "BufferPool", "Lease", "pool"]

MIN_POOLED_BYTES = 1 << 16      # 64 KiB: smaller arrays are allocated directly


class BufferPool:
    """Free work arrays, grouped by (shape, dtype).

    Arguments:
    max_per_shape -- free arrays kept for one (shape, dtype); more are dropped
    max_shapes -- distinct (shape, dtype) kept; the least recently used goes
    """

    def __init__(self, max_per_shape=4, max_shapes=32):
        self.max_per_shape = max_per_shape
        self.max_shapes = max_shapes
        self.enabled = True             # False: every buffer is a fresh np.empty
        self._free = OrderedDict()      # (shape, dtype) -> list of free arrays

    def empty(self, shape, dtype, owner):
        """An uninitialised array of ``shape``/``dtype`` lent to ``owner``.

        The array returns to the pool when ``owner`` is garbage-collected
        (``owner`` must accept weak references); with ``owner=None`` it is
        simply a new array.
        """
        shape, dtype = tuple(shape), np.dtype(dtype)
        if (owner is None or not self.enabled
                or math.prod(shape) * dtype.itemsize < MIN_POOLED_BYTES):
            return np.empty(shape, dtype)
        key = (shape, dtype.str)
        free = self._free.get(key)
        try:
            array = free.pop()          # list.pop is atomic: safe with threads
        except (AttributeError, IndexError):
            array = np.empty(shape, dtype)
        give_back = weakref.finalize(owner, self._give_back, key, array)
        if isinstance(owner, Lease):
            owner.finalizers.append(give_back)
        return array

    def _give_back(self, key, array):
        """Put a buffer whose owner has gone back in the free list."""
        free = self._free.setdefault(key, [])
        self._free.move_to_end(key)
        if len(free) < self.max_per_shape:
            free.append(array)
        while len(self._free) > self.max_shapes:
            self._free.popitem(last=False)

    @contextmanager
    def disabled(self):
        """``with pool.disabled(): ...`` allocates fresh buffers (to measure reuse)."""
        enabled, self.enabled = self.enabled, False
        try:
            yield self
        finally:
            self.enabled = enabled

    def clear(self):
        """Forget every free buffer (the memory goes back to the system)."""
        self._free.clear()

    def free_bytes(self):
        """Bytes held in free buffers, e.g. to check that nothing leaks."""
        return sum(a.nbytes for arrays in self._free.values() for a in arrays)


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
