"""The GRU, fast: same mathematics as ``rnnlib.gru`` (chapter 4).

    Γu = σ(Wu [a<t-1>; x<t>] + bu),   Γr = σ(Wr [a<t-1>; x<t>] + br)
    c̃  = tanh(Wc [Γr * a<t-1>; x<t>] + bc)
    a<t> = Γu * c̃ + (1 - Γu) * a<t-1>

The engine's ideas (see ``rnnlib.fast.rnn`` and ``rnnlib.fast.lstm``), applied
to the GRU:

* rows: sequences are stored time first, one example per row, with the
  inputs of step t side by side in HX[t] = [a<t> | x<t+1> | 1]
  (``rnnlib.fast.layout``);
* the input projections (x halves of Wu, Wr, Wc and the biases, as the
  weights of a constant 1) for every step are two matrix products before
  the loop, one into the gates' block, one into the candidate's (each
  step's element-wise work then runs on contiguous memory). The
  recurrence needs two products per step, not
  one as in the LSTM: the candidate reads Γr * a<t-1>, which exists only
  after the gates of the same step;
* the two gates share one stacked block [Wu; Wr], negated once per call, so
  the product gives -z and three in-place calls give Γu and Γr
  (``rnnlib.fast.activations``); on large blocks the candidate rows are
  multiplied by -2 and c̃ = tanh(z) goes through exp too;
* the loop writes into preallocated arrays (``out=``); a<t> is computed as
  a<t-1> + Γu * (c̃ - a<t-1>), three calls;
* backward: the factors that do not depend on the upstream gradient
  (Γu (1 - c̃^2), (c̃ - a<t-1>) Γu (1 - Γu), a<t-1> Γr (1 - Γr), 1 - Γu) are
  computed for a block of steps at a time, before the loop goes through
  them (all steps at small sizes); the loop carries the gradient back
  with two products per step; the weight gradients and dx are single matrix
  products after it.

* at large sizes the batch is cut into one part per core, and each part runs
  its whole time loop in its own thread (``rnnlib.fast.parallel``), as for
  the RNN and the LSTM; the buffers come from the engine's pool.

``rnnlib.gru`` holds the clear, checked version of the same mathematics.
"""

import numpy as np

from ..gru import GRU_PARAMETER_SHAPES
from .activations import exp_route_pays, sigmoid_of_negated, tanh_of_negated_double
from .checks import checked_inputs
from .layout import (SequenceCaches, common_dtype, concat_rows, copy_transposed,
                     gradient_rows, output_layer, reshape_view, stacked_weights,
                     to_columns)
from .options import get_options
from .parallel import blas_for_call, matmuls, run_parts, split_rows
from .workspace import Lease, pool

__all__ = ["GRUCaches", "gru_forward", "gru_backward"]

GATE_ORDER = ("u", "r", "c")        # column blocks of the stacked projections


class GRUCaches(SequenceCaches):
    """What ``gru_backward`` needs from ``gru_forward``.

    Attributes, beyond those of ``SequenceCaches`` (parameters, x, HX, n_a, m, T_x):
    gates -- (T_x, m, 2 n_a) rows: gates[t-1] = [Γu<t> | Γr<t>]
    cand -- (T_x, m, n_a) rows: cand[t-1] = c̃<t>
    RA -- (T_x, m, n_a) rows: RA[t-1] = Γr<t> * a<t-1>, the reset state

    The gates and the candidate are blocks of their own (not one (T_x, m,
    3 n_a) array), so that the element-wise work of each step runs on
    contiguous memory.
    """

    cell = "GRU"

    def __init__(self, parameters, x, n_a):
        super().__init__(parameters, x, n_a)
        self.gates = self.cand = self.RA = None


def gru_forward(x, a0, parameters):
    """Run the GRU over a whole sequence (drop-in for ``rnnlib.gru_forward``).

    Arguments:
    x -- inputs for every time step, shape (n_x, m, T_x)
    a0 -- initial hidden state a<0>, shape (n_a, m)
    parameters -- dict with Wu, Wr, Wc (n_a, n_a + n_x), bu, br, bc (n_a, 1),
                  Wy (n_y, n_a), by (n_y, 1)

    Returns:
    a -- hidden states a<1> ... a<T_x>, shape (n_a, m, T_x)
    y -- predictions ŷ<1> ... ŷ<T_x>, shape (n_y, m, T_x)
    caches -- a ``GRUCaches``, for ``rnnlib.fast.gru_backward``

    ``a`` and ``y`` are new arrays owned by the caller. The dtype is the one
    numpy gives to all inputs together (float32 in, float32 out).
    """
    x, a0 = checked_inputs(x, a0, parameters, GRU_PARAMETER_SHAPES, "Wy")
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    largest = T_x * m * n_a * max(3 * (n_x + 1), parameters["Wy"].shape[0])  # M N K
    with blas_for_call(largest):            # one BLAS thread (rnnlib.fast.options)
        return _gru_forward(x, a0, parameters)


def _gru_forward(x, a0, parameters):
    """``gru_forward`` on checked inputs."""
    p = parameters
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    dtype = common_dtype(x, a0, *(p[k] for k in GRU_PARAMETER_SHAPES))
    caches = GRUCaches(p, x, n_a)
    parts = split_rows(m, n_a)                           # one part, or one per core
    HX = caches.HX = concat_rows(x, a0, dtype, caches, parts)  # [a<t> | x<t+1> | 1]
    G = caches.gates = pool.empty((T_x, m, 2 * n_a), dtype, caches)
    GC = caches.cand = pool.empty((T_x, m, n_a), dtype, caches)
    RA = caches.RA = pool.empty((T_x, m, n_a), dtype, caches)
    exp_route = exp_route_pays(parts[0].stop - parts[0].start, n_a, dtype)

    with Lease() as scratch:
        # Gate rows negated: the products give -z and σ(z) = 1 / (1 + e^-z);
        # on the exp route candidate rows times -2: tanh(z) = 2 σ(2 z) - 1.
        Wb = stacked_weights(p, GATE_ORDER, dtype, scratch)
        Wb[:2 * n_a] *= -1
        if exp_route:
            Wb[2 * n_a:] *= -2
        WgT = pool.empty((n_a, 2 * n_a), dtype, scratch)  # contiguous: faster np.dot
        np.copyto(WgT, Wb[:2 * n_a, :n_a].T)              # a half of [Wu; Wr]
        WcT = pool.empty((n_a, n_a), dtype, scratch)
        np.copyto(WcT, Wb[2 * n_a:, :n_a].T)              # a half of Wc

        # Input projections (bias included) of every step at once: the gates'
        # and the candidate's, each into its own block.
        X1 = HX[:T_x, :, n_a:].reshape(T_x * m, n_x + 1)
        matmuls([(X1, Wb[:2 * n_a, n_a:].T, reshape_view(G, (T_x * m, 2 * n_a))),
                 (X1, Wb[2 * n_a:, n_a:].T, reshape_view(GC, (T_x * m, n_a)))], parts)

        # The time loop, on all rows or on parts of the batch side by side;
        # each part also copies its rows of a into the book's layout.
        a = np.empty((n_a, m, T_x), dtype)                # new array

        def steps(rows):
            _forward_steps(G[:, rows], GC[:, rows], RA[:, rows], HX[:, rows], WgT, WcT,
                           exp_route, scratch)
            copy_transposed(HX[1:, rows, :n_a], a[:, rows])

        run_parts(steps, parts)

    y = output_layer(p["Wy"], p["by"], a, dtype, parts)  # (n_y, m, T_x), new
    return a, y, caches


def _forward_steps(G, GC, RA, HX, WgT, WcT, exp_route, owner):
    """The time loop of ``gru_forward`` for some rows (examples) of the batch.

    G, GC, RA, HX are these rows of the caches' arrays, G and GC holding the
    input projections; fills G with [Γu | Γr], GC with c̃, RA with
    Γr * a<t-1> and the hidden-state part of HX with a<1> ... a<T_x>.
    """
    T_x, m, n_a = RA.shape
    gates = list(G)                              # -z_u | -z_r, then Γu | Γr
    u, r = list(G[:, :, :n_a]), list(G[:, :, n_a:])
    cc = list(GC)                                # z_c (or -2 z_c), then c̃
    ra = list(RA)
    a = list(HX[:, :, :n_a])                     # a[t] = a<t>, a[0] = a0
    gate_part = pool.empty((m, 2 * n_a), G.dtype, owner)
    cand_part = pool.empty((m, n_a), G.dtype, owner)
    with np.errstate(over="ignore"):             # exp(-z) may overflow to inf
        for t in range(T_x):
            np.dot(a[t], WgT, out=gate_part)     # -(Wu, Wr) a<t-1>
            np.add(gates[t], gate_part, out=gates[t])
            sigmoid_of_negated(gates[t])         # Γu | Γr
            np.multiply(r[t], a[t], out=ra[t])   # Γr * a<t-1>
            np.dot(ra[t], WcT, out=cand_part)    # Wc (Γr * a<t-1>)
            np.add(cc[t], cand_part, out=cc[t])
            if exp_route:
                tanh_of_negated_double(cc[t])    # c̃ from -2 z_c
            else:
                np.tanh(cc[t], out=cc[t])        # c̃
            np.subtract(cc[t], a[t], out=cand_part)       # c̃ - a<t-1>
            np.multiply(u[t], cand_part, out=cand_part)   # Γu (c̃ - a<t-1>)
            np.add(a[t], cand_part, out=a[t + 1])         # a<t>


def _factors(G, cc, a_prev, K):
    """Per-step factors of the backward pass, for a block of steps at once.

    G (steps, m, 2 n_a), cc and a_prev (steps, m, n_a) are (rows of) the
    caches' gates, candidates and a<t-1> for these steps; K (4, at least
    steps, m, n_a) receives, in four contiguous blocks (strided blocks made
    every call here two to three times slower),

    K[:, t] = [k_u, k_r, k_c, 1 - Γu], each (m, n_a), with
    k_u = (c̃ - a<t-1>) Γu (1 - Γu), k_r = a<t-1> Γr (1 - Γr), k_c = Γu (1 - c̃^2):
    dz_u = g k_u, dz_c = g k_c, dz_r = (dz_c Wc_a) k_r, with g the total
    gradient into a<t>.
    """
    steps, m, n_a = cc.shape
    u, r = G[:, :, :n_a], G[:, :, n_a:]
    K = K[:, :steps]
    k_u, k_r, k_c, keep = K
    np.subtract(1, u, out=keep)                          # 1 - Γu
    np.subtract(cc, a_prev, out=k_u)
    np.multiply(k_u, u, out=k_u)
    np.multiply(k_u, keep, out=k_u)                      # (c̃ - a<t-1>) Γu (1 - Γu)
    np.subtract(1, r, out=k_r)
    np.multiply(k_r, r, out=k_r)
    np.multiply(k_r, a_prev, out=k_r)                    # a<t-1> Γr (1 - Γr)
    np.square(cc, out=k_c)
    np.subtract(1, k_c, out=k_c)
    np.multiply(k_c, u, out=k_c)                         # Γu (1 - c̃^2)
    return K


def _backward_steps(G, GC, HX, da_rows, dZ, Wg, Wc_a, da0, owner):
    """The time loop of ``gru_backward`` for some rows (examples) of the batch.

    G, GC, HX are these rows of the caches' gates, candidates and inputs,
    ``da_rows``, ``dZ``
    and ``da0`` these rows of ``gru_backward``'s arrays. Fills dZ[t] =
    [dz_u | dz_r | dz_c] from the upstream gradient ``da_rows``, and ``da0``
    with the gradient into a<0>.

    The factors (``_factors``) are prepared for a block of steps at a time,
    as in the LSTM (``rnnlib.fast.lstm.backward_steps``): all steps at small
    sizes, a few at large ones, so that they are still in the cache when the
    loop reads them.
    """
    T_x, m, n_a = da_rows.shape
    dtype = dZ.dtype
    block = min(T_x, max(1, get_options().block_elements // (m * n_a)))
    K_block = pool.empty((4, block, m, n_a), dtype, owner)
    r = G[:, :, n_a:]
    g = pool.empty((m, n_a), dtype, owner)               # total gradient into a<t>
    dra = pool.empty((m, n_a), dtype, owner)             # into Γr * a<t-1>
    part = pool.empty((m, n_a), dtype, owner)
    da_next = np.zeros((m, n_a), dtype)                  # from step t+1
    for end in range(T_x, 0, -block):                    # blocks, last first
        start = max(0, end - block)
        K = _factors(G[start:end], GC[start:end], HX[start:end, :, :n_a], K_block)
        for t in reversed(range(start, end)):
            s = t - start                                # step t in the block
            k_u, k_r, k_c, keep = K[:, s]
            dz_u, dz_r, dz_c = dZ[t, :, :n_a], dZ[t, :, n_a:2 * n_a], dZ[t, :, 2 * n_a:]
            np.add(da_rows[t], da_next, out=g)
            np.multiply(g, k_c, out=dz_c)                # candidate, through tanh
            np.multiply(g, k_u, out=dz_u)                # update gate, through σ
            np.dot(dz_c, Wc_a, out=dra)                  # into Γr * a<t-1>
            np.multiply(dra, k_r, out=dz_r)              # reset gate, through σ
            np.dot(dZ[t, :, :2 * n_a], Wg, out=da_next)  # path through the gates
            np.multiply(dra, r[t], out=part)             # path through the candidate
            np.add(da_next, part, out=da_next)
            np.multiply(g, keep, out=part)               # direct path, 1 - Γu
            np.add(da_next, part, out=da_next)
    np.copyto(da0, da_next.T)


def gru_backward(da, caches):
    """Backpropagation through time (drop-in for ``rnnlib.gru_backward``).

    Arguments:
    da -- upstream gradient of the hidden states, shape (n_a, m, T_x); a
          shorter T_x back-propagates through the first T_x steps only
    caches -- the ``GRUCaches`` returned by ``rnnlib.fast.gru_forward``

    Returns a dict of new arrays: dx (n_x, m, T_x), da0 (n_a, m), and
    dWu, dWr, dWc (n_a, n_a + n_x), dbu, dbr, dbc (n_a, 1).
    """
    if not isinstance(caches, GRUCaches):
        raise TypeError("caches must be the third value returned by "
                        "rnnlib.fast.gru_forward; got "
                        f"{type(caches).__name__} (caches of the reference "
                        "gru_forward go to rnnlib.gru_backward)")
    n_a, n_x = caches.n_a, caches.x.shape[0]
    largest = caches.T_x * caches.m * 3 * n_a * (n_a + n_x + 1)  # M N K
    with blas_for_call(largest):            # one BLAS thread (rnnlib.fast.options)
        return _gru_backward(da, caches)


def _gru_backward(da, caches):
    """``gru_backward`` once ``caches`` is known to be a ``GRUCaches``."""
    n_a, m = caches.n_a, caches.m
    parts = split_rows(m, n_a)                           # one part, or one per core
    with Lease() as lease:
        da_rows, dtype = gradient_rows(da, caches, lease, parts)  # (T_x, m, n_a)
        T_x = da_rows.shape[0]
        HX = caches.HX[:T_x + 1]
        Wb = stacked_weights(caches.parameters, GATE_ORDER, dtype, lease)  # (3 n_a, .)
        Wg = np.ascontiguousarray(Wb[:2 * n_a, :n_a])       # a half of [Wu; Wr]
        Wc_a = np.ascontiguousarray(Wb[2 * n_a:, :n_a])     # a half of Wc
        dZ = pool.empty((T_x, m, 3 * n_a), dtype, lease)    # [dz_u | dz_r | dz_c]
        da0 = np.empty((n_a, m), dtype)                     # new array

        def steps(rows):
            _backward_steps(caches.gates[:T_x, rows], caches.cand[:T_x, rows], HX[:, rows],
                            da_rows[:, rows], dZ[:, rows], Wg, Wc_a, da0[:, rows], lease)

        run_parts(steps, parts)

        # Every step at once: gates [dW | db] = sum_t dz<t> [a<t-1>; x<t>; 1]^T,
        # candidate: the same with Γr * a<t-1> in place of a<t-1>.
        dZ2 = dZ.reshape(T_x * m, 3 * n_a)
        n_ax1 = Wb.shape[1]
        dWb = np.empty((3 * n_a, n_ax1), dtype)
        dz_c = dZ2[:, 2 * n_a:]
        dx_rows = pool.empty((T_x, m, n_ax1 - n_a - 1), dtype, lease)
        matmuls([(dZ2[:, :2 * n_a].T, HX[:T_x].reshape(T_x * m, n_ax1), dWb[:2 * n_a]),
                 (dz_c.T, caches.RA[:T_x].reshape(T_x * m, n_a), dWb[2 * n_a:, :n_a]),
                 (dz_c.T, HX[:T_x, :, n_a:].reshape(T_x * m, n_ax1 - n_a),
                  dWb[2 * n_a:, n_a:]),
                 (dZ2, Wb[:, n_a:-1], reshape_view(dx_rows, (T_x * m, -1)))], parts)
        gradients = {"dx": to_columns(dx_rows, parts), "da0": da0}
        for k, gate in enumerate(GATE_ORDER):
            rows = slice(k * n_a, (k + 1) * n_a)
            gradients["dW" + gate] = dWb[rows, :-1].copy()  # own memory
            gradients["db" + gate] = dWb[rows, -1:].copy()
    return {key: gradients[key] for key in
            ("dx", "da0", "dWu", "dbu", "dWr", "dbr", "dWc", "dbc")}

