"""Backpropagation through time for the GRU (chapter 4, eqs. (4.6)-(4.10)).

The forward step was (concat = [a<t-1>; x<t>], concat_r = [Γr ⊙ a<t-1>; x<t>],
⊙ the element-wise product)

    Γu = σ(z_u), z_u = Wu concat + bu        Γr = σ(z_r), z_r = Wr concat + br
    c̃ = tanh(z_c), z_c = Wc concat_r + bc    a<t> = Γu ⊙ c̃ + (1 - Γu) ⊙ a<t-1>

Going back through one step, with da_next the gradient of the loss with
respect to a<t>, and dz_* the gradient with respect to the sum z_* (what the
weights multiply into):

    dz_c = da_next ⊙ Γu ⊙ (1 - c̃**2)                candidate, through tanh
    dz_u = da_next ⊙ (c̃ - a<t-1>) ⊙ Γu ⊙ (1 - Γu)   update gate, through σ
    [dra; dxc] = Wc.T dz_c                          dra reaches Γr ⊙ a<t-1>
    dz_r = dra ⊙ a<t-1> ⊙ Γr ⊙ (1 - Γr)             reset gate, through σ
    [dah; dxg] = Wu.T dz_u + Wr.T dz_r              both gates read concat
    da_prev = da_next ⊙ (1 - Γu) + dah + dra ⊙ Γr   three paths into a<t-1>
    dxt = dxg + dxc                                 two paths into x<t>
    dWu = dz_u concat.T,  dWr = dz_r concat.T,  dWc = dz_c concat_r.T
    db* = dz_* summed over the examples

a<t-1> reaches a<t> along three paths: directly through (1 - Γu), through
both gates (which read concat), and through Γr ⊙ a<t-1> inside the
candidate; da_prev is the sum of the three. In code Γu, Γr, c̃ are ut, rt,
cct. The output layer (Wy, by) is not part of these functions.
Columns are examples: da_next is (n_a, m); a whole da is (n_a, m, T_x).
"""

import numpy as np

from .gru import GRU_GATES
from .validation import (as_float_array, check_da_steps, check_finite_gradients,
                         check_parameters, check_sequence_caches, check_shape,
                         describe_value)

# The parameters the backward step reads, in symbols.
_BACKWARD_SHAPES = {key: ("n_a", "n_a + n_x") for key in ("Wu", "Wr", "Wc")}
_CACHE_FIELDS = ("a_next", "a_prev", "ut", "rt", "cct", "xt")
_CACHE_TEXT = "(a_next, a_prev, ut, rt, cct, xt, parameters)"
_OTHER_CACHES = {4: "an RNN cache", 10: "an LSTM cache"}


def _check_gru_cache(cache, name="cache"):
    """Check one step cache of gru_cell_forward; return its Dims."""
    if not isinstance(cache, tuple) or len(cache) != 7:
        if isinstance(cache, tuple) and len(cache) in _OTHER_CACHES:
            raise TypeError(f"{name} has {len(cache)} entries, like "
                            f"{_OTHER_CACHES[len(cache)]}; the GRU needs the cache "
                            f"of gru_cell_forward: {_CACHE_TEXT}")
        raise TypeError(f"{name} must be the tuple {_CACHE_TEXT} returned by "
                        f"gru_cell_forward; got {describe_value(cache)}")
    dims = check_parameters(cache[6], _BACKWARD_SHAPES)
    for field, value in zip(_CACHE_FIELDS, cache[:6]):
        shape = ("n_x", "m") if field == "xt" else ("n_a", "m")
        label = f"{field} in {name}"
        check_shape(label, as_float_array(label, value, shape=shape), shape, dims)
    return dims


def gru_cell_backward_step(da_next, cache):
    """One GRU step backwards without input checks (callers check once per sequence).

    Same arguments and result as ``gru_cell_backward``: da_next (n_a, m) and a
    cache of ``gru_cell_forward``; returns dxt, da_prev and every gate's dW, db.
    """
    a_next, a_prev, ut, rt, cct, xt, parameters = cache
    p = parameters
    n_a = a_prev.shape[0]
    concat = np.concatenate((a_prev, xt), axis=0)        # [a_prev; xt]
    concat_r = np.concatenate((rt * a_prev, xt), axis=0)  # [Γr ⊙ a_prev; xt]
    dz_c = da_next * ut * (1 - cct ** 2)               # candidate, through its tanh
    dz_u = da_next * (cct - a_prev) * ut * (1 - ut)    # update gate, through its σ
    dconcat_r = p["Wc"].T @ dz_c                       # to [Γr ⊙ a_prev; xt]
    dra = dconcat_r[:n_a]                              # reaches Γr ⊙ a_prev
    dz_r = dra * a_prev * rt * (1 - rt)                # reset gate, through its σ
    dconcat = p["Wu"].T @ dz_u + p["Wr"].T @ dz_r      # both gates read concat
    gradients = {
        "dxt": dconcat[n_a:] + dconcat_r[n_a:],        # via the gates and c̃
        "da_prev": (da_next * (1 - ut)                 # kept through 1 - Γu,
                    + dconcat[:n_a]                    # via the gates,
                    + dra * rt),                       # via Γr ⊙ a_prev in c̃
    }
    for (W, b, _), dz, inputs in zip(GRU_GATES, (dz_u, dz_r, dz_c),
                                     (concat, concat, concat_r)):
        gradients["d" + W] = dz @ inputs.T             # gate weights (n_a, n_a + n_x)
        gradients["d" + b] = dz.sum(axis=1, keepdims=True)  # bias: sum over examples
    return gradients


def gru_cell_backward(da_next, cache):
    """Backward pass through one GRU step.

    Arguments:
    da_next -- gradient of the loss with respect to a_next, shape (n_a, m)
    cache -- (a_next, a_prev, ut, rt, cct, xt, parameters), as returned by
             gru_cell_forward

    Returns a dict of gradients:
    dxt (n_x, m), da_prev (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x) and
    dbu, dbr, dbc (n_a, 1), in the order dxt, da_prev, dWu, dbu, dWr, dbr,
    dWc, dbc.

    Raises TypeError for a cache of the wrong kind, ValueError for a da_next
    whose shape does not match the cache or that holds NaN/inf.
    """
    dims = _check_gru_cache(cache)
    da_next = as_float_array("da_next", da_next, shape=("n_a", "m"))
    check_shape("da_next", da_next, ("n_a", "m"), dims)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        gradients = gru_cell_backward_step(da_next, cache)
    check_finite_gradients(gradients, "gru_cell_backward")
    return gradients


def gru_backward(da, caches):
    """Backpropagation through time over a whole GRU sequence.

    Arguments:
    da -- gradient of the loss with respect to the hidden states, shape
          (n_a, m, T_x): da[:, :, t] is what the loss sends to a<t+1>
          directly. T_x is taken from da, so a shorter da back-propagates
          through the first T_x steps only.
    caches -- (list_of_step_caches, x), as returned by gru_forward

    Returns a dict of gradients:
    dx (n_x, m, T_x), da0 (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x),
    dbu, dbr, dbc (n_a, 1).

    At step t the cell receives da[:, :, t] plus da_prev from step t+1: the
    hidden state feeds both the output and the next step, so both gradients
    add up. da0 is the da_prev that leaves the first step.
    """
    step_caches = check_sequence_caches(caches, "gru_forward", 7)
    dims = _check_gru_cache(step_caches[0], "caches[0][0]")
    da = as_float_array("da", da, shape=("n_a", "m", "T_x"))
    check_shape("da", da, ("n_a", "m", "T_x"), dims)
    check_da_steps(da, step_caches, "gru_forward")
    n_a, m, T_x = da.shape
    n_x = dims["n_x"]
    gradients = {"dx": np.zeros((n_x, m, T_x)), "da0": None}
    for W, b, _ in GRU_GATES:
        gradients["d" + W] = np.zeros((n_a, n_a + n_x))
        gradients["d" + b] = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))                      # nothing comes after step T_x
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        for t in reversed(range(T_x)):
            step = gru_cell_backward_step(da[:, :, t] + da_prevt, step_caches[t])
            gradients["dx"][:, :, t] = step["dxt"]     # each x<t> is used once
            for W, b, _ in GRU_GATES:                  # weights are shared by all
                gradients["d" + W] += step["d" + W]    # steps: their gradients add
                gradients["d" + b] += step["d" + b]
            da_prevt = step["da_prev"]                 # carried to step t-1
    gradients["da0"] = da_prevt
    check_finite_gradients(gradients, "gru_backward")
    return gradients
