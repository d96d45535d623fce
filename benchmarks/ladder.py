"""The road from the reference implementation to rnnlib.fast, one idea at a time.

Each rung is an LSTM forward + backward pass with the reference
implementation's arguments and results, adding one idea to the rung before
it, so that the chapter "Making recurrent networks fast" can time each idea
on its own:

    reference rnnlib.lstm_forward / lstm_backward: cell by cell, four gate
             products per step, softmax per step
    stacked  the four gates in one matrix: one product per step and direction
    hoisted  the input projections of all steps in one product before the loop,
             the output layer and softmax of all steps after it; backward: the
             weight gradients and dx as single products after the loop
    fast     rnnlib.fast: fused element-wise work in preallocated arrays, gate
             derivatives prepared before the backward loop, rows layout, pooled
             buffers

The rungs are written in the book's layout (columns are examples) and without
input checks, to read next to the reference implementation. They are for
measuring, not for use: rnnlib.fast is the tested engine.
"""

import numpy as np

import rnnlib
import rnnlib.fast
from rnnlib.activations import sigmoid_unchecked, softmax_unchecked

GATES = ("f", "i", "c", "o")


def _stack(p):
    """W (4 n_a, n_a + n_x) and b (4 n_a, 1), gate blocks in GATES order."""
    return (np.concatenate([p["W" + g] for g in GATES]),
            np.concatenate([p["b" + g] for g in GATES]))


def _gates(z, n_a):
    """Γf, Γi, c̃, Γo from the stacked pre-activation z (4 n_a, m)."""
    f, i, o = (sigmoid_unchecked(z[k * n_a:(k + 1) * n_a]) for k in (0, 1, 3))
    return f, i, np.tanh(z[2 * n_a:3 * n_a]), o


# ------------------------------------------------------------------ stacked

def stacked_forward(x, a0, p):
    """One product per step for all four gates; otherwise as the reference implementation."""
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    W, b = _stack(p)
    a, c = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x))
    y = np.zeros((p["Wy"].shape[0], m, T_x))
    a_prev, c_prev, steps = a0, np.zeros((n_a, m)), []
    for t in range(T_x):
        concat = np.concatenate((a_prev, x[:, :, t]))   # [a_prev; xt]
        f, i, cc, o = _gates(W @ concat + b, n_a)        # one product, four gates
        c_next = f * c_prev + i * cc
        tanh_c = np.tanh(c_next)
        a_next = o * tanh_c
        y[:, :, t] = softmax_unchecked(p["Wy"] @ a_next + p["by"])
        steps.append((concat, c_prev, f, i, cc, o, tanh_c))
        a[:, :, t], c[:, :, t] = a_next, c_next
        a_prev, c_prev = a_next, c_next
    return a, y, c, (steps, W, n_x)


def stacked_backward(da, caches):
    """One product per step for [da_prev; dxt], one for the four dW at once."""
    steps, W, n_x = caches
    n_a, m, T_x = da.shape
    dW, dx = np.zeros_like(W), np.zeros((n_x, m, T_x))
    db = np.zeros((4 * n_a, 1))
    da_next, dc_next = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        concat, c_prev, f, i, cc, o, tanh_c = steps[t]
        g = da[:, :, t] + da_next
        dc = dc_next + g * o * (1 - tanh_c ** 2)
        dz = np.concatenate((dc * c_prev * f * (1 - f), dc * cc * i * (1 - i),
                             dc * i * (1 - cc ** 2), g * tanh_c * o * (1 - o)))
        dW += dz @ concat.T                              # all four gates at once
        db += dz.sum(axis=1, keepdims=True)
        dconcat = W.T @ dz                               # [da_prev; dxt] at once
        da_next, dx[:, :, t] = dconcat[:n_a], dconcat[n_a:]
        dc_next = dc * f
    return _split(dx, da_next, dW, db, n_a)


def _split(dx, da0, dW, db, n_a):
    """The reference implementation's gradient dict from stacked dW, db."""
    grads = {"dx": dx, "da0": da0}
    for k, g in enumerate(GATES):
        grads["dW" + g] = dW[k * n_a:(k + 1) * n_a]
        grads["db" + g] = db[k * n_a:(k + 1) * n_a]
    return grads


# ------------------------------------------------------------------ hoisted

def hoisted_forward(x, a0, p):
    """Stacked, plus: input projections before the loop, softmax after it."""
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    W, b = _stack(p)
    Wa, Wx = W[:, :n_a], W[:, n_a:]
    zx = (Wx @ x.reshape(n_x, m * T_x) + b).reshape(4 * n_a, m, T_x)  # all steps
    a, c = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x))
    a_prev, c_prev, steps = a0, np.zeros((n_a, m)), []
    for t in range(T_x):
        f, i, cc, o = _gates(Wa @ a_prev + zx[:, :, t], n_a)  # only Wa waits
        c_next = f * c_prev + i * cc
        tanh_c = np.tanh(c_next)
        a_next = o * tanh_c
        steps.append((c_prev, f, i, cc, o, tanh_c))
        a[:, :, t], c[:, :, t] = a_next, c_next
        a_prev, c_prev = a_next, c_next
    logits = p["Wy"] @ a.reshape(n_a, m * T_x) + p["by"]    # all steps at once
    y = softmax_unchecked(logits).reshape(-1, m, T_x)
    return a, y, c, (steps, W, x, a0, a)


def hoisted_backward(da, caches):
    """Stacked, plus: dW, db and dx as single products after the loop."""
    steps, W, x, a0, a = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    Wa = W[:, :n_a]
    dz_all = np.empty((4 * n_a, m, T_x))                  # kept for after the loop
    da_next, dc_next = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        c_prev, f, i, cc, o, tanh_c = steps[t]
        g = da[:, :, t] + da_next
        dc = dc_next + g * o * (1 - tanh_c ** 2)
        dz = np.concatenate((dc * c_prev * f * (1 - f), dc * cc * i * (1 - i),
                             dc * i * (1 - cc ** 2), g * tanh_c * o * (1 - o)))
        dz_all[:, :, t] = dz
        da_next = Wa.T @ dz                              # the only serial product
        dc_next = dc * f
    a_prev = np.concatenate((a0[:, :, None], a[:, :, :T_x - 1]), axis=2)
    dz2 = dz_all.reshape(4 * n_a, m * T_x)
    concat = np.concatenate((a_prev, x[:, :, :T_x]), axis=0).reshape(-1, m * T_x)
    dW = dz2 @ concat.T                                  # every step in one product
    dx = (W[:, n_a:].T @ dz2).reshape(n_x, m, T_x)       # every step in one product
    return _split(dx, da_next, dW, dz2.sum(axis=1, keepdims=True), n_a)


# ------------------------------------------------------------------- ladder

RUNGS = {
    "reference": (rnnlib.lstm_forward, rnnlib.lstm_backward),
    "stacked": (stacked_forward, stacked_backward),
    "hoisted": (hoisted_forward, hoisted_backward),
    "fast": (rnnlib.fast.lstm_forward, rnnlib.fast.lstm_backward),
}


def runner(rung, problem):
    """A callable running forward + backward of ``rung`` on ``problem``."""
    forward, backward = RUNGS[rung]
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    return lambda: backward(da, forward(x, a0, p)[3])
