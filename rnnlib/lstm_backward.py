"""Backpropagation through time for the LSTM (chapter 3, eqs. (3.9)-(3.13)).

Going back through one step, with da_next and dc_next the gradients of the
loss with respect to a<t> and c<t> (concat = [a<t-1>; x<t>]), ⊙ the
element-wise product, and z_f, z_i, z_c, z_o the sums W* concat + b* before
each gate's sigmoid (or the candidate's tanh):

    dc   = dc_next + da_next ⊙ Γo ⊙ (1 - tanh(c<t>)**2)    all that reaches c<t>
    dz_o = da_next ⊙ tanh(c<t>) ⊙ Γo ⊙ (1 - Γo)
    dz_c = dc ⊙ Γi ⊙ (1 - c̃**2)
    dz_i = dc ⊙ c̃ ⊙ Γi ⊙ (1 - Γi)
    dz_f = dc ⊙ c<t-1> ⊙ Γf ⊙ (1 - Γf)
    dW* = dz_* concat.T,  db* = dz_* summed over the examples
    [da_prev; dxt] = Wf.T dz_f + Wi.T dz_i + Wc.T dz_c + Wo.T dz_o
    dc_prev = dc ⊙ Γf

dz_* is the gradient of the loss with respect to the gate's sum z_* (dΓf
would be the one with respect to the gate's output Γf). In code Γf, Γi, c̃,
Γo are ft, it, cct, ot and the gradients of their sums dz_f, dz_i, dz_c, dz_o.
The output layer (Wy, by) is not part of these functions.
Columns are examples: da_next, dc_next are (n_a, m); a whole da is (n_a, m, T_x).
"""

import numpy as np

from .lstm import LSTM_GATES
from .validation import (as_float_array, check_da_steps, check_finite_gradients,
                         check_parameters, check_sequence_caches, check_shape,
                         describe_value)

# The parameters the backward step reads, in symbols.
_BACKWARD_SHAPES = {weight: ("n_a", "n_a + n_x") for _, weight, _ in LSTM_GATES}
_CACHE_FIELDS = ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt")
_GATE_KEYS = tuple((weight, bias) for _, weight, bias in LSTM_GATES)  # f, i, c, o


def _check_lstm_cache(cache, name="cache"):
    """Check one step cache of lstm_cell_forward; return its Dims."""
    if not isinstance(cache, tuple) or len(cache) != 10:
        if isinstance(cache, tuple) and len(cache) == 4:
            raise TypeError(f"{name} has 4 entries, like an RNN cache; the LSTM needs "
                            "the cache of lstm_cell_forward: (a_next, c_next, a_prev, "
                            "c_prev, ft, it, cct, ot, xt, parameters)")
        raise TypeError(f"{name} must be the tuple (a_next, c_next, a_prev, c_prev, "
                        "ft, it, cct, ot, xt, parameters) returned by "
                        f"lstm_cell_forward; got {describe_value(cache)}")
    dims = check_parameters(cache[9], _BACKWARD_SHAPES)
    for field, value in zip(_CACHE_FIELDS, cache[:9]):
        shape = ("n_x", "m") if field == "xt" else ("n_a", "m")
        label = f"{field} in {name}"
        check_shape(label, as_float_array(label, value, shape=shape), shape, dims)
    return dims


def lstm_cell_backward_step(da_next, dc_next, cache):
    """One backward step without input checks: the mathematics of ``lstm_cell_backward``.

    Arguments and results are those of ``lstm_cell_backward``: da_next and
    dc_next (n_a, m) and the cache of ``lstm_cell_forward``; returns dxt
    (n_x, m), da_prev and dc_prev (n_a, m), and dW*, db* of every gate.
    Nothing is checked: callers check once per sequence, as ``lstm_backward``
    does.
    """
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    p = parameters
    n_a = a_next.shape[0]
    concat = np.concatenate((a_prev, xt), axis=0)      # [a_prev; xt], (n_a + n_x, m)
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)    # via c_next and a = Γo tanh(c)
    dz_o = da_next * tanh_c * ot * (1 - ot)            # output gate, through its σ
    dz_c = dc * it * (1 - cct ** 2)                    # candidate, through its tanh
    dz_i = dc * cct * it * (1 - it)                    # update gate, through its σ
    dz_f = dc * c_prev * ft * (1 - ft)                 # forget gate, through its σ
    dconcat = (p["Wf"].T @ dz_f + p["Wi"].T @ dz_i     # every gate read concat:
               + p["Wc"].T @ dz_c + p["Wo"].T @ dz_o)  # gradients add (n_a + n_x, m)
    gradients = {
        "dxt": dconcat[n_a:],                          # bottom rows: the input
        "da_prev": dconcat[:n_a],                      # top rows: the previous state
        "dc_prev": dc * ft,                            # memory kept through Γf
    }
    for (W, b), dz in zip(_GATE_KEYS, (dz_f, dz_i, dz_c, dz_o)):
        gradients["d" + W] = dz @ concat.T             # gate weights (n_a, n_a + n_x)
        gradients["d" + b] = dz.sum(axis=1, keepdims=True)  # bias: sum over examples
    return gradients


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass through one LSTM step.

    Arguments:
    da_next -- gradient of the loss with respect to a_next, shape (n_a, m)
    dc_next -- gradient of the loss with respect to c_next, shape (n_a, m)
    cache -- (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters),
             as returned by lstm_cell_forward

    Returns a dict of gradients:
    dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m),
    dWf, dWi, dWc, dWo (n_a, n_a + n_x) and dbf, dbi, dbc, dbo (n_a, 1),
    in the order dxt, da_prev, dc_prev, dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo.

    Raises TypeError for a cache of the wrong kind, ValueError for gradients
    whose shape does not match the cache or that hold NaN/inf.
    """
    dims = _check_lstm_cache(cache)
    da_next = as_float_array("da_next", da_next, shape=("n_a", "m"))
    check_shape("da_next", da_next, ("n_a", "m"), dims)
    dc_next = as_float_array("dc_next", dc_next, shape=("n_a", "m"))
    check_shape("dc_next", dc_next, ("n_a", "m"), dims)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        gradients = lstm_cell_backward_step(da_next, dc_next, cache)
    check_finite_gradients(gradients, "lstm_cell_backward")
    return gradients


def lstm_backward(da, caches):
    """Backpropagation through time over a whole LSTM sequence.

    Arguments:
    da -- gradient of the loss with respect to the hidden states, shape
          (n_a, m, T_x). T_x is taken from da, so a shorter da
          back-propagates through the first T_x steps only.
    caches -- (list_of_step_caches, x), as returned by lstm_forward

    Returns a dict of gradients:
    dx (n_x, m, T_x), da0 (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x),
    dbf, dbi, dbc, dbo (n_a, 1).

    Both da_prev and dc_prev are carried from step t to step t-1: a<t-1> and
    c<t-1> both feed step t, so the loss reaches them through it. (A widely
    copied version forgets to carry them: it keeps only each step's direct
    share of the loss and drops every path through time.) The memory cell
    starts at zeros and nothing is learned for it, so no dc0 is returned.
    """
    step_caches = check_sequence_caches(caches, "lstm_forward", 10)
    dims = _check_lstm_cache(step_caches[0], "caches[0][0]")
    da = as_float_array("da", da, shape=("n_a", "m", "T_x"))
    check_shape("da", da, ("n_a", "m", "T_x"), dims)
    check_da_steps(da, step_caches, "lstm_forward")
    n_a, m, T_x = da.shape
    n_x = dims["n_x"]
    gradients = {"dx": np.zeros((n_x, m, T_x)), "da0": None}
    for W, b in _GATE_KEYS:
        gradients["d" + W] = np.zeros((n_a, n_a + n_x))
        gradients["d" + b] = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))                      # nothing comes after step T_x
    dc_prevt = np.zeros((n_a, m))
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        for t in reversed(range(T_x)):
            step = lstm_cell_backward_step(da[:, :, t] + da_prevt, dc_prevt,
                                           step_caches[t])
            gradients["dx"][:, :, t] = step["dxt"]     # each x<t> is used once
            for W, b in _GATE_KEYS:                    # weights are shared by all
                gradients["d" + W] += step["d" + W]    # steps: their gradients add
                gradients["d" + b] += step["d" + b]
            da_prevt = step["da_prev"]                 # both carried to step t-1
            dc_prevt = step["dc_prev"]
    gradients["da0"] = da_prevt
    check_finite_gradients(gradients, "lstm_backward")
    return gradients
