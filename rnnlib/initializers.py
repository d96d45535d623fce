"""Starting values for the parameters of the RNN, the LSTM and the GRU.

Choice: every weight is drawn from a normal distribution with standard
deviation ``scale`` (0.01 by default, as in the classic course) and every
bias starts at zero. Small weights keep tanh and the gates in their nearly
linear range at the start and make the first softmax almost uniform, so the
first loss of a language model is close to ln(vocabulary size) per character.
Draws come from an explicit ``np.random.Generator`` (or an int seed), so a
seed reproduces them exactly; weights are drawn in the order they are listed in the result.
"""

import numpy as np

from .validation import as_generator, check_number


def _check_sizes_and_rng(n_x, n_a, n_y, rng, scale):
    """Check sizes (ints >= 1) and scale (> 0); return the Generator to draw from."""
    for name, size in (("n_x", n_x), ("n_a", n_a), ("n_y", n_y)):
        check_number(name, size, 1, integer=True)
    check_number("scale", scale, 0, low_open=True)
    return as_generator(rng)


def initialize_rnn_parameters(n_x, n_a, n_y, rng, scale=0.01):
    """Random small weights and zero biases for the RNN of chapter 1.

    Arguments:
    n_x -- size of one input vector x<t> (e.g. the vocabulary size)
    n_a -- number of hidden units
    n_y -- size of one output vector y<t>
    rng -- a ``np.random.Generator``, or an int seed (``as_generator``)
    scale -- standard deviation of the weights (default 0.01)

    Returns a dict of float64 arrays:
    Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    """
    rng = _check_sizes_and_rng(n_x, n_a, n_y, rng, scale)
    return {
        "Wax": rng.standard_normal((n_a, n_x)) * scale,  # input -> hidden
        "Waa": rng.standard_normal((n_a, n_a)) * scale,  # hidden -> hidden
        "Wya": rng.standard_normal((n_y, n_a)) * scale,  # hidden -> output
        "ba": np.zeros((n_a, 1)),                        # hidden bias
        "by": np.zeros((n_y, 1)),                        # output bias
    }


def initialize_lstm_parameters(n_x, n_a, n_y, rng, scale=0.01):
    """Random small weights and zero biases for the LSTM of chapter 2.

    Arguments:
    n_x, n_a, n_y, rng, scale -- as for ``initialize_rnn_parameters``

    Returns a dict of float64 arrays: Wf, Wi, Wc, Wo each (n_a, n_a + n_x)
    (they act on concat = [a_prev; xt]), bf, bi, bc, bo each (n_a, 1),
    Wy (n_y, n_a) and by (n_y, 1).

    With zero biases every gate starts near sigmoid(0) = 0.5, so the memory
    cell keeps about half of its content per step at first. A forget-gate
    bias of 1 (remember more at the start) is a common alternative; set
    ``parameters["bf"][:] = 1.0`` after this call to try it.
    """
    rng = _check_sizes_and_rng(n_x, n_a, n_y, rng, scale)
    n_concat = n_a + n_x
    return {
        "Wf": rng.standard_normal((n_a, n_concat)) * scale,  # forget gate
        "bf": np.zeros((n_a, 1)),
        "Wi": rng.standard_normal((n_a, n_concat)) * scale,  # update (input) gate
        "bi": np.zeros((n_a, 1)),
        "Wc": rng.standard_normal((n_a, n_concat)) * scale,  # candidate memory
        "bc": np.zeros((n_a, 1)),
        "Wo": rng.standard_normal((n_a, n_concat)) * scale,  # output gate
        "bo": np.zeros((n_a, 1)),
        "Wy": rng.standard_normal((n_y, n_a)) * scale,       # hidden -> output
        "by": np.zeros((n_y, 1)),
    }


def initialize_gru_parameters(n_x, n_a, n_y, rng, scale=0.01):
    """Random small weights and zero biases for the GRU of chapter 4.

    Arguments:
    n_x, n_a, n_y, rng, scale -- as for ``initialize_rnn_parameters``

    Returns a dict of float64 arrays: Wu, Wr, Wc each (n_a, n_a + n_x)
    (Wu and Wr act on [a_prev; xt], Wc on [Γr * a_prev; xt]), bu, br, bc
    each (n_a, 1), Wy (n_y, n_a) and by (n_y, 1).

    With zero biases both gates start near sigmoid(0) = 0.5: each step keeps
    about half of the old hidden state and takes half of the candidate.
    """
    rng = _check_sizes_and_rng(n_x, n_a, n_y, rng, scale)
    n_concat = n_a + n_x
    return {
        "Wu": rng.standard_normal((n_a, n_concat)) * scale,  # update gate
        "bu": np.zeros((n_a, 1)),
        "Wr": rng.standard_normal((n_a, n_concat)) * scale,  # reset gate
        "br": np.zeros((n_a, 1)),
        "Wc": rng.standard_normal((n_a, n_concat)) * scale,  # candidate
        "bc": np.zeros((n_a, 1)),
        "Wy": rng.standard_normal((n_y, n_a)) * scale,       # hidden -> output
        "by": np.zeros((n_y, 1)),
    }
