"""How much gradient reaches each hidden state: vanishing and exploding, measured.

Suppose the loss depends on the last hidden state a<T_x> only, through the
upstream gradient ``da_last`` = ∂L/∂a<T_x>. Walking back one step multiplies
that gradient by the step's Jacobian (for the RNN, Waa.T diag(1 - a<t>**2)), so
after k steps it has been multiplied k times. ``hidden_gradient_norms`` records
its size ||∂L/∂a<T_x - k>|| at every distance k: a straight line on a log scale
means the same factor at every step (vanishing if below 1, exploding if above).
"""

import numpy as np

from .gru import gru_forward
from .gru_backward import gru_cell_backward
from .lstm import lstm_forward
from .lstm_backward import lstm_cell_backward
from .rnn import rnn_forward
from .rnn_backward import rnn_cell_backward
from .validation import as_float_array, check_shape, Dims

__all__ = ["hidden_gradient_norms"]


def hidden_gradient_norms(x, a0, parameters, da_last=None):
    """Norm of ∂L/∂a<t> at every distance from a loss on the last hidden state.

    Arguments:
    x -- inputs, shape (n_x, m, T_x)
    a0 -- initial hidden state, shape (n_a, m)
    parameters -- RNN parameters (with "Waa": see ``rnn_forward``), LSTM
                  parameters (with "Wf": see ``lstm_forward``) or GRU
                  parameters (with "Wu": see ``gru_forward``); the kind is
                  recognised from the keys
    da_last -- ∂L/∂a<T_x>, shape (n_a, m): the gradient the loss sends to the
               last hidden state. Default: every entry 1 / sqrt(n_a * m), a
               gradient of norm 1.

    Returns a float array ``norms`` of shape (T_x + 1,): ``norms[k]`` is the
    Frobenius norm of ∂L/∂a<T_x - k>, the gradient k steps before the last
    state (so ``norms[0]`` is ||da_last|| and ``norms[T_x]`` is ||∂L/∂a0||).
    For the LSTM the gradient also flows back through the memory cells; these
    are the norms of the hidden-state part, da_prev, at each step.
    """
    if not isinstance(parameters, dict):
        raise TypeError("parameters must be a dict of RNN, LSTM or GRU parameters; got "
                        f"{type(parameters).__name__}")
    if "Waa" in parameters:
        a, _, caches = rnn_forward(x, a0, parameters)
    elif "Wf" in parameters:
        a, _, _, caches = lstm_forward(x, a0, parameters)
    elif "Wu" in parameters:
        a, _, caches = gru_forward(x, a0, parameters)
    else:
        raise KeyError("parameters must be RNN parameters (with 'Waa'), LSTM "
                       "parameters (with 'Wf') or GRU parameters (with 'Wu'); it "
                       f"has keys {sorted(parameters)}")
    n_a, m, T_x = a.shape
    if da_last is None:
        da_last = np.full((n_a, m), 1.0 / np.sqrt(n_a * m))
    dims = Dims()
    dims.learn("n_a", n_a, "the hidden state")
    dims.learn("m", m, "x")
    da_last = as_float_array("da_last", da_last, shape=("n_a", "m"))
    check_shape("da_last", da_last, ("n_a", "m"), dims)

    step_caches = caches[0]
    norms = np.empty(T_x + 1)
    da = da_last                                    # ∂L/∂a<T_x>
    dc = np.zeros((n_a, m))                         # the loss does not see c<T_x>
    norms[0] = np.linalg.norm(da)
    for k, t in enumerate(reversed(range(T_x)), start=1):
        if "Waa" in parameters:
            da = rnn_cell_backward(da, step_caches[t])["da_prev"]
        elif "Wu" in parameters:                    # the GRU has one state
            da = gru_cell_backward(da, step_caches[t])["da_prev"]
        else:
            g = lstm_cell_backward(da, dc, step_caches[t])
            da, dc = g["da_prev"], g["dc_prev"]     # both carried to the step before
        norms[k] = np.linalg.norm(da)               # ∂L/∂a<T_x - k>
    return norms
