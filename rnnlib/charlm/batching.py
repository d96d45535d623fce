"""Minibatches of names: one-hot inputs, targets and a mask for the padding.

A batch of m names, T = (longest name) + 1 steps, columns are names:

    x     (27, m, T)   one-hot inputs; x<1> = 0, x<t+1> = character t
    Y     (m, T)       targets: the characters, then '\\n' (index 0)
    mask  (m, T)       1 where a name has a target, 0 on padding

The same works for any vocabulary whose index 0 is the end token: give
token sequences (lists of ints in 1..vocab_size - 1) and ``vocab_size``
(chapter 6 does, with the events of fiddle tunes); x is then
(vocab_size, m, T).
"""

import numpy as np

from ..validation import as_generator
from .vocab import VOCAB_SIZE, encode

__all__ = ["encode_sequences", "make_batch", "shuffled_batches"]


def encode_sequences(names, vocab_size=VOCAB_SIZE):
    """Names (str) or token sequences as lists of token indices.

    A name is encoded with the 27-symbol vocabulary; a sequence of ints is
    checked: every token in 1..vocab_size - 1 (index 0 is the end token,
    which follows every sequence and may not occur inside one). ValueError
    names the first bad sequence and token.
    """
    out = []
    for i, seq in enumerate(names):
        if isinstance(seq, str):
            out.append(encode(seq))
            continue
        seq = [int(ix) for ix in seq]
        bad = [ix for ix in seq if not 0 < ix < vocab_size]
        if bad:
            raise ValueError(f"sequence {i} holds index {bad[0]}; tokens "
                             f"must be in 1..{vocab_size - 1} (0 is the end "
                             "token, added after every sequence)")
        out.append(seq)
    return out


def make_batch(names, vocab_size=VOCAB_SIZE):
    """One-hot x (n_x, m, T), targets Y (m, T) and mask (m, T) for ``names``.

    ``names`` are strings (n_x = 27) or token sequences (n_x = vocab_size).
    """
    encoded = encode_sequences(names, vocab_size)
    if not encoded:
        raise ValueError("names must not be empty")
    m, T = len(encoded), max(len(e) for e in encoded) + 1
    x = np.zeros((vocab_size, m, T))
    Y = np.zeros((m, T), dtype=np.intp)     # padding: index 0, masked out
    mask = np.zeros((m, T))
    for i, indices in enumerate(encoded):
        L = len(indices)
        x[indices, i, np.arange(1, L + 1)] = 1  # x<t+1> = char t; x<1> = 0
        Y[i, :L] = indices                      # predict each character...
        mask[i, :L + 1] = 1                     # ...and the end token
    return x, Y, mask


def shuffled_batches(names, batch_size, rng, sort_window=8):
    """Shuffled minibatches (lists of names) of similar lengths (less padding).

    The names are shuffled with ``rng`` (a Generator or an int seed), cut into
    windows of ``sort_window`` batches, sorted by length inside each window
    and cut into batches of ``batch_size``, which are then shuffled. Every
    name is used once per epoch.
    """
    rng = as_generator(rng)
    order = rng.permutation(len(names))
    window = batch_size * sort_window
    batches = []
    for first in range(0, len(order), window):
        chunk = sorted(order[first:first + window],
                       key=lambda i: len(names[i]))
        batches += [chunk[k:k + batch_size]
                    for k in range(0, len(chunk), batch_size)]
    return [[names[i] for i in batches[j]]
            for j in rng.permutation(len(batches))]
