"""Random parameters and inputs shared by the core maths tests (not a test file)."""

import numpy as np

from rnnlib import (initialize_gru_parameters, initialize_lstm_parameters,
                    initialize_rnn_parameters)


def rnn_parameters(rng, n_x, n_a, n_y, scale=0.5):
    """RNN parameters with weights of a useful size and non-zero biases."""
    p = initialize_rnn_parameters(n_x, n_a, n_y, rng, scale=scale)
    p["ba"] = rng.standard_normal((n_a, 1)) * scale
    p["by"] = rng.standard_normal((n_y, 1)) * scale
    return p


def lstm_parameters(rng, n_x, n_a, n_y, scale=0.5):
    """LSTM parameters with weights of a useful size and non-zero biases."""
    p = initialize_lstm_parameters(n_x, n_a, n_y, rng, scale=scale)
    for key in ("bf", "bi", "bc", "bo"):
        p[key] = rng.standard_normal((n_a, 1)) * scale
    p["by"] = rng.standard_normal((n_y, 1)) * scale
    return p


def gru_parameters(rng, n_x, n_a, n_y, scale=0.5):
    """GRU parameters with weights of a useful size and non-zero biases."""
    p = initialize_gru_parameters(n_x, n_a, n_y, rng, scale=scale)
    for key in ("bu", "br", "bc"):
        p[key] = rng.standard_normal((n_a, 1)) * scale
    p["by"] = rng.standard_normal((n_y, 1)) * scale
    return p
