"""Checkers for the book's exercises.

Each ``check_<function>(fn)`` runs your ``fn`` on several generated inputs,
compares it with the library's own function and, when they differ, says in plain
words what is wrong, naming the classic mistake when it recognises one.
On success it prints e.g. ``"rnn_forward: all 6 checks passed."``.

    from rnnlib.checks import check_rnn_cell_forward
    check_rnn_cell_forward(my_rnn_cell_forward)

``CheckFailed`` (an ``AssertionError``) is what a failed check raises. A
function that raises ``NotImplementedError`` (a stub of a student notebook) is
reported as not written yet, and the notebook runs on.

``all_checkers()`` finds every ``check_*`` function of every module of this
package, and ``catalogue(check)`` what one of them knows (its reference and its
classic mistakes): the catalogue test uses both, so a new checker module is
tested without being listed anywhere.
"""

import importlib
import pkgutil

from ._core import CheckFailed, catalogue
from .charlm import check_clip, check_model, check_optimize, check_sample
from .backward import (check_lstm_backward, check_lstm_cell_backward,
                       check_rnn_backward, check_rnn_cell_backward)
from .forward import (check_lstm_cell_forward, check_lstm_forward,
                      check_rnn_cell_forward, check_rnn_forward)
from .gru import (check_gru_backward, check_gru_cell_backward, check_gru_cell_forward,
                  check_gru_forward)
from .music import check_apply_temperature

__all__ = ["CheckFailed", "all_checkers", "catalogue",
           "check_rnn_cell_forward", "check_rnn_forward",
           "check_lstm_cell_forward", "check_lstm_forward",
           "check_rnn_cell_backward", "check_rnn_backward",
           "check_lstm_cell_backward", "check_lstm_backward",
           "check_gru_cell_forward", "check_gru_forward",
           "check_gru_cell_backward", "check_gru_backward",
           "check_clip", "check_sample", "check_optimize", "check_model",
           "check_apply_temperature"]


def all_checkers():
    """Every public ``check_*`` function of every module of ``rnnlib.checks``.

    Returns a dict from name (``"check_rnn_forward"``) to function, sorted by
    name; modules whose names start with ``_`` are skipped.
    """
    found = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name in getattr(module, "__all__", dir(module)):
            value = getattr(module, name)
            if name.startswith("check_") and callable(value):
                found[name] = value
    return dict(sorted(found.items()))
