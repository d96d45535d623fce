"""Checkers for the book's exercises.

Each ``check_<function>(fn)`` runs your ``fn`` on several generated inputs,
compares it with the library's own function and, when they differ, says in plain
words what is wrong, naming the classic mistake when it recognises one.
On success it prints e.g. ``"rnn_forward: all 6 checks passed."``.

    from rnnlib.checks import check_rnn_cell_forward
    check_rnn_cell_forward(my_rnn_cell_forward)

``CheckFailed`` (an ``AssertionError``) is what a failed check raises.
"""

from ._core import CheckFailed
from .backward import (check_lstm_backward, check_lstm_cell_backward,
                       check_rnn_backward, check_rnn_cell_backward)
from .forward import (check_lstm_cell_forward, check_lstm_forward,
                      check_rnn_cell_forward, check_rnn_forward)
from .gru import (check_gru_backward, check_gru_cell_backward, check_gru_cell_forward,
                  check_gru_forward)

__all__ = ["CheckFailed", "check_rnn_cell_forward", "check_rnn_forward",
           "check_lstm_cell_forward", "check_lstm_forward",
           "check_rnn_cell_backward", "check_rnn_backward",
           "check_lstm_cell_backward", "check_lstm_backward",
           "check_gru_cell_forward", "check_gru_forward",
           "check_gru_cell_backward", "check_gru_backward"]
