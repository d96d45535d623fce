"""The basic RNN, fast: same mathematics as ``rnnlib.rnn`` (SPEC 1 and 3).

    a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)
    ŷ<t> = softmax(Wya a<t> + by)

What makes it fast (each step is measured in the chapter "Making recurrent
networks fast"):

* the input projections ``Wax x<t> + ba`` of every step are one matrix product
  before the loop (the bias as the weight of a constant input 1); only
  ``Waa a<t-1>`` must wait for the previous step;
* the loop body is three numpy calls writing into preallocated arrays (``out=``);
* the output layer and softmax run once on all steps after the loop;
* backward: ``1 - a<t>**2`` for every step is computed before the loop, the loop
  only carries the gradient back through ``Waa``, and the weight gradients and
  ``dx`` are single matrix products after it.

Inside, sequences are stored as rows (time first, one example per row): see
``rnnlib.fast.layout``.
"""

import numpy as np

from ..rnn import RNN_PARAMETER_SHAPES
from .checks import checked_inputs
from .layout import (SequenceCaches, common_dtype, concat_rows, gradient_rows,
                     output_layer, reshape_view, to_columns)
from .workspace import Lease, pool

__all__ = ["RNNCaches", "rnn_forward", "rnn_backward"]


class RNNCaches(SequenceCaches):
    """What ``rnn_backward`` needs from ``rnn_forward``: the attributes of
    ``SequenceCaches`` (parameters, x, HX, n_a, m, T_x), nothing more."""

    cell = "RNN"


def rnn_forward(x, a0, parameters):
    """Run the RNN over a whole sequence (drop-in for ``rnnlib.rnn_forward``).

    Arguments:
    x -- inputs for every time step, shape (n_x, m, T_x)
    a0 -- initial hidden state a<0>, shape (n_a, m)
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
                  ba (n_a, 1), by (n_y, 1)

    Returns:
    a -- hidden states a<1> ... a<T_x>, shape (n_a, m, T_x)
    y_pred -- predictions ŷ<1> ... ŷ<T_x>, shape (n_y, m, T_x)
    caches -- an ``RNNCaches``, for ``rnnlib.fast.rnn_backward``

    ``a`` and ``y_pred`` are new arrays owned by the caller. The dtype is the
    one numpy gives to all inputs together (float32 in, float32 out).
    """
    x, a0 = checked_inputs(x, a0, parameters, RNN_PARAMETER_SHAPES, "Wya")
    p = parameters
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    dtype = common_dtype(x, a0, *(p[k] for k in RNN_PARAMETER_SHAPES))
    caches = RNNCaches(p, x, n_a)
    HX = caches.HX = concat_rows(x, a0, dtype, caches)   # HX[t] = [a<t> | x<t+1> | 1]

    with Lease() as scratch:                             # buffers of this call only
        # Input projections of all steps (bias included: the 1 in HX) in one
        # product, written where the hidden states will go.
        Z = reshape_view(HX[1:, :, :n_a], (T_x * m, n_a))  # (T_x m, n_a)
        Wxb = pool.empty((n_a, n_x + 1), dtype, scratch)  # [Wax | ba]
        np.concatenate([p["Wax"], p["ba"]], axis=1, out=Wxb)
        np.matmul(HX[:T_x, :, n_a:].reshape(T_x * m, n_x + 1), Wxb.T, out=Z)

        WaaT = pool.empty((n_a, n_a), dtype, scratch)   # contiguous: faster np.dot
        np.copyto(WaaT, p["Waa"].T)
        a_prevs = list(HX[:T_x, :, :n_a])                # a<t-1> as (m, n_a) views
        zs = list(HX[1:, :, :n_a])                       # where a<t> goes
        recurrent = pool.empty((m, n_a), dtype, scratch)  # a<t-1> Waa^T
        for a_prev, z in zip(a_prevs, zs):
            np.dot(a_prev, WaaT, out=recurrent)          # the only serial product
            np.add(z, recurrent, out=z)                  # full pre-activation
            np.tanh(z, out=z)                            # a<t>, in place

    a = to_columns(HX[1:, :, :n_a])                       # (n_a, m, T_x), new array
    y_pred = output_layer(p["Wya"], p["by"], a, dtype)    # (n_y, m, T_x)
    return a, y_pred, caches


def rnn_backward(da, caches):
    """Backpropagation through time (drop-in for ``rnnlib.rnn_backward``).

    Arguments:
    da -- upstream gradient of the hidden states, shape (n_a, m, T_x); a
          shorter T_x back-propagates through the first T_x steps only
    caches -- the ``RNNCaches`` returned by ``rnnlib.fast.rnn_forward``

    Returns a dict of new arrays: dx (n_x, m, T_x), da0 (n_a, m),
    dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1).
    """
    if not isinstance(caches, RNNCaches):
        raise TypeError("caches must be the third value returned by "
                        "rnnlib.fast.rnn_forward; got "
                        f"{type(caches).__name__} (caches of the seed API's "
                        "rnn_forward go to rnnlib.rnn_backward)")
    p, n_a, m = caches.parameters, caches.n_a, caches.m
    with Lease() as lease:
        dz, dtype = gradient_rows(da, caches, lease)     # starts as da, rows
        T_x = dz.shape[0]
        HX = caches.HX[:T_x + 1]
        # tanh'(.) = 1 - a<t>**2 for every step, before the loop
        dtanh = pool.empty((T_x, m, n_a), dtype, lease)
        np.square(HX[1:, :, :n_a], out=dtanh)
        np.subtract(1, dtanh, out=dtanh)

        Waa = pool.empty((n_a, n_a), dtype, lease)
        np.copyto(Waa, p["Waa"])
        da_next = np.zeros((m, n_a), dtype)              # gradient from step t+1
        for dz_t, dtanh_t in zip(dz[::-1], dtanh[::-1]):
            np.add(dz_t, da_next, out=dz_t)              # total gradient into a<t>
            np.multiply(dz_t, dtanh_t, out=dz_t)         # through tanh: dz<t>
            np.dot(dz_t, Waa, out=da_next)               # into a<t-1>: Waa^T dz<t>

        # Every step at once: [dWaa | dWax | dba] = sum_t dz<t> [a<t-1>; x<t>; 1]^T
        dz_all = dz.reshape(T_x * m, n_a)                # (T_x m, n_a)
        concat_all = HX[:T_x].reshape(T_x * m, -1)       # (T_x m, n_a + n_x + 1)
        dW = pool.empty((n_a, concat_all.shape[1]), dtype, lease)
        np.matmul(dz_all.T, concat_all, out=dW)          # (n_a, n_a + n_x + 1)
        n_x = concat_all.shape[1] - n_a - 1
        dx_rows = pool.empty((T_x, m, n_x), dtype, lease)
        np.matmul(dz_all, p["Wax"], out=dx_rows.reshape(T_x * m, n_x))
        gradients = {
            "dx": to_columns(dx_rows),                   # (n_x, m, T_x)
            "da0": np.ascontiguousarray(da_next.T),      # (n_a, m)
            "dWax": np.ascontiguousarray(dW[:, n_a:-1]),  # (n_a, n_x)
            "dWaa": np.ascontiguousarray(dW[:, :n_a]),   # (n_a, n_a)
            "dba": np.ascontiguousarray(dW[:, -1:]),     # (n_a, 1)
        }
    return gradients
