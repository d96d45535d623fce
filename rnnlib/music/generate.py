"""Improvising with a trained LSTM: one event at a time, fed back.

The loop the course teaches (chapter 5 did it for names): start from
a<0> = c<0> = 0 and x<1> = 0; at each step run the LSTM cell once, turn the
prediction ŷ<t> into a probability for every event, draw one, and feed it
back as the next input x<t+1> (a one-hot vector) through the same cell with
the same weights, until the end token is drawn or ``max_events`` is reached.

Temperature T reshapes the prediction before drawing: p ∝ ŷ^(1/T), which is
softmax(z / T) for the cell's logits z. T < 1 sharpens it (safer, more
repetitive), T > 1 flattens it (bolder, more mistakes).

Priming: the events of ``prime`` (e.g. the first bars of a real tune) are
fed in first, one step each, exactly as in training; drawing starts after
the last of them, so the model continues that tune.
"""

import numpy as np

from ..lstm import lstm_cell_forward
from ..validation import as_generator

__all__ = ["apply_temperature", "improvise", "next_event_probabilities"]


def apply_temperature(y_hat, temperature):
    """p ∝ ŷ^(1/T), column by column: the prediction at temperature T.

    y_hat -- probabilities, shape (n_y, m), each column summing to 1
    temperature -- T > 0

    Returns p of shape (n_y, m), each column summing to 1. Computed as
    softmax(log ŷ / T) (the logits z = log ŷ up to a constant per column),
    which does not overflow for small T.
    """
    if temperature == 1:
        return y_hat
    logp = np.log(np.maximum(y_hat, 1e-300)) / temperature
    logp -= logp.max(axis=0, keepdims=True)
    p = np.exp(logp)
    return p / p.sum(axis=0, keepdims=True)


def improvise(parameters, vocab, n, rng, temperature=1.0, prime=(),
              max_events=400):
    """Sample ``n`` tunes from an LSTM, one event per step, in parallel.

    Arguments:
    parameters -- LSTM weights over the vocabulary (Wf ... Wy, by), as
                  trained by ``rnnlib.charlm.train`` on encoded tunes
    vocab -- the ``Vocabulary`` the model was trained with (n_x = n_y =
             len(vocab))
    n -- how many tunes (the columns of every array below)
    rng -- an ``np.random.Generator`` (or an int seed)
    temperature -- T > 0 (see the module docstring)
    prime -- events fed in before drawing (the same for all n tunes)
    max_events -- a tune is cut after this many drawn events

    Returns a list of n tunes (lists of events): each is ``prime`` followed
    by the drawn events, without the end token.
    """
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0; "
                         f"got {temperature!r}")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be an int >= 1; got {n!r}")
    rng = as_generator(rng)
    V, n_a = len(vocab), parameters["Wf"].shape[0]
    a, c = np.zeros((n_a, n)), np.zeros((n_a, n))      # a<0>, c<0>
    x = np.zeros((V, n))                                # x<1> = 0
    for ix in vocab.encode(list(prime), name="prime"):  # teacher forcing
        a, c, y_hat, _ = lstm_cell_forward(x, a, c, parameters)
        x = np.zeros((V, n))
        x[ix] = 1
    drawn = np.zeros((n, max_events), dtype=np.intp)
    alive = np.ones(n, dtype=bool)
    for t in range(max_events):
        a, c, y_hat, _ = lstm_cell_forward(x, a, c, parameters)
        p = apply_temperature(y_hat, temperature)       # (V, n)
        u = rng.random(n)                               # inverse CDF draw
        ix = np.minimum((np.cumsum(p, axis=0) < u).sum(axis=0), V - 1)
        ix[~alive] = 0
        drawn[:, t] = ix
        alive &= ix != 0                                # 0 = end token
        if not alive.any():
            break
        x = np.zeros((V, n))                            # feed it back
        x[ix, np.arange(n)] = 1
    return [list(prime) + vocab.decode(row) for row in drawn]


def next_event_probabilities(parameters, vocab, prefix):
    """P(next event | ``prefix``), an array of shape (len(vocab),)."""
    V, n_a = len(vocab), parameters["Wf"].shape[0]
    a, c, x = np.zeros((n_a, 1)), np.zeros((n_a, 1)), np.zeros((V, 1))
    for ix in [None] + vocab.encode(list(prefix), name="prefix"):
        if ix is not None:
            x = np.zeros((V, 1))
            x[ix] = 1
        a, c, y_hat, _ = lstm_cell_forward(x, a, c, parameters)
    return y_hat[:, 0]
