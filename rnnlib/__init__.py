"""rnnlib: recurrent neural networks from scratch in numpy.

The library of the book "Recurrent Neural Networks, Step by Step". Every public
name of the classic course's API is importable from here, e.g.
``from rnnlib import rnn_cell_forward``.

Layers (the README's layout table says the same):

* the core, ``rnnlib/*.py``: the mathematics of chapters 1 to 4 (activations,
  input checks, initializers, the cells' forward and backward passes, gradient
  checks, clipping, optimisers); numpy only, and it imports nothing above it;
* ``rnnlib.fast``: the fast engine of chapter 7 (imports the core only);
* ``rnnlib.checks``: the exercise checkers of the chapters;
* the applications: ``rnnlib.charlm``, the name model of chapter 5, and
  ``rnnlib.music``, chapter 6.

``import rnnlib`` loads the core only. The engine, the checkers, the
applications and the chapter-5 names re-exported here (``clip``, ``sample``,
``optimize``, ``model`` and the vocabulary) are imported on first use.
"""

import importlib

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

# Loaded on first use: subpackages above the core, and the chapter-5 names
# (name -> the module that defines it).
_LAZY_MODULES = ("fast", "checks", "charlm", "music")
_LAZY_NAMES = {
    **{name: "rnnlib.charlm.classic" for name in ("clip", "sample", "optimize", "model")},
    **{name: "rnnlib.charlm.vocab" for name in (
        "VOCAB", "VOCAB_SIZE", "char_to_ix", "ix_to_char", "encode", "decode",
        "make_example", "load_dinosaurs", "load_names", "split_names")},
}


def __getattr__(name):
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_MODULES) | set(_LAZY_NAMES))
