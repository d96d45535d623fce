"""Moving sequences between the book's layout and the engine's.

The book stores a sequence with columns as examples and time last:
``x`` is (n_x, m, T_x), so one time step ``x[:, :, t]`` is a strided slice.
The engine works on *rows*: time first, one example per row,

    rows[t] = x<t+1>.T                  # (T_x, m, n_x); rows[t] is (m, n_x)

so that every time step is one contiguous block, and all time steps together
are one (T_x * m, n_x) matrix, with no copy, for the big matrix products.

The inputs of step t are kept side by side in one buffer ``HX`` of shape
(T_x + 1, m, n_a + n_x + 1):

    HX[t] = [a<t> | x<t+1> | 1]         # the row form of [a_prev; xt; 1]

Step t reads ``HX[t]`` and writes its hidden state into ``HX[t + 1, :, :n_a]``.
The constant 1 is the input that the bias multiplies: with W and b side by
side as [W | b], the products include the bias and the weight gradient
product yields db as its last column, with no separate pass over the data.
After the loop ``HX[:T_x]`` reshaped to (T_x * m, n_a + n_x + 1) is the input
of every step at once, which is all the weight gradients need.

Moving between layouts is a transpose, the slowest kind of copy for large
arrays (every element read from a different cache line); ``copy_transposed``
does it one example at a time when the arrays are large, which keeps the
cache lines it reads in the cache.
"""

import numpy as np

from ..validation import Dims, as_float_array, check_shape
from .parallel import batch_parts, run_parts
from .workspace import pool

__all__ = ["SequenceCaches", "concat_rows", "to_columns", "gradient_rows", "common_dtype",
           "reshape_view", "copy_transposed", "output_layer", "steps_buffer",
           "stacked_weights"]

PER_EXAMPLE_BYTES = 1 << 20     # transposes of 1 MiB and more go example by example


class SequenceCaches:
    """What a backward pass needs from its forward pass; base of the RNN's and
    the LSTM's caches (each backward accepts only its own subclass).

    Attributes:
    parameters -- the parameter dict given to the forward pass (not copied)
    x -- the input (n_x, m, T_x) as checked by the forward pass
    HX -- (T_x + 1, m, n_a + n_x + 1) rows: HX[t] = [a<t> | x<t+1> | 1], a<0> = a0
    n_a, m, T_x -- sizes of the forward pass

    The arrays belong to this object: they stay valid as long as you keep it,
    and return to the engine's buffer pool when it is garbage-collected.
    """

    cell = "sequence"               # the subclasses name their cell

    def __init__(self, parameters, x, n_a):
        self.parameters = parameters
        self.x = x
        self.n_a = n_a
        _, self.m, self.T_x = x.shape
        self.HX = None

    def __repr__(self):
        return (f"<rnnlib.fast {self.cell} caches: n_a={self.n_a}, m={self.m}, "
                f"T_x={self.T_x}, dtype={self.HX.dtype}>")


def common_dtype(*arrays):
    """The dtype numpy would give a computation on ``arrays`` (as in the reference)."""
    return np.result_type(*arrays)


def concat_rows(x, a0, dtype, owner, parts=None):
    """The buffer HX (T_x + 1, m, n_a + n_x + 1) with a0, every x<t> and the 1s.

    ``x`` is (n_x, m, T_x), ``a0`` is (n_a, m); the hidden-state part of rows
    1..T_x is left for the forward pass to fill. The buffer is lent to
    ``owner`` (see ``workspace``); ``parts`` as in ``copy_transposed``.
    """
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    HX = pool.empty((T_x + 1, m, n_a + n_x + 1), dtype, owner)
    HX[0, :, :n_a] = a0.T                               # a<0>
    copy_transposed(x, HX[:T_x, :, n_a:-1], parts)      # x<1> ... x<T_x> as rows
    HX[T_x, :, n_a:-1] = 0                              # no x<T_x + 1>: unused
    HX[:, :, -1] = 1                                    # the input of the bias
    return HX


def copy_transposed(src, out, parts=None):
    """``out[i, j, k] = src[k, j, i]`` for 3-D arrays; returns ``out``.

    This turns rows (T, m, n) into columns (n, m, T) and back. Done in one
    ``np.copyto``, consecutive writes read memory far apart, and at the large
    benchmark size the elements that one pass over the output reads again
    (the neighbours in a cache line) have left the caches by then. So large
    arrays are copied one example at a time (axis 1): each example's (T, n)
    tile is transposed on its own, small enough to stay in the cache.

    With several ``parts`` (row slices from ``rnnlib.fast.parallel.split_rows``)
    the examples (axis 1) of each part are copied in their own thread.
    """
    if parts is not None and len(parts) > 1:
        run_parts(lambda rows: copy_transposed(src[:, rows], out[:, rows]), parts)
        return out
    if src.nbytes < PER_EXAMPLE_BYTES:
        np.copyto(out, src.transpose(2, 1, 0))          # small: one call is cheapest
        return out
    for j in range(src.shape[1]):
        np.copyto(out[:, j, :], src[:, j, :].T)         # one example's tile
    return out


def stacked_weights(parameters, gates, dtype, owner=None):
    """[W | b] of the gate blocks ``gates`` (e.g. "cfio" or "urc"), stacked:
    (k n_a, n_a + n_x + 1) for k gates, rows of gate g from parameters["W" + g]
    (n_a, n_a + n_x), its last column parameters["b" + g] (n_a, 1): the bias
    as the weight of the constant input 1. A new array, from the buffer pool
    if ``owner`` is given."""
    n_a, n_ax = parameters["W" + gates[0]].shape
    Wb = pool.empty((len(gates) * n_a, n_ax + 1), dtype, owner)
    np.concatenate([parameters["W" + g] for g in gates], out=Wb[:, :-1])
    np.concatenate([parameters["b" + g] for g in gates], out=Wb[:, -1:])
    return Wb


def steps_buffer(T, m, n, dtype, owner):
    """A (T, m, n) array lent to ``owner`` whose steps ([t]) are contiguous
    (m, n) blocks, placed a little more than m * n values apart.

    With m * n a power of two (32 examples of 128 units, say), steps packed
    back to back are a power of two bytes apart, and reading the same
    example and unit from step after step (as ``copy_transposed`` does) hits
    the same few cache sets every time: measured here, the copy into the
    book's layout then took 3 to 5 times as long. A gap of one cache line
    between steps avoids that; nothing else changes.
    """
    dtype = np.dtype(dtype)
    gap = max(1, 64 // dtype.itemsize)                  # one cache line
    block = pool.empty((T, m * n + gap), dtype, owner)
    return reshape_view(block[:, :m * n], (T, m, n))


def reshape_view(array, shape):
    """``array.reshape(shape)``, guaranteed to be a view (results written into
    it must land in ``array``); numpy would silently copy if it could not."""
    view = array.reshape(shape)
    if not np.may_share_memory(view, array):
        raise AssertionError(f"cannot view an array of strides {array.strides} "
                             f"as shape {shape}")
    return view


def to_columns(rows, parts=None):
    """A fresh C-ordered (n, m, T) array from rows (T, m, n): the book's layout
    (``parts`` as in ``copy_transposed``)."""
    T, m, n = rows.shape
    return copy_transposed(rows, np.empty((n, m, T), rows.dtype), parts)


def output_layer(Wy, by, a, dtype, parts=None):
    """ŷ = softmax(Wy a + by) for all steps at once: a new (n_y, m, T_x) array.

    The same computation as ``rnnlib.activations.softmax`` (stable: the
    per-column maximum is subtracted first), done in place in the result
    array instead of through temporaries the size of ŷ. With ``parts``
    (row slices from ``rnnlib.fast.parallel.split_rows``) the examples are
    cut as ``rnnlib.fast.parallel.batch_parts`` says (the loop's parts, or
    two for a large product), and each part is done in its own thread.
    """
    n_a, m, T_x = a.shape
    y = np.empty((Wy.shape[0],) + a.shape[1:], dtype)
    if parts is not None:
        parts = batch_parts(m, Wy.shape[0] * n_a * m * T_x * y.itemsize, parts)
    if parts is None or len(parts) == 1:
        softmax_into(y, Wy, by, a)
    else:
        run_parts(lambda rows: softmax_into(y[:, rows], Wy, by, a[:, rows]), parts)
    return y


def softmax_into(y, Wy, by, a):
    """y = softmax(Wy a + by) for a (n_a, m, T_x), y (n_y, m, T_x), in place.

    ``a`` and ``y`` may be a range of examples (axis 1) of C-ordered arrays:
    every step of every example is then still one column of a 2-D view.
    """
    n_a, m, T_x = a.shape
    logits = reshape_view(y, (y.shape[0], m * T_x))    # a view: y fills in place
    np.matmul(Wy, a.reshape(n_a, m * T_x), out=logits)  # every step in one product
    logits += by
    logits -= logits.max(axis=0)                        # largest logit becomes 0
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=0)                        # columns sum to 1


def gradient_rows(da, caches, owner, parts=None):
    """Check ``da`` against ``caches``; return (da as rows (T_x, m, n_a), dtype).

    ``da`` is (n_a, m, T_x) with T_x at most the length of the forward pass;
    a shorter ``da`` back-propagates through the first T_x steps only;
    ``parts`` as in ``copy_transposed``.
    """
    if not _quick_ok(da, caches):
        da = _checked_da(da, caches)
    dtype = common_dtype(da, caches.HX)
    rows = pool.empty((da.shape[2], caches.m, caches.n_a), dtype, owner)
    copy_transposed(da, rows, parts)
    return rows, dtype


def _quick_ok(da, caches):
    """True if ``da`` is certainly valid: a float array of shape (n_a, m, T_x)
    with 1 <= T_x <= the forward pass's, and a finite sum (see
    ``rnnlib.fast.checks``). Otherwise ``_checked_da`` explains what is wrong."""
    return (type(da) is np.ndarray and da.dtype.kind == "f" and da.ndim == 3
            and da.shape[:2] == (caches.n_a, caches.m) and 1 <= da.shape[2] <= caches.T_x
            and bool(np.isfinite(da.sum())))


def _checked_da(da, caches):
    """``da`` as a float array, checked as the reference checks it, or raise."""
    dims = Dims()
    source = f"the forward pass's a0 ({caches.n_a}, {caches.m})"
    dims.learn("n_a", caches.n_a, source)
    dims.learn("m", caches.m, source)
    da = as_float_array("da", da, shape=("n_a", "m", "T_x"))
    check_shape("da", da, ("n_a", "m", "T_x"), dims)
    if da.shape[2] > caches.T_x:
        raise ValueError(f"da covers T_x = {da.shape[2]} time steps but the forward "
                         f"pass ran {caches.T_x}; da must have shape (n_a, m, T_x) "
                         f"with T_x <= {caches.T_x}")
    return da
