"""rnnlib: recurrent neural networks from scratch in numpy.

The library of the book "Recurrent Neural Networks, Step by Step". Every public
name of the classic course's API is importable from here, e.g.
``from rnnlib import rnn_cell_forward``.
"""

# Core maths (activations, checks, initializers, RNN and LSTM forward passes).
from .activations import sigmoid, softmax
from .initializers import initialize_lstm_parameters, initialize_rnn_parameters
from .lstm import lstm_cell_forward, lstm_forward
from .rnn import rnn_cell_forward, rnn_forward
from .validation import as_float_array, check_parameters, check_shape

# Exercise checkers for the book (rnnlib.checks.check_rnn_cell_forward, ...).
from . import checks  # noqa: E402,F401
