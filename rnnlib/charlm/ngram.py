"""Count-based n-gram models of names: the baselines a neural model must beat.

An n-gram model predicts each character from the n - 1 characters before it,
by counting in the training names how often each character followed that
context. The start of a name is padded with the end token '\\n', so a bigram
model predicts the first letter from the context '\\n' (the start of a name);
the unigram model ignores the context altogether.

Smoothing (Lidstone, or "add-alpha"): an unseen character must not get
probability 0, so every count gets ``alpha`` added:

    P(c | context) = (count(context, c) + alpha) / (count(context) + 27 alpha)

``NGramModel.nll`` uses the same accounting as ``rnnlib.charlm.evaluate``:
every character of a name is predicted, and so is the end token after it,
so a name of length L counts L + 1 predictions. ``choose_alpha`` picks alpha
on a validation split of the training names, never on the test names.
"""

import numpy as np

from ..validation import check_number
from .vocab import VOCAB_SIZE, encode, split_names

__all__ = ["NGramModel", "choose_alpha"]


class NGramModel:
    """An add-alpha smoothed n-gram model of names over the 27-symbol vocabulary.

    Arguments:
    order -- 1 (unigram), 2 (bigram), 3 (trigram), ...
    alpha -- pseudo-count added to every count (> 0)

    ``counts`` has shape (27,) * order: ``counts[c1, ..., cn]`` is how often
    character cn followed the context c1 ... c(n-1).
    """

    def __init__(self, order, alpha=1.0):
        self.order = check_number("order", order, 1, integer=True)
        self.alpha = check_number("alpha", alpha, 0, low_open=True)
        self.counts = np.zeros((VOCAB_SIZE,) * self.order)

    def _events(self, names):
        """Index tuples (context..., next) for every prediction in ``names``."""
        rows = []
        for name in names:
            padded = [0] * (self.order - 1) + encode(name) + [0]   # '\n' pads the start
            for t in range(self.order - 1, len(padded)):
                rows.append(padded[t - self.order + 1:t + 1])
        return np.array(rows, dtype=np.intp).reshape(-1, self.order)

    def fit(self, names):
        """Count the n-grams of ``names`` (lower-case strings); returns self."""
        events = self._events(names)
        self.counts = np.zeros((VOCAB_SIZE,) * self.order)
        np.add.at(self.counts, tuple(events.T), 1)
        return self

    def probabilities(self):
        """P(next | context) for every context, shape (27,) * order.

        Each row along the last axis sums to 1.
        """
        smoothed = self.counts + self.alpha
        return smoothed / smoothed.sum(axis=-1, keepdims=True)

    def next_char_probabilities(self, prefix):
        """P(next character | prefix), a (27,) array.

        Only the last order - 1 characters of the prefix matter.
        """
        context = ([0] * (self.order - 1) + encode(prefix))[len(prefix):]
        return self.probabilities()[tuple(context)]

    def nll(self, names):
        """Average negative log-likelihood per predicted character, in nats."""
        events = self._events(names)
        log_p = np.log(self.probabilities())
        return float(-log_p[tuple(events.T)].mean())


def choose_alpha(order, names, alphas=(0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0),
                 valid_fraction=0.1, seed=0):
    """The alpha among ``alphas`` with the lowest validation NLL.

    ``names`` (the training names) are split with ``split_names(names,
    valid_fraction, seed)``; a model is fitted on the kept part for each
    alpha and scored on the validation part. Returns the best alpha.
    """
    kept, valid = split_names(names, valid_fraction, seed)
    scores = [NGramModel(order, alpha).fit(kept).nll(valid) for alpha in alphas]
    return alphas[int(np.argmin(scores))]
