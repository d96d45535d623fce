"""The basic RNN: one cell step and the forward pass (chapter 1, eqs. (1.1)-(1.2)).

    a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)
    ŷ<t> = softmax(Wya a<t> + by)

Columns are examples: x<t> is (n_x, m), a<t> is (n_a, m), ŷ<t> is (n_y, m).
"""

import numpy as np

from .activations import softmax_unchecked
from .validation import as_float_array, check_parameters, check_shape

# Shape of every RNN parameter, in symbols; the order fixes which array's
# size the others are compared with in error messages.
RNN_PARAMETER_SHAPES = {
    "Wax": ("n_a", "n_x"),
    "Waa": ("n_a", "n_a"),
    "Wya": ("n_y", "n_a"),
    "ba": ("n_a", 1),
    "by": ("n_y", 1),
}


def _check_rnn_inputs(x_name, x, x_shape, a_prev_name, a_prev, parameters):
    """Check parameters, input and previous hidden state once; return arrays."""
    dims = check_parameters(parameters, RNN_PARAMETER_SHAPES)
    x = as_float_array(x_name, x, shape=x_shape)
    check_shape(x_name, x, x_shape, dims)              # learns m (and T_x)
    a_prev = as_float_array(a_prev_name, a_prev, shape=("n_a", "m"))
    check_shape(a_prev_name, a_prev, ("n_a", "m"), dims)
    return x, a_prev


def rnn_cell_step(xt, a_prev, parameters):
    """One RNN step without input checks: the mathematics of ``rnn_cell_forward``.

    Arguments and results are those of ``rnn_cell_forward``: xt (n_x, m),
    a_prev (n_a, m), parameters Wax, Waa, Wya, ba, by; returns a_next (n_a, m),
    yt_pred (n_y, m) and cache = (a_next, a_prev, xt, parameters). Nothing is
    checked, so a wrong shape fails with numpy's own error: callers check once
    per sequence (as ``rnn_forward`` does) and then call this at every step.
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)     # new hidden state (n_a, m)
    yt_pred = softmax_unchecked(Wya @ a_next + by)              # class probabilities (n_y, m)
    cache = (a_next, a_prev, xt, parameters)           # what the backward step needs
    return a_next, yt_pred, cache


def rnn_cell_forward(xt, a_prev, parameters):
    """One time step of the RNN.

    Arguments:
    xt -- input at time t, shape (n_x, m)
    a_prev -- hidden state at time t-1, shape (n_a, m)
    parameters -- dict with
        Wax (n_a, n_x): weights of the input,
        Waa (n_a, n_a): weights of the previous hidden state,
        Wya (n_y, n_a): weights from hidden state to output,
        ba (n_a, 1): hidden bias, by (n_y, 1): output bias

    Returns:
    a_next -- hidden state at time t, shape (n_a, m)
    yt_pred -- prediction softmax(Wya a_next + by), shape (n_y, m)
    cache -- (a_next, a_prev, xt, parameters), for rnn_cell_backward

    Raises TypeError/ValueError/KeyError naming the argument or parameter key
    for missing keys, non-numeric arrays, NaN/inf or mismatched shapes.
    """
    xt, a_prev = _check_rnn_inputs("xt", xt, ("n_x", "m"), "a_prev", a_prev, parameters)
    return rnn_cell_step(xt, a_prev, parameters)


def rnn_forward(x, a0, parameters):
    """Run the RNN over a whole sequence, starting from the hidden state a0.

    Arguments:
    x -- inputs for every time step, shape (n_x, m, T_x)
    a0 -- initial hidden state a<0>, shape (n_a, m)
    parameters -- dict with Wax, Waa, Wya, ba, by as in ``rnn_cell_forward``

    Returns:
    a -- hidden states a<1> ... a<T_x>, shape (n_a, m, T_x)
    y_pred -- predictions ŷ<1> ... ŷ<T_x>, shape (n_y, m, T_x)
    caches -- (list of the T_x step caches, x), for rnn_backward

    Inputs are checked once here; the steps then run unchecked.
    """
    x, a0 = _check_rnn_inputs("x", x, ("n_x", "m", "T_x"), "a0", a0, parameters)
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    dtype = np.result_type(x, a0, *(parameters[k] for k in RNN_PARAMETER_SHAPES))
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    y_pred = np.zeros((n_y, m, T_x), dtype=dtype)
    step_caches = []
    a_next = a0                                        # the first step starts from a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_step(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        step_caches.append(cache)
    return a, y_pred, (step_caches, x)
