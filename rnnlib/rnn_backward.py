"""Backpropagation through time for the basic RNN (chapter 3, eqs. (3.4)-(3.7)).

The forward step was a<t> = tanh(Waa a<t-1> + Wax x<t> + ba). Going back,
with da_next the gradient of the loss with respect to a<t>:

    dtanh   = (1 - a<t>**2) * da_next       gradient at the tanh input
    dxt     = Wax.T dtanh,   dWax = dtanh x<t>.T
    da_prev = Waa.T dtanh,   dWaa = dtanh a<t-1>.T
    dba     = dtanh summed over the examples (columns)

The output layer (Wya, by) is not part of these functions: they take the
gradient of the hidden states, however the loss produced it.
Columns are examples: da_next is (n_a, m), a whole da is (n_a, m, T_x).
"""

import numpy as np

from .validation import (as_float_array, check_da_steps, check_finite_gradients,
                         check_parameters, check_sequence_caches, check_shape,
                         describe_value)

# The parameters the backward step reads, in symbols.
_BACKWARD_SHAPES = {"Wax": ("n_a", "n_x"), "Waa": ("n_a", "n_a")}


def _check_rnn_cache(cache, name="cache"):
    """Check one step cache (a_next, a_prev, xt, parameters); return its Dims."""
    if not isinstance(cache, tuple) or len(cache) != 4:
        if isinstance(cache, tuple) and len(cache) == 10:
            raise TypeError(f"{name} has 10 entries, like an LSTM cache; the RNN needs "
                            "the cache of rnn_cell_forward: (a_next, a_prev, xt, "
                            "parameters)")
        raise TypeError(f"{name} must be the tuple (a_next, a_prev, xt, parameters) "
                        f"returned by rnn_cell_forward; got {describe_value(cache)}")
    a_next, a_prev, xt, parameters = cache
    dims = check_parameters(parameters, _BACKWARD_SHAPES)
    fields = (("xt", xt, ("n_x", "m")), ("a_prev", a_prev, ("n_a", "m")),
              ("a_next", a_next, ("n_a", "m")))
    for field, value, shape in fields:
        label = f"{field} in {name}"
        check_shape(label, as_float_array(label, value, shape=shape), shape, dims)
    return dims


def rnn_cell_backward_step(da_next, cache):
    """One backward step without input checks: the mathematics of ``rnn_cell_backward``.

    Arguments and results are those of ``rnn_cell_backward``: da_next (n_a, m)
    and the cache of ``rnn_cell_forward``; returns dxt (n_x, m), da_prev
    (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1). Nothing is
    checked: callers check once per sequence, as ``rnn_backward`` does.
    """
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dtanh = (1 - a_next ** 2) * da_next                # backprop through tanh (n_a, m)
    dxt = Wax.T @ dtanh                                # to the input (n_x, m)
    dWax = dtanh @ xt.T                                # input weights (n_a, n_x)
    da_prev = Waa.T @ dtanh                            # to the previous state (n_a, m)
    dWaa = dtanh @ a_prev.T                            # recurrent weights (n_a, n_a)
    dba = dtanh.sum(axis=1, keepdims=True)             # bias: sum over examples
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def rnn_cell_backward(da_next, cache):
    """Backward pass through one RNN step.

    Arguments:
    da_next -- gradient of the loss with respect to a_next, shape (n_a, m)
    cache -- (a_next, a_prev, xt, parameters), as returned by rnn_cell_forward

    Returns a dict of gradients:
    dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)

    Raises TypeError for a cache of the wrong kind, ValueError for a da_next
    whose shape does not match the cache or that holds NaN/inf.
    """
    dims = _check_rnn_cache(cache)
    da_next = as_float_array("da_next", da_next, shape=("n_a", "m"))
    check_shape("da_next", da_next, ("n_a", "m"), dims)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        gradients = rnn_cell_backward_step(da_next, cache)
    check_finite_gradients(gradients, "rnn_cell_backward")
    return gradients


def rnn_backward(da, caches):
    """Backpropagation through time over a whole RNN sequence.

    Arguments:
    da -- gradient of the loss with respect to the hidden states, shape
          (n_a, m, T_x): da[:, :, t] is what the loss sends to a<t+1> directly
          (e.g. through the output layer). T_x is taken from da, so a
          shorter da back-propagates through the first T_x steps only.
    caches -- (list_of_step_caches, x), as returned by rnn_forward

    Returns a dict of gradients:
    dx (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)

    At step t the cell receives da[:, :, t] plus da_prev from step t+1: the
    hidden state feeds both the output and the next step, so both gradients
    add up. da0 is the da_prev that leaves the first step.
    """
    step_caches = check_sequence_caches(caches, "rnn_forward", 4)
    dims = _check_rnn_cache(step_caches[0], "caches[0][0]")
    da = as_float_array("da", da, shape=("n_a", "m", "T_x"))
    check_shape("da", da, ("n_a", "m", "T_x"), dims)
    check_da_steps(da, step_caches, "rnn_forward")
    n_a, m, T_x = da.shape
    n_x = dims["n_x"]
    parameters = step_caches[0][3]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros_like(parameters["Wax"], dtype=float)
    dWaa = np.zeros_like(parameters["Waa"], dtype=float)
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))                      # nothing comes after step T_x
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        for t in reversed(range(T_x)):
            step = rnn_cell_backward_step(da[:, :, t] + da_prevt, step_caches[t])
            dx[:, :, t] = step["dxt"]                  # each x<t> is used once
            dWax += step["dWax"]                       # weights are shared by all
            dWaa += step["dWaa"]                       # steps: their gradients add
            dba += step["dba"]
            da_prevt = step["da_prev"]                 # carried to step t-1
    gradients = {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    check_finite_gradients(gradients, "rnn_backward")
    return gradients
