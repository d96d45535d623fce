"""The LSTM: one cell step and the forward pass (chapter 2, eqs. (2.1)-(2.7)).

With concat = [a<t-1>; x<t>] (hidden state on top), shape (n_a + n_x, m):

    Γf = σ(Wf concat + bf)          forget gate          -> ft
    Γi = σ(Wi concat + bi)          update (input) gate  -> it
    c̃  = tanh(Wc concat + bc)       candidate memory     -> cct
    c<t> = Γf * c<t-1> + Γi * c̃     memory cell          -> c_next
    Γo = σ(Wo concat + bo)          output gate          -> ot
    a<t> = Γo * tanh(c<t>)          hidden state         -> a_next
    ŷ<t> = softmax(Wy a<t> + by)    prediction           -> yt_pred

Columns are examples: x<t> is (n_x, m); a<t>, c<t> and every gate are (n_a, m).
"""

import numpy as np

from .activations import sigmoid_unchecked, softmax_unchecked
from .validation import as_float_array, check_parameters, check_shape

# The gates (and the candidate memory c̃), in the order of the equations above:
# (name, weight key, bias key). Every list of gate parameters is built from this.
LSTM_GATES = (("forget", "Wf", "bf"), ("update", "Wi", "bi"),
              ("candidate", "Wc", "bc"), ("output", "Wo", "bo"))

# Shape of every LSTM parameter, in symbols ("n_a + n_x" is the concat size).
# Wf, bf, Wi, bi, Wc, bc, Wo, bo (each gate acts on concat), then Wy, by.
LSTM_PARAMETER_SHAPES = {}
for _, _weight, _bias in LSTM_GATES:
    LSTM_PARAMETER_SHAPES[_weight] = ("n_a", "n_a + n_x")
    LSTM_PARAMETER_SHAPES[_bias] = ("n_a", 1)
LSTM_PARAMETER_SHAPES.update({"Wy": ("n_y", "n_a"), "by": ("n_y", 1)})
del _weight, _bias


def _check_lstm_parameters_and_x(x_name, x, x_shape, parameters):
    """Check the parameters and the input once; return (x, dims)."""
    dims = check_parameters(parameters, LSTM_PARAMETER_SHAPES)
    x = as_float_array(x_name, x, shape=x_shape)
    check_shape(x_name, x, x_shape, dims)              # learns m (and T_x)
    return x, dims


def _check_state(name, state, dims):
    """Check a hidden or memory state of shape (n_a, m); return it as an array."""
    state = as_float_array(name, state, shape=("n_a", "m"))
    check_shape(name, state, ("n_a", "m"), dims)
    return state


def lstm_cell_step(xt, a_prev, c_prev, parameters):
    """One LSTM step without input checks: the mathematics of ``lstm_cell_forward``.

    Arguments and results are those of ``lstm_cell_forward``: xt (n_x, m),
    a_prev and c_prev (n_a, m), the LSTM parameters; returns a_next (n_a, m),
    c_next (n_a, m), yt_pred (n_y, m) and the cache. Nothing is checked, so a
    wrong shape fails with numpy's own error: callers check once per sequence
    (as ``lstm_forward`` does) and then call this at every step.
    """
    p = parameters
    concat = np.concatenate((a_prev, xt), axis=0)      # [a_prev; xt], (n_a + n_x, m)
    ft = sigmoid_unchecked(p["Wf"] @ concat + p["bf"])           # forget gate Γf
    it = sigmoid_unchecked(p["Wi"] @ concat + p["bi"])           # update gate Γi
    cct = np.tanh(p["Wc"] @ concat + p["bc"])           # candidate memory c̃
    c_next = ft * c_prev + it * cct                     # keep some old, add some new
    ot = sigmoid_unchecked(p["Wo"] @ concat + p["bo"])           # output gate Γo
    a_next = ot * np.tanh(c_next)                       # hidden state shows part of c
    yt_pred = softmax_unchecked(p["Wy"] @ a_next + p["by"])      # class probabilities (n_y, m)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One time step of the LSTM.

    Arguments:
    xt -- input at time t, shape (n_x, m)
    a_prev -- hidden state at time t-1, shape (n_a, m)
    c_prev -- memory cell at time t-1, shape (n_a, m)
    parameters -- dict with
        Wf, Wi, Wc, Wo (n_a, n_a + n_x): weights of the forget gate, update
            gate, candidate and output gate, acting on [a_prev; xt],
        bf, bi, bc, bo (n_a, 1): their biases,
        Wy (n_y, n_a), by (n_y, 1): the output layer

    Returns:
    a_next -- hidden state at time t, shape (n_a, m)
    c_next -- memory cell at time t, shape (n_a, m)
    yt_pred -- prediction softmax(Wy a_next + by), shape (n_y, m)
    cache -- (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters),
             for lstm_cell_backward; ft, it, cct, ot are Γf, Γi, c̃, Γo (n_a, m)

    Raises TypeError/ValueError/KeyError naming the argument or parameter key
    for missing keys, non-numeric arrays, NaN/inf or mismatched shapes.
    """
    xt, dims = _check_lstm_parameters_and_x("xt", xt, ("n_x", "m"), parameters)
    a_prev = _check_state("a_prev", a_prev, dims)
    c_prev = _check_state("c_prev", c_prev, dims)
    return lstm_cell_step(xt, a_prev, c_prev, parameters)


def lstm_forward(x, a0, parameters):
    """Run the LSTM over a whole sequence, starting from a0 and c<0> = 0.

    Arguments:
    x -- inputs for every time step, shape (n_x, m, T_x)
    a0 -- initial hidden state a<0>, shape (n_a, m)
    parameters -- dict as in ``lstm_cell_forward``

    Returns:
    a -- hidden states a<1> ... a<T_x>, shape (n_a, m, T_x)
    y -- predictions ŷ<1> ... ŷ<T_x>, shape (n_y, m, T_x)
    c -- memory cells c<1> ... c<T_x>, shape (n_a, m, T_x)
    caches -- (list of the T_x step caches, x), for lstm_backward

    Inputs are checked once here; the steps then run unchecked.
    """
    x, dims = _check_lstm_parameters_and_x("x", x, ("n_x", "m", "T_x"), parameters)
    a0 = _check_state("a0", a0, dims)
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    dtype = np.result_type(x, a0, *(parameters[k] for k in LSTM_PARAMETER_SHAPES))
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    c = np.zeros((n_a, m, T_x), dtype=dtype)
    y = np.zeros((n_y, m, T_x), dtype=dtype)
    step_caches = []
    a_next = a0                                         # the first step starts from a0
    c_next = np.zeros((n_a, m), dtype=dtype)            # and from an empty memory
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_step(x[:, :, t], a_next, c_next,
                                                   parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        step_caches.append(cache)
    return a, y, c, (step_caches, x)
