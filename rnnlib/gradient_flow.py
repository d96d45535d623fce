"""How much gradient reaches each hidden state: vanishing and exploding, measured.

Suppose the loss depends on the last hidden state a<T_x> only, through the
upstream gradient ``da_last`` = ∂L/∂a<T_x>. Walking back one step multiplies
that gradient by the step's Jacobian (for the RNN, Waa.T diag(1 - a<t>**2)), so
after k steps it has been multiplied k times. ``hidden_gradient_norms`` records
its size ||∂L/∂a<T_x - k>|| at every distance k: a straight line on a log scale
means the same factor at every step (vanishing if below 1, exploding if above).
"""

import numpy as np

from .cells import CELLS, cell_of
from .gru_backward import gru_cell_backward
from .lstm_backward import lstm_cell_backward
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
    kind = cell_of(parameters)                      # "rnn", "lstm" or "gru"
    result = CELLS[kind].forward(x, a0, parameters)
    a, caches = result[0], result[-1]
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
        if kind == "lstm":
            g = lstm_cell_backward(da, dc, step_caches[t])
            da, dc = g["da_prev"], g["dc_prev"]     # both carried to the step before
        else:                                       # one state: a<t>
            backward = rnn_cell_backward if kind == "rnn" else gru_cell_backward
            da = backward(da, step_caches[t])["da_prev"]
        norms[k] = np.linalg.norm(da)               # ∂L/∂a<T_x - k>
    return norms
