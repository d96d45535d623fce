"""The basic RNN, fast: same mathematics as ``rnnlib.rnn`` (chapters 1 and 3).

    a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)
    ŷ<t> = softmax(Wya a<t> + by)

What makes it fast (each step is measured in the chapter "Making recurrent
networks fast"):

* the input projections ``Wax x<t> + ba`` of every step are one matrix product
  before the loop (the bias as the weight of a constant input 1); only
  ``Waa a<t-1>`` must wait for the previous step;
* the loop body is three numpy calls writing into preallocated arrays (``out=``),
  six on large blocks, where tanh goes through exp (``rnnlib.fast.activations``);
* the output layer and softmax run once on all steps after the loop;
* backward: ``1 - a<t>**2`` for every step is computed before the loop, the loop
  only carries the gradient back through ``Waa``, and the weight gradients and
  ``dx`` are single matrix products after it.

Inside, sequences are stored as rows (time first, one example per row): see
``rnnlib.fast.layout``. At large sizes parts of the batch, one per core, run
their time loops side by side: see ``rnnlib.fast.parallel``.
"""

import numpy as np

from ..rnn import RNN_PARAMETER_SHAPES
from .activations import exp_route_pays, tanh_of_negated_double
from .checks import checked_inputs
from .layout import (SequenceCaches, common_dtype, concat_rows, copy_transposed,
                     gradient_rows, output_layer, reshape_view, to_columns)
from .parallel import blas_for_call, matmul, matmuls, run_parts, split_rows
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
    parts = split_rows(m, n_a)                           # one part, or one per core
    largest = T_x * m * n_a * max(n_x + 1, p["Wya"].shape[0])  # M N K
    with blas_for_call(largest):                         # one BLAS thread (options)
        HX = caches.HX = concat_rows(x, a0, dtype, caches, parts)  # [a<t> | x<t+1> | 1]

        # Large blocks: tanh through exp (see rnnlib.fast.activations), fed with
        # -2 z by weights multiplied by -2 (exact), so the products give -2 z.
        exp_route = exp_route_pays(parts[0].stop - parts[0].start, n_a, dtype)
        scale = -2 if exp_route else 1

        with Lease() as scratch:                             # buffers of this call only
            # Input projections of all steps (bias included: the 1 in HX) in one
            # product, into Z: a block of its own, so that each step's
            # element-wise work runs on contiguous memory (twice as fast here
            # as on the strided state columns of HX).
            Z = pool.empty((T_x, m, n_a), dtype, scratch)     # pre-activations
            Wxb = pool.empty((n_a, n_x + 1), dtype, scratch)  # [Wax | ba] (times scale)
            np.concatenate([p["Wax"], p["ba"]], axis=1, out=Wxb)
            if exp_route:
                Wxb *= scale
            matmul(HX[:T_x, :, n_a:].reshape(T_x * m, n_x + 1), Wxb.T,
                   reshape_view(Z, (T_x * m, n_a)), parts)

            WaaT = pool.empty((n_a, n_a), dtype, scratch)   # contiguous: faster np.dot
            np.multiply(p["Waa"].T, scale, out=WaaT)

            # The time loop, on all rows or on parts of the batch side by
            # side (see rnnlib.fast.parallel); each part also turns its rows of
            # a into the book's layout, in the new array a.
            a = np.empty((n_a, m, T_x), dtype)

            def steps(rows):
                _forward_steps(Z[:, rows], HX[:, rows, :n_a], WaaT, exp_route, scratch)
                copy_transposed(HX[1:, rows, :n_a], a[:, rows])

            run_parts(steps, parts)

        y_pred = output_layer(p["Wya"], p["by"], a, dtype, parts)  # (n_y, m, T_x), new
        return a, y_pred, caches


def _forward_steps(Z, H, WaaT, exp_route, owner):
    """The time loop of ``rnn_forward`` for some rows (examples) of the batch.

    Z (T_x, m, n_a) holds the input projections Wax x<t> + ba of these rows
    and is overwritten; H is the hidden-state part of the caches' HX,
    (T_x + 1, m, n_a): H[0] = a<0>, and a<t> is written into H[t]. WaaT is
    Waa^T. With ``exp_route`` Z and WaaT are multiplied by -2, and tanh goes
    through exp (``rnnlib.fast.activations``).
    """
    a_prevs = list(H[:-1])                               # a<t-1> as (m, n_a) views
    a_nexts = list(H[1:])                                # where a<t> goes
    zs = list(Z)                                         # (m, n_a), contiguous
    recurrent = pool.empty(Z.shape[1:], Z.dtype, owner)  # a<t-1> Waa^T
    if not exp_route:
        for a_prev, z, a_next in zip(a_prevs, zs, a_nexts):
            np.dot(a_prev, WaaT, out=recurrent)          # the only serial product
            np.add(z, recurrent, out=z)                  # full pre-activation
            np.tanh(z, out=a_next)                       # a<t>
        return
    with np.errstate(over="ignore"):                     # e^(-2z) may overflow
        for a_prev, z, a_next in zip(a_prevs, zs, a_nexts):
            np.dot(a_prev, WaaT, out=recurrent)
            np.add(z, recurrent, out=z)                  # -2 times the pre-activation
            tanh_of_negated_double(z, out=a_next)        # a<t>


def _backward_steps(dz, H, Waa, da0, owner):
    """The time loop of ``rnn_backward`` for some rows (examples) of the batch.

    dz is (T_x, m, n_a), holding the upstream gradient da (rows) and replaced
    by dz<t>, the gradient into the pre-activation of step t; H is the
    hidden-state part of HX, H[t] = a<t>; da0 (n_a, m) receives the gradient
    into a<0>.
    """
    T_x, m, n_a = dz.shape
    # tanh'(.) = 1 - a<t>**2 for every step, before the loop
    dtanh = pool.empty((T_x, m, n_a), dz.dtype, owner)
    np.square(H[1:T_x + 1], out=dtanh)
    np.subtract(1, dtanh, out=dtanh)
    da_next = np.zeros((m, n_a), dz.dtype)               # gradient from step t+1
    for dz_t, dtanh_t in zip(dz[::-1], dtanh[::-1]):
        np.add(dz_t, da_next, out=dz_t)                  # total gradient into a<t>
        np.multiply(dz_t, dtanh_t, out=dz_t)             # through tanh: dz<t>
        np.dot(dz_t, Waa, out=da_next)                   # into a<t-1>: Waa^T dz<t>
    np.copyto(da0, da_next.T)                            # into a<0>


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
                        f"{type(caches).__name__} (caches of the reference "
                        "rnnlib.rnn_forward go to rnnlib.rnn_backward)")
    p, n_a, m = caches.parameters, caches.n_a, caches.m
    parts = split_rows(m, n_a)                           # one part, or one per core
    largest = caches.T_x * m * n_a * (n_a + caches.x.shape[0] + 1)  # M N K
    with blas_for_call(largest):                         # one BLAS thread (options)
        with Lease() as lease:
            dz, dtype = gradient_rows(da, caches, lease, parts)  # starts as da, rows
            T_x = dz.shape[0]
            HX = caches.HX[:T_x + 1]
            Waa = pool.empty((n_a, n_a), dtype, lease)       # contiguous: faster np.dot
            np.copyto(Waa, p["Waa"])

            # The time loop, on all rows or on parts of the batch side by
            # side (see rnnlib.fast.parallel); each fills its columns of da0.
            da0 = np.empty((n_a, m), dtype)                  # new array

            def steps(rows):
                _backward_steps(dz[:, rows], HX[:, rows, :n_a], Waa, da0[:, rows],
                                lease)

            run_parts(steps, parts)

            # Every step at once: [dWaa | dWax | dba] = sum_t dz<t> [a<t-1>; x<t>; 1]^T
            # (parallel.matmul: in one thread per part when the batch is split)
            dz_all = dz.reshape(T_x * m, n_a)                # (T_x m, n_a)
            concat_all = HX[:T_x].reshape(T_x * m, -1)       # (T_x m, n_a + n_x + 1)
            dW = pool.empty((n_a, concat_all.shape[1]), dtype, lease)
            n_x = concat_all.shape[1] - n_a - 1
            dx_rows = pool.empty((T_x, m, n_x), dtype, lease)
            matmuls([(dz_all.T, concat_all, dW),                # (n_a, n_a + n_x + 1)
                     (dz_all, p["Wax"], reshape_view(dx_rows, (T_x * m, n_x)))], parts)
            gradients = {
                "dx": to_columns(dx_rows, parts),            # (n_x, m, T_x)
                "da0": da0,                                  # (n_a, m)
                # copies, never views of the pooled dW (with n_a = 1 a slice of
                # its one row is contiguous, and ascontiguousarray would not copy)
                "dWax": dW[:, n_a:-1].copy(),                # (n_a, n_x)
                "dWaa": dW[:, :n_a].copy(),                  # (n_a, n_a)
                "dba": dW[:, -1:].copy(),                    # (n_a, 1)
            }
        return gradients
