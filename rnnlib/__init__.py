"""rnnlib: recurrent neural networks from scratch in numpy.

The library of the book "Recurrent Neural Networks, Step by Step". Every public
name of the classic course's API is importable from here, e.g.
``from rnnlib import rnn_cell_forward``.
"""

# Core maths: activations, input checks, initializers, RNN, LSTM and GRU forward
# and backward passes, finite-difference gradient checks.
from .activations import sigmoid, softmax
from .initializers import (initialize_gru_parameters, initialize_lstm_parameters,
                           initialize_rnn_parameters)
from .lstm import lstm_cell_forward, lstm_forward
from .rnn import rnn_cell_forward, rnn_forward
from .validation import as_float_array, check_parameters, check_shape
from .rnn_backward import rnn_backward, rnn_cell_backward
from .lstm_backward import lstm_backward, lstm_cell_backward
from .gru import gru_cell_forward, gru_forward
from .gru_backward import gru_backward, gru_cell_backward
from .gradcheck import (GradCheckReport, gradcheck_gru_backward,
                        gradcheck_gru_cell_backward, gradcheck_lstm_backward,
                        gradcheck_lstm_cell_backward, gradcheck_rnn_backward,
                        gradcheck_rnn_cell_backward, gradient_check, numerical_gradient)

# Chapter 5, dinosaur names: the vocabulary and the classic model
# (rnnlib.charlm and rnnlib.ngram stay submodules).
from .vocab import (VOCAB, VOCAB_SIZE, char_to_ix, decode, encode, ix_to_char,
                    load_dinosaurs, load_names, make_example, split_names)
from .classic import clip, model, optimize, sample

# Exercise checkers for the book (rnnlib.checks.check_rnn_cell_forward, ...).
from . import checks  # noqa: E402,F401
