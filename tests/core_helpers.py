"""Random parameters shared by the core maths tests (not a test file).

Every builder is ``rnnlib.cells.random_parameters``: weights and biases all
non-zero, so that a bias summed over the wrong axis shows.
"""

from rnnlib.cells import random_parameters


def rnn_parameters(rng, n_x, n_a, n_y, scale=0.5):
    """RNN parameters with weights of a useful size and non-zero biases."""
    return random_parameters("rnn", n_x, n_a, n_y, rng, scale)


def lstm_parameters(rng, n_x, n_a, n_y, scale=0.5):
    """LSTM parameters with weights of a useful size and non-zero biases."""
    return random_parameters("lstm", n_x, n_a, n_y, rng, scale)


def gru_parameters(rng, n_x, n_a, n_y, scale=0.5):
    """GRU parameters with weights of a useful size and non-zero biases."""
    return random_parameters("gru", n_x, n_a, n_y, rng, scale)
