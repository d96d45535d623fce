"""The recurrent cells by name, in one registry: a new cell is one entry.

``CELLS["rnn"]``, ``CELLS["lstm"]`` and ``CELLS["gru"]`` say, for each cell of the book, which
parameters it has (and their shapes), how to initialise them, which functions
run it forward and backward over a sequence, and how to take one unchecked
step. Code that works with any cell (the name model of chapter 5, for
instance) looks the cell up here instead of testing parameter names itself::

    cell = CELLS[cell_of(parameters)]        # "rnn", "lstm", "gru": from the keys
    a, y_hat, *_, caches = cell.forward(x, a0, parameters)

Every forward function returns a (n_a, m, T_x) first and y_hat (n_y, m, T_x)
second, and its caches last.
"""

from dataclasses import dataclass
from typing import Callable

from .gru import GRU_PARAMETER_SHAPES, gru_cell_step, gru_forward
from .gru_backward import gru_backward
from .initializers import (initialize_gru_parameters, initialize_lstm_parameters,
                           initialize_rnn_parameters)
from .lstm import LSTM_PARAMETER_SHAPES, lstm_cell_step, lstm_forward
from .lstm_backward import lstm_backward
from .rnn import RNN_PARAMETER_SHAPES, rnn_cell_step, rnn_forward
from .rnn_backward import rnn_backward
from .validation import as_generator

__all__ = ["Cell", "CELLS", "cell_of", "get_cell", "random_parameters"]


@dataclass(frozen=True)
class Cell:
    """What code that works with any cell needs to know about one of them.

    name -- the registry key, e.g. "lstm"
    parameter_shapes -- parameter key -> shape symbols, e.g. "Wf" -> ("n_a", "n_a + n_x")
    output_weight -- the key of the output layer's weights (n_y, n_a): "Wya", "Wy"
    n_states -- how many (n_a, m) arrays the state holds: 1 (a) or 2 (a, c)
    initialize -- (n_x, n_a, n_y, rng, scale) -> parameters
    forward -- (x, a0, parameters) -> (a, y_hat, ..., caches)
    backward -- (da, caches) -> dict of gradients "d" + key (and dx, da0)
    step -- (xt, state, parameters) -> (y_hat, state), unchecked; ``state``
            is a tuple of ``n_states`` arrays (n_a, m)
    """
    name: str
    parameter_shapes: dict
    output_weight: str
    n_states: int
    initialize: Callable
    forward: Callable
    backward: Callable
    step: Callable

    def hidden_size(self, parameters):
        """n_a, read from the output layer's weights (n_y, n_a)."""
        return parameters[self.output_weight].shape[1]


def _rnn_step(xt, state, parameters):
    a, y_hat, _ = rnn_cell_step(xt, state[0], parameters)
    return y_hat, (a,)


def _gru_step(xt, state, parameters):
    a, y_hat, _ = gru_cell_step(xt, state[0], parameters)
    return y_hat, (a,)


def _lstm_step(xt, state, parameters):
    a, c, y_hat, _ = lstm_cell_step(xt, state[0], state[1], parameters)
    return y_hat, (a, c)


CELLS = {
    "rnn": Cell("rnn", RNN_PARAMETER_SHAPES, "Wya", 1, initialize_rnn_parameters,
                rnn_forward, rnn_backward, _rnn_step),
    "lstm": Cell("lstm", LSTM_PARAMETER_SHAPES, "Wy", 2, initialize_lstm_parameters,
                 lstm_forward, lstm_backward, _lstm_step),
    "gru": Cell("gru", GRU_PARAMETER_SHAPES, "Wy", 1, initialize_gru_parameters,
                gru_forward, gru_backward, _gru_step),
}


def _names():
    return " or ".join(repr(name) for name in CELLS)


def get_cell(name):
    """The registered ``Cell`` called ``name``; ValueError naming the known cells."""
    if not isinstance(name, str) or name not in CELLS:
        raise ValueError(f"cell must be {_names()}; got {name!r}")
    return CELLS[name]


def cell_of(parameters, cell=None):
    """The name of the cell whose parameters these are, e.g. "lstm".

    Arguments:
    parameters -- a parameter dict; the cell is the registered one all of
                  whose parameter keys are present (extra keys are ignored)
    cell -- None, or the name the caller expects: then it must match

    Raises TypeError if ``parameters`` is not a dict, KeyError if the keys
    fit no registered cell (or more than one), ValueError if ``cell`` is
    given and differs from the cell found.
    """
    if not isinstance(parameters, dict):
        raise TypeError("parameters must be a dict of arrays; got "
                        f"{type(parameters).__name__}")
    found = [name for name, entry in CELLS.items()
             if all(key in parameters for key in entry.parameter_shapes)]
    if len(found) != 1:
        needs = "; ".join(f"{name}: {', '.join(entry.parameter_shapes)}"
                          for name, entry in CELLS.items())
        what = "no cell" if not found else "more than one cell"
        raise KeyError(f"parameters hold the keys of {what} ({needs}); "
                       f"its keys are {sorted(parameters)}")
    if cell is not None:
        get_cell(cell)
        if cell != found[0]:
            raise ValueError(f"cell={cell!r} but the parameters are those of "
                             f"an {found[0].upper()}")
    return found[0]


def random_parameters(cell, n_x, n_a, n_y, rng, scale=0.5, bias_scale=None):
    """Random parameters of ``cell`` with every entry non-zero, biases included.

    For tests, checkers and benchmarks, where zero biases (as
    ``initialize_*_parameters`` gives) would hide mistakes such as a bias
    summed over the wrong axis. Every array, in the order of the cell's
    ``parameter_shapes``, is drawn from N(0, 1) and multiplied by ``scale``
    (weights) or ``bias_scale`` (arrays of one column: the biases; default
    ``scale``).

    Arguments:
    cell -- "rnn", "lstm", "gru", ...
    n_x, n_a, n_y -- sizes of x<t>, a<t>, ŷ<t>
    rng -- a ``np.random.Generator`` or an int seed
    scale, bias_scale -- standard deviations (floats)

    Returns a dict of float64 arrays with the shapes of the cell's parameters,
    e.g. for the RNN Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1),
    by (n_y, 1).
    """
    entry = get_cell(cell)
    rng = as_generator(rng)
    bias_scale = scale if bias_scale is None else bias_scale
    sizes = {"n_x": n_x, "n_a": n_a, "n_y": n_y}

    def size(symbol):
        if isinstance(symbol, int):
            return symbol
        return sum(sizes[term.strip()] for term in symbol.split("+"))

    parameters = {}
    for key, shape in entry.parameter_shapes.items():
        factor = bias_scale if shape[-1] == 1 else scale
        parameters[key] = factor * rng.standard_normal(tuple(size(s) for s in shape))
    return parameters
