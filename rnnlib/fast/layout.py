"""Moving sequences between the book's layout and the engine's.

The book stores a sequence with columns as examples and time last:
``x`` is (n_x, m, T_x), so one time step ``x[:, :, t]`` is a strided slice.
The engine works on *rows*: time first, one example per row,

    rows[t] = x<t+1>.T                  # (T_x, m, n_x); rows[t] is (m, n_x)

so that every time step is one contiguous block, and all time steps together
are one (T_x * m, n_x) matrix, with no copy, for the big matrix products.

The inputs of step t are kept side by side in one buffer ``HX`` of shape
(T_x + 1, m, n_a + n_x):

    HX[t] = [a<t> | x<t+1>]             # the row form of concat = [a_prev; xt]

Step t reads ``HX[t]`` and writes its hidden state into ``HX[t + 1, :, :n_a]``.
After the loop ``HX[:T_x]`` reshaped to (T_x * m, n_a + n_x) is the input of
every step at once, which is all the weight gradients need.
"""

import numpy as np

from ..validation import Dims, as_float_array, check_shape
from .workspace import pool

__all__ = ["concat_rows", "to_columns", "gradient_rows", "common_dtype",
           "reshape_view"]


def common_dtype(*arrays):
    """The dtype numpy would give a computation on ``arrays`` (as the seed API)."""
    return np.result_type(*arrays)


def concat_rows(x, a0, dtype, owner):
    """The buffer HX (T_x + 1, m, n_a + n_x) with a0 and every x<t> in place.

    ``x`` is (n_x, m, T_x), ``a0`` is (n_a, m); the hidden-state part of rows
    1..T_x is left for the forward pass to fill. The buffer is lent to
    ``owner`` (see ``workspace``).
    """
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    HX = pool.empty((T_x + 1, m, n_a + n_x), dtype, owner)
    HX[0, :, :n_a] = a0.T                               # a<0>
    np.copyto(HX[:T_x, :, n_a:], x.transpose(2, 1, 0))  # x<1> ... x<T_x> as rows
    HX[T_x, :, n_a:] = 0                                # no x<T_x + 1>: unused
    return HX


def reshape_view(array, shape):
    """``array.reshape(shape)``, guaranteed to be a view (results written into
    it must land in ``array``); numpy would silently copy if it could not."""
    view = array.reshape(shape)
    if not np.may_share_memory(view, array):
        raise AssertionError(f"cannot view an array of strides {array.strides} "
                             f"as shape {shape}")
    return view


def to_columns(rows):
    """A fresh C-ordered (n, m, T) array from rows (T, m, n): the book's layout."""
    T, m, n = rows.shape
    columns = np.empty((n, m, T), rows.dtype)
    np.copyto(columns, rows.transpose(2, 1, 0))
    return columns


def gradient_rows(da, caches, owner):
    """Check ``da`` against ``caches``; return (da as rows (T_x, m, n_a), dtype).

    ``da`` is (n_a, m, T_x) with T_x at most the length of the forward pass;
    a shorter ``da`` back-propagates through the first T_x steps only.
    """
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
    dtype = common_dtype(da, caches.HX)
    rows = pool.empty((da.shape[2], caches.m, caches.n_a), dtype, owner)
    np.copyto(rows, da.transpose(2, 1, 0))
    return rows, dtype
