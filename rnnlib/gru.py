"""The GRU: one cell step and the forward pass over a sequence (chapter 4).

The gated recurrent unit of Cho et al. (2014), in the form with a reset
(relevance) gate, where the hidden state a<t> doubles as the memory; eqs.
(4.1)-(4.5). With concat = [a<t-1>; x<t>] (hidden state on top), of shape
(n_a + n_x, m):

    Γu = σ(Wu concat + bu)                    update gate     -> ut
    Γr = σ(Wr concat + br)                    reset gate      -> rt
    c̃  = tanh(Wc [Γr * a<t-1>; x<t>] + bc)    candidate       -> cct
    a<t> = Γu * c̃ + (1 - Γu) * a<t-1>         hidden state    -> a_next
    ŷ<t> = softmax(Wy a<t> + by)              prediction      -> yt_pred

The reset gate acts on a<t-1> *before* the product with Wc. PyTorch's
``nn.GRU`` applies it after the product (r * (W_hn h + b_hn)), and some texts
write a<t> = Γ * a<t-1> + (1 - Γ) * c̃ (the update gate's role flipped): the
same idea, not the same function.

Columns are examples: x<t> is (n_x, m); a<t>, c̃ and both gates are (n_a, m).
"""

import numpy as np

from .activations import sigmoid_unchecked, softmax_unchecked
from .validation import as_float_array, check_parameters, check_shape

# Shape of every GRU parameter, in symbols ("n_a + n_x" is the concat size).
GRU_PARAMETER_SHAPES = {
    "Wu": ("n_a", "n_a + n_x"),
    "bu": ("n_a", 1),
    "Wr": ("n_a", "n_a + n_x"),
    "br": ("n_a", 1),
    "Wc": ("n_a", "n_a + n_x"),
    "bc": ("n_a", 1),
    "Wy": ("n_y", "n_a"),
    "by": ("n_y", 1),
}

# The gates in one place: (weight key, bias key, name in the cache).
GRU_GATES = (("Wu", "bu", "ut"), ("Wr", "br", "rt"), ("Wc", "bc", "cct"))


def _check_gru_inputs(x_name, x, x_shape, a_prev_name, a_prev, parameters):
    """Check parameters, input and previous hidden state once; return arrays."""
    dims = check_parameters(parameters, GRU_PARAMETER_SHAPES)
    x = as_float_array(x_name, x, shape=x_shape)
    check_shape(x_name, x, x_shape, dims)              # learns m (and T_x)
    a_prev = as_float_array(a_prev_name, a_prev, shape=("n_a", "m"))
    check_shape(a_prev_name, a_prev, ("n_a", "m"), dims)
    return x, a_prev


def gru_cell_step(xt, a_prev, parameters):
    """One GRU step without input checks (callers check once per sequence).

    Same arguments and results as ``gru_cell_forward``; for inner loops whose
    inputs were already checked (the forward pass, the name model, the book).
    """
    p = parameters
    concat = np.concatenate((a_prev, xt), axis=0)      # [a_prev; xt], (n_a + n_x, m)
    ut = sigmoid_unchecked(p["Wu"] @ concat + p["bu"])           # update gate Γu
    rt = sigmoid_unchecked(p["Wr"] @ concat + p["br"])           # reset gate Γr
    concat_r = np.concatenate((rt * a_prev, xt), axis=0)  # [Γr * a_prev; xt]
    cct = np.tanh(p["Wc"] @ concat_r + p["bc"])         # candidate c̃
    a_next = ut * cct + (1 - ut) * a_prev               # mix new and old by Γu
    yt_pred = softmax_unchecked(p["Wy"] @ a_next + p["by"])  # probabilities (n_y, m)
    cache = (a_next, a_prev, ut, rt, cct, xt, parameters)
    return a_next, yt_pred, cache


def gru_cell_forward(xt, a_prev, parameters):
    """One time step of the GRU.

    Arguments:
    xt -- input at time t, shape (n_x, m)
    a_prev -- hidden state at time t-1, shape (n_a, m)
    parameters -- dict with
        Wu, Wr (n_a, n_a + n_x): weights of the update and reset gates,
            acting on [a_prev; xt],
        Wc (n_a, n_a + n_x): weights of the candidate, acting on
            [Γr * a_prev; xt],
        bu, br, bc (n_a, 1): their biases,
        Wy (n_y, n_a), by (n_y, 1): the output layer

    Returns:
    a_next -- hidden state at time t, shape (n_a, m)
    yt_pred -- prediction softmax(Wy a_next + by), shape (n_y, m)
    cache -- (a_next, a_prev, ut, rt, cct, xt, parameters), for
             gru_cell_backward; ut, rt, cct are Γu, Γr, c̃ (n_a, m)

    Raises TypeError/ValueError/KeyError naming the argument or parameter key
    for missing keys, non-numeric arrays, NaN/inf or mismatched shapes.
    """
    xt, a_prev = _check_gru_inputs("xt", xt, ("n_x", "m"), "a_prev", a_prev, parameters)
    return gru_cell_step(xt, a_prev, parameters)


def gru_forward(x, a0, parameters):
    """Run the GRU over a whole sequence, starting from the hidden state a0.

    Arguments:
    x -- inputs for every time step, shape (n_x, m, T_x)
    a0 -- initial hidden state a<0>, shape (n_a, m)
    parameters -- dict as in ``gru_cell_forward``

    Returns:
    a -- hidden states a<1> ... a<T_x>, shape (n_a, m, T_x)
    y -- predictions ŷ<1> ... ŷ<T_x>, shape (n_y, m, T_x)
    caches -- (list of the T_x step caches, x), for gru_backward

    Inputs are checked once here; the steps then run unchecked.
    """
    x, a0 = _check_gru_inputs("x", x, ("n_x", "m", "T_x"), "a0", a0, parameters)
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    dtype = np.result_type(x, a0, *(parameters[k] for k in GRU_PARAMETER_SHAPES))
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    y = np.zeros((n_y, m, T_x), dtype=dtype)
    step_caches = []
    a_next = a0                                        # the first step starts from a0
    for t in range(T_x):
        a_next, yt, cache = gru_cell_step(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y[:, :, t] = yt
        step_caches.append(cache)
    return a, y, (step_caches, x)
