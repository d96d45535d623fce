"""The LSTM, fast: same mathematics as ``rnnlib.lstm`` (chapters 2 and 3).

The four gates share one stacked weight matrix, in the order

    W = [Wc; Wf; Wi; Wo]      (4 n_a, n_a + n_x)     candidate first, then
    b = [bc; bf; bi; bo]      (4 n_a, 1)             the three sigmoid gates

so that one matrix product gives every gate of a time step, the three sigmoid
gates are one contiguous block, and in the backward pass the three gradients
that are multiples of dc<t> are one contiguous block too.

The sigmoid gates as 1 / (1 + exp(-z)): the forward pass negates the sigmoid
rows of W and b once per call (exact), so the matrix products give -z and
three in-place calls (exp, add 1, divide) turn the stacked (m, 3 n_a) block
into Γf, Γi, Γo (``rnnlib.fast.activations``). Where numpy's float64 exp is
cheaper than its tanh (see that module), this beats σ(z) = (1 + tanh(z/2)) / 2.
On large blocks the candidate rows are multiplied by -2 as well, and the
same three calls over all four blocks, dividing 2 instead of 1 in the
candidate block, give 2 σ(2 z_c), from which one more call gives
c̃ = tanh(z_c) = 2 σ(2 z_c) - 1; tanh(c<t>) goes through exp too.
``rnnlib.activations`` holds the clear, checked versions; these fused forms
differ only to save numpy calls and time.

Inside, sequences are stored as rows (time first, one example per row): see
``rnnlib.fast.layout``. At large sizes parts of the batch, one per core, run
their time loops side by side: see ``rnnlib.fast.parallel``.
"""

import numpy as np

from ..lstm import LSTM_PARAMETER_SHAPES
from .activations import exp_route_pays, sigmoid_of_negated, tanh_into
from .checks import checked_inputs
from .layout import (SequenceCaches, common_dtype, concat_rows, copy_transposed,
                     gradient_rows, output_layer, reshape_view, stacked_weights,
                     steps_buffer, to_columns)
from .parallel import blas_for_call, matmul, matmuls, run_parts, split_rows
from .options import get_options
from .workspace import Lease, pool

__all__ = ["LSTMCaches", "lstm_forward", "lstm_backward", "GATE_ORDER", "stack_gates",
           "forward_steps", "backward_steps", "gate_derivatives"]

GATE_ORDER = ("c", "f", "i", "o")   # row blocks of the stacked W and b


class LSTMCaches(SequenceCaches):
    """What ``lstm_backward`` needs from ``lstm_forward``.

    Attributes, beyond those of ``SequenceCaches`` (parameters, x, HX, n_a, m, T_x):
    gates -- (T_x, m, 4 n_a) rows: gates[t-1] = [c̃<t> | Γf<t> | Γi<t> | Γo<t>]
    C -- (T_x + 1, m, n_a) rows: C[t] = c<t>, C[0] = 0
    tanh_c -- (T_x, m, n_a) rows: tanh_c[t-1] = tanh(c<t>)
    """

    cell = "LSTM"

    def __init__(self, parameters, x, n_a):
        super().__init__(parameters, x, n_a)
        self.gates = self.C = self.tanh_c = None


def stack_gates(parameters, dtype, owner=None):
    """[W | b]: weights and biases of the four gates, (4 n_a, n_a + n_x + 1).

    Row blocks in GATE_ORDER (c, f, i, o); the last column is the bias, the
    weight of the constant input 1 (see ``rnnlib.fast.layout``). The array
    is new, from the buffer pool if ``owner`` is given.
    """
    return stacked_weights(parameters, GATE_ORDER, dtype, owner)


def lstm_forward(x, a0, parameters):
    """Run the LSTM over a whole sequence (drop-in for ``rnnlib.lstm_forward``).

    Arguments:
    x -- inputs for every time step, shape (n_x, m, T_x)
    a0 -- initial hidden state a<0>, shape (n_a, m); c<0> = 0
    parameters -- dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x) acting on
                  [a_prev; xt], bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1)

    Returns:
    a -- hidden states a<1> ... a<T_x>, shape (n_a, m, T_x)
    y -- predictions ŷ<1> ... ŷ<T_x>, shape (n_y, m, T_x)
    c -- memory cells c<1> ... c<T_x>, shape (n_a, m, T_x)
    caches -- an ``LSTMCaches``, for ``rnnlib.fast.lstm_backward``

    ``a``, ``y`` and ``c`` are new arrays owned by the caller. The dtype is the
    one numpy gives to all inputs together (float32 in, float32 out).
    """
    x, a0 = checked_inputs(x, a0, parameters, LSTM_PARAMETER_SHAPES, "Wy")
    p = parameters
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    dtype = common_dtype(x, a0, *(p[k] for k in LSTM_PARAMETER_SHAPES))
    caches = LSTMCaches(p, x, n_a)
    parts = split_rows(m, n_a)                           # one part, or one per core
    largest = T_x * m * n_a * max(4 * (n_x + 1), p["Wy"].shape[0])  # M N K
    with blas_for_call(largest):                         # one BLAS thread (options)
        HX = caches.HX = concat_rows(x, a0, dtype, caches, parts)  # [a<t> | x<t+1> | 1]
        G = caches.gates = pool.empty((T_x, m, 4 * n_a), dtype, caches)
        C = caches.C = steps_buffer(T_x + 1, m, n_a, dtype, caches)  # copied out below
        TC = caches.tanh_c = pool.empty((T_x, m, n_a), dtype, caches)
        C[0] = 0                                             # the memory starts empty

        # Large blocks: c̃ = tanh(z_c) through exp too (see rnnlib.fast.activations).
        exp_route = exp_route_pays(parts[0].stop - parts[0].start, n_a, dtype)

        with Lease() as scratch:                             # buffers of this call only
            # Stacked [W | b] with the sigmoid rows negated: the products give -z;
            # on the exp route the candidate rows times -2: the products give -2 z_c.
            Wb = stack_gates(p, dtype, scratch)
            Wb[n_a:] *= -1
            if exp_route:
                Wb[:n_a] *= -2
            WaT = pool.empty((n_a, 4 * n_a), dtype, scratch)  # contiguous: fast dot
            np.copyto(WaT, Wb[:, :n_a].T)

            # Input projections of all steps (bias included) in one product, into G.
            G2 = reshape_view(G, (T_x * m, 4 * n_a))     # (T_x m, 4 n_a)
            X1 = HX[:T_x, :, n_a:].reshape(T_x * m, n_x + 1)  # [x<t> | 1] rows
            matmul(X1, Wb[:, n_a:].T, G2, parts)

            # The time loop, on all rows or on parts of the batch side by
            # side (see rnnlib.fast.parallel); each part also turns its rows of
            # a and c into the book's layout, in the new arrays a_out and c_out.
            a_out = np.empty((n_a, m, T_x), dtype)
            c_out = np.empty((n_a, m, T_x), dtype)

            def steps(rows):
                forward_steps(G[:, rows], C[:, rows], TC[:, rows], HX[:, rows],
                               WaT, exp_route, scratch)
                copy_transposed(HX[1:, rows, :n_a], a_out[:, rows])
                copy_transposed(C[1:, rows], c_out[:, rows])

            run_parts(steps, parts)

        y = output_layer(p["Wy"], p["by"], a_out, dtype, parts)  # (n_y, m, T_x), new
        return a_out, y, c_out, caches


def forward_steps(G, C, TC, HX, WaT, exp_route, owner):
    """The time loop of ``lstm_forward`` for some rows (examples) of the batch.

    G, C, TC, HX are the rows of the caches' arrays for these examples, with
    G already holding the input projections; WaT is Wa^T with the sigmoid
    columns negated (and the candidate columns times -2 if ``exp_route``).
    Fills G with the gates, C, TC and the hidden states.
    """
    T_x, m, n_a = TC.shape
    # Per step, views of the buffers: z<t> and its blocks, c, tanh(c), a.
    z = list(G)                                  # (m, 4 n_a) each
    sig = list(G[:, :, n_a:])                    # Γf | Γi | Γo block
    cc, f, i, o = (list(G[:, :, k * n_a:(k + 1) * n_a]) for k in range(4))
    c = list(C)
    tc = list(TC)
    a = list(HX[:, :, :n_a])                     # a[t] = a<t>, a[0] = a0
    recurrent = pool.empty((m, 4 * n_a), G.dtype, owner)  # a<t-1> Wa^T
    ic = pool.empty((m, n_a), G.dtype, owner)    # Γi * c̃
    numerators = np.ones(4 * n_a, G.dtype)       # 2 for the candidate, 1 for the gates
    numerators[:n_a] = 2
    with np.errstate(over="ignore"):             # exp(-z) may overflow to inf
        for t in range(T_x):
            np.dot(a[t], WaT, out=recurrent)     # the only serial product
            np.add(z[t], recurrent, out=z[t])    # z_c | -z_f | -z_i | -z_o
            if exp_route:                        # u = -2 z_c | -z_f | -z_i | -z_o
                np.exp(z[t], out=z[t])
                np.add(z[t], 1, out=z[t])
                np.divide(numerators, z[t], out=z[t])  # 2 σ(2 z_c) | Γf | Γi | Γo
                np.subtract(cc[t], 1, out=cc[t])  # c̃ = 2 σ(2 z_c) - 1 = tanh(z_c)
            else:
                np.tanh(cc[t], out=cc[t])        # c̃ = tanh(z_c)
                sigmoid_of_negated(sig[t])       # Γf, Γi, Γo = 1 / (1 + e^-z)
            np.multiply(f[t], c[t], out=c[t + 1])  # Γf * c<t-1>
            np.multiply(i[t], cc[t], out=ic)     # Γi * c̃
            np.add(c[t + 1], ic, out=c[t + 1])   # c<t>
            tanh_into(c[t + 1], tc[t], exp_route)  # tanh(c<t>)
            np.multiply(o[t], tc[t], out=a[t + 1])  # a<t> = Γo * tanh(c<t>)


def gate_derivatives(caches, rows, start, end, k_c, k_o, k_dc):
    """Fill k_c, k_o[:end - start] (steps, m, n_a) and k_dc[:, :end - start]
    (4, steps, m, n_a) with the factors of steps start..end-1 for the examples
    ``rows`` (a slice of the batch). k_dc holds its four factors in four
    contiguous blocks: written into the interleaved layout of ``out`` in
    ``backward_steps``, every call here was two to three times slower.

    With g = the total gradient into a<t> and dc = the total gradient into c<t>:

        dc    = dc_next + g * Γo (1 - tanh(c)^2)              k_c = Γo (1 - tanh^2)
        dz_o  = g * tanh(c) Γo (1 - Γo)                       k_o
        [dc_prev, dz_c, dz_f, dz_i]
              = dc * [Γf, Γi (1 - c̃^2), c_prev Γf (1 - Γf), c̃ Γi (1 - Γi)]   k_dc

    Each line is a few numpy calls over all the steps of the block at once.
    """
    n_a, steps = caches.n_a, end - start
    G = caches.gates[start:end, rows]
    cc, f, i, o = (G[:, :, k * n_a:(k + 1) * n_a] for k in range(4))
    c_prev, tc = caches.C[start:end, rows], caches.tanh_c[start:end, rows]
    k_c, k_o, k_dc = k_c[:steps], k_o[:steps], k_dc[:, :steps]
    np.square(tc, out=k_c)
    np.subtract(1, k_c, out=k_c)
    np.multiply(k_c, o, out=k_c)                             # Γo (1 - tanh(c)^2)
    np.subtract(1, o, out=k_o)
    np.multiply(k_o, o, out=k_o)
    np.multiply(k_o, tc, out=k_o)                            # tanh(c) Γo (1 - Γo)
    np.copyto(k_dc[0], f)                                    # dc_prev = dc Γf
    np.square(cc, out=k_dc[1])
    np.subtract(1, k_dc[1], out=k_dc[1])
    np.multiply(k_dc[1], i, out=k_dc[1])                     # Γi (1 - c̃^2)
    np.subtract(1, f, out=k_dc[2])
    np.multiply(k_dc[2], f, out=k_dc[2])
    np.multiply(k_dc[2], c_prev, out=k_dc[2])                # c_prev Γf (1 - Γf)
    np.subtract(1, i, out=k_dc[3])
    np.multiply(k_dc[3], i, out=k_dc[3])
    np.multiply(k_dc[3], cc, out=k_dc[3])                    # c̃ Γi (1 - Γi)



def backward_steps(caches, rows, da_rows, out, dz, Wa, da0, owner):
    """The time loop of ``lstm_backward`` for the examples ``rows`` of the batch.

    ``da_rows``, ``out``, ``dz`` and ``da0`` are the parts of ``lstm_backward``'s
    arrays for these examples. Fills ``out`` (so dz) from the upstream gradient
    ``da_rows``, and ``da0`` with the gradient into a<0>.
    """
    T_x, m, n_a = da_rows.shape
    dtype = out.dtype

    # Gate derivatives, prepared before the loop (see gate_derivatives) for
    # a block of steps at a time: every step at small sizes (fewest calls),
    # a few steps at large sizes, so that they are still in the cache when
    # the loop reads them.
    block = min(T_x, max(1, get_options().block_elements // (m * n_a)))
    k_c = pool.empty((block, m, n_a), dtype, owner)
    k_o = pool.empty((block, m, n_a), dtype, owner)
    k_dc = pool.empty((4, block, m, n_a), dtype, owner)  # see gate_derivatives

    g = pool.empty((m, n_a), dtype, owner)               # total gradient into a<t>
    dc = pool.empty((m, n_a), dtype, owner)              # total gradient into c<t>
    da_next = np.zeros((m, n_a), dtype)                  # from step t+1
    dc_next = np.zeros((m, n_a), dtype)
    for end in range(T_x, 0, -block):                    # blocks, last first
        start = max(0, end - block)
        gate_derivatives(caches, rows, start, end, k_c, k_o, k_dc)
        for t in reversed(range(start, end)):
            s = t - start                                # step t in the block
            np.add(da_rows[t], da_next, out=g)
            np.multiply(g, k_c[s], out=dc)
            np.add(dc, dc_next, out=dc)                  # total gradient into c<t>
            # dc_prev, dz_c, dz_f, dz_i: one multiplication, broadcast over dc
            np.multiply(k_dc[:, s].transpose(1, 0, 2), dc[:, None, :], out=out[t, :, :4])
            np.multiply(g, k_o[s], out=out[t, :, 4])     # dz_o
            np.dot(dz[t], Wa, out=da_next)               # into a<t-1>
            dc_next = out[t, :, 0]                       # into c<t-1>
    np.copyto(da0, da_next.T)                            # into a<0>


def lstm_backward(da, caches):
    """Backpropagation through time (drop-in for ``rnnlib.lstm_backward``).

    Arguments:
    da -- upstream gradient of the hidden states, shape (n_a, m, T_x); a
          shorter T_x back-propagates through the first T_x steps only
    caches -- the ``LSTMCaches`` returned by ``rnnlib.fast.lstm_forward``

    Returns a dict of new arrays: dx (n_x, m, T_x), da0 (n_a, m), and
    dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1).
    """
    if not isinstance(caches, LSTMCaches):
        raise TypeError("caches must be the fourth value returned by "
                        "rnnlib.fast.lstm_forward; got "
                        f"{type(caches).__name__} (caches of the reference "
                        "rnnlib.lstm_forward go to rnnlib.lstm_backward)")
    n_a, m = caches.n_a, caches.m
    parts = split_rows(m, n_a)                           # one part, or one per core
    largest = caches.T_x * m * 4 * n_a * (n_a + caches.x.shape[0] + 1)  # M N K
    with blas_for_call(largest):                         # one BLAS thread (options)
        with Lease() as lease:
            da_rows, dtype = gradient_rows(da, caches, lease, parts)  # (T_x, m, n_a)
            T_x = da_rows.shape[0]
            HX = caches.HX[:T_x + 1]

            # out[t] = [dc_prev | dz_c | dz_f | dz_i | dz_o]: the last four blocks
            # are dz<t> in the stacked gate order, and dc_prev is carried to t-1.
            out = pool.empty((T_x, m, 5, n_a), dtype, lease)
            dz = reshape_view(out[:, :, 1:], (T_x, m, 4 * n_a))  # dz[t] = out[t, :, 1:]
            Wb = stack_gates(caches.parameters, dtype, lease)
            Wa = pool.empty((4 * n_a, n_a), dtype, lease)        # contiguous: fast dot
            np.copyto(Wa, Wb[:, :n_a])

            # The time loop, on all rows or on parts of the batch side by
            # side (see rnnlib.fast.parallel); each fills its columns of da0.
            da0 = np.empty((n_a, m), dtype)                      # new array

            def steps(rows):
                backward_steps(caches, rows, da_rows[:, rows], out[:, rows],
                                dz[:, rows], Wa, da0[:, rows], lease)

            run_parts(steps, parts)

            # Every step at once: [dW | db] = sum_t dz<t> [a<t-1>; x<t>; 1]^T
            # (parallel.matmul: in one thread per part when the batch is split)
            dz_all = dz.reshape(T_x * m, 4 * n_a)                # (T_x m, 4 n_a)
            dWb = pool.empty(Wb.shape, dtype, lease)         # (4 n_a, n_a + n_x + 1)
            dx_rows = pool.empty((T_x, m, Wb.shape[1] - n_a - 1), dtype, lease)
            matmuls([(dz_all.T, HX[:T_x].reshape(T_x * m, -1), dWb),
                     (dz_all, Wb[:, n_a:-1], reshape_view(dx_rows, (T_x * m, -1)))], parts)
            dW = dWb[:, :-1].copy()                          # (4 n_a, n_a + n_x), new
            db = dWb[:, -1:].copy()                              # (4 n_a, 1), new
            gradients = {"dx": to_columns(dx_rows, parts),
                         "da0": da0}
            for k, gate in enumerate(GATE_ORDER):
                rows = slice(k * n_a, (k + 1) * n_a)
                gradients["dW" + gate] = dW[rows]                # contiguous row blocks
                gradients["db" + gate] = db[rows]
        return {key: gradients[key] for key in
                ("dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")}
