"""Using a trained name model: next-character probabilities and new names.

Both functions run the unchecked cell step of the cell the parameters belong
to (``rnnlib.cells``), from x<1> = 0 and a<0> = 0 (and c<0> = 0 for the LSTM).
"""

import numpy as np

from ..cells import CELLS, cell_of
from ..validation import as_generator, check_number
from .vocab import VOCAB_SIZE, decode, encode

__all__ = ["next_char_probabilities", "sample_names"]


def _with_temperature(parameters, cell, temperature):
    """Parameters whose softmax is softmax(logits / temperature)."""
    out = cell.output_weight
    return dict(parameters, **{out: parameters[out] / temperature,
                               "by": parameters["by"] / temperature})


def _initial_state(cell, parameters, m):
    n_a = cell.hidden_size(parameters)
    return tuple(np.zeros((n_a, m)) for _ in range(cell.n_states))


def next_char_probabilities(parameters, prefix, cell=None):
    """P(next character | the name so far is ``prefix``), a (27,) array.

    ``next_char_probabilities(p, "tyrannosaurus")[0]`` is the probability
    that the name ends there (index 0 is '\\n'). ``cell`` ("rnn", "lstm")
    is read from the parameter names when None.
    """
    cell = CELLS[cell_of(parameters, cell)]
    state = _initial_state(cell, parameters, 1)
    xt = np.zeros((VOCAB_SIZE, 1))
    for ix in [None] + encode(prefix):
        if ix is not None:
            xt = np.zeros((VOCAB_SIZE, 1))
            xt[ix] = 1
        y_hat, state = cell.step(xt, state, parameters)
    return y_hat[:, 0]


def sample_names(parameters, n, rng, temperature=1.0, cell=None,
                 max_length=50):
    """Sample ``n`` names at once, each from x<1> = 0 and a<0> = 0.

    Arguments:
    parameters -- a trained RNN or LSTM parameter dict
    n -- how many names
    rng -- an ``np.random.Generator`` (or an int seed)
    temperature -- > 0; characters are drawn from softmax(z / temperature)
    cell -- "rnn" or "lstm", or None to read it from the parameters
    max_length -- a name is cut after this many characters

    Returns a list of ``n`` strings (without the end token).
    """
    cell = CELLS[cell_of(parameters, cell)]
    n = check_number("n", n, 1, integer=True)
    temperature = check_number("temperature", temperature, 0, low_open=True)
    max_length = check_number("max_length", max_length, 1, integer=True)
    rng = as_generator(rng)
    state = _initial_state(cell, parameters, n)
    xt = np.zeros((VOCAB_SIZE, n))
    chars = np.zeros((n, max_length), dtype=np.intp)
    alive = np.ones(n, dtype=bool)
    scaled = _with_temperature(parameters, cell, temperature)
    for t in range(max_length):
        p, state = cell.step(xt, state, scaled)        # p (27, n)
        u = rng.random(n)                              # inverse CDF draw
        idx = (np.cumsum(p, axis=0) < u).sum(axis=0)
        idx = np.minimum(idx, VOCAB_SIZE - 1)
        idx[~alive] = 0
        chars[:, t] = idx
        alive &= idx != 0
        if not alive.any():
            break
        xt = np.zeros((VOCAB_SIZE, n))
        xt[idx, np.arange(n)] = 1
    return [decode([int(c) for c in row]).split("\n")[0] for row in chars]
