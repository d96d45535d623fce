"""Count-based n-gram models of token sequences: the baselines for tunes.

The name chapter's n-grams (``rnnlib.ngram``) keep dense count arrays of
shape (27,) * order. With the tunes' 280 tokens a 4-gram array would hold
6e9 entries, so here only the n-grams that occur are counted (as sorted
integer keys, found again with a binary search), and each order backs off to
the one below (a hierarchical Dirichlet prior, MacKay and Peto 1995):

    P_0(w)        = 1 / V                                    (uniform)
    P_k(w | h_k)  = (count(h_k, w) + alpha P_{k-1}(w | h_{k-1}))
                    / (count(h_k) + alpha)

where h_k is the k - 1 tokens before w, for k = 1 ... order. A context never
seen in training (count 0) leaves the order below as it is. alpha is chosen
on a validation split. The start of a sequence is padded with the end token
0, and after its last token the model predicts the end token, as the LSTM
does: a sequence of L tokens counts L + 1 predictions.
"""

import numpy as np

__all__ = ["BackoffNGram", "MAX_ORDER"]

MAX_ORDER = 7             # keys of 7 tokens fit in int64 for V < 500


def _windows(sequences, order):
    """Contexts (N, order - 1) and targets (N,) of every prediction."""
    rows = []
    for seq in sequences:
        padded = np.concatenate([np.zeros(order - 1, dtype=np.int64),
                                 np.asarray(seq, dtype=np.int64), [0]])
        idx = np.arange(order - 1, len(padded))
        rows.append(padded[idx[:, None] + np.arange(-order + 1, 1)])
    table = np.concatenate(rows) if rows else np.zeros((0, order), np.int64)
    return table[:, :-1], table[:, -1]


class BackoffNGram:
    """An n-gram model of sequences of ints in 1..vocab_size - 1.

    Arguments:
    order -- 1 (unigram, context of 0 tokens) ... MAX_ORDER
    vocab_size -- V, the number of tokens including the end token 0
    alpha -- > 0, weight of the order below (a pseudo-count)
    """

    def __init__(self, order, vocab_size, alpha=1.0):
        if (isinstance(order, bool) or not isinstance(order, (int, np.integer))
                or not 1 <= order <= MAX_ORDER):
            raise ValueError(f"order must be an int in 1..{MAX_ORDER}; "
                             f"got {order!r}")
        if not (isinstance(vocab_size, (int, np.integer)) and
                2 <= vocab_size < 500):
            raise ValueError(f"vocab_size must be an int in 2..499; "
                             f"got {vocab_size!r}")
        if not alpha > 0:
            raise ValueError(f"alpha must be > 0; got {alpha!r}")
        self.order, self.vocab_size, self.alpha = int(order), vocab_size, alpha
        self.tables = None

    def _keys(self, contexts, targets):
        """Integer keys of h_k and (h_k, w) for k = 0 ... order - 1."""
        V = self.vocab_size
        h = np.zeros(len(targets), dtype=np.int64)
        keys = [(h, targets.copy())]
        for k in range(1, self.order):
            h = h * V + contexts[:, -k]               # one more token back
            keys.append((h, h * V + targets))
        return keys

    def fit(self, sequences):
        """Count every (context, token) of ``sequences``; returns self."""
        contexts, targets = _windows(sequences, self.order)
        self.tables = []
        for h, hw in self._keys(contexts, targets):
            self.tables.append((np.unique(h, return_counts=True),
                                np.unique(hw, return_counts=True)))
        return self

    @staticmethod
    def _lookup(table, keys):
        known, counts = table
        at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
        return np.where(known[at] == keys, counts[at], 0).astype(float)

    def probabilities(self, sequences, alphas=None):
        """P of every prediction in ``sequences``: (N,), or (len(alphas), N)."""
        if self.tables is None:
            raise RuntimeError("call fit(sequences) first")
        contexts, targets = _windows(sequences, self.order)
        counts = [(self._lookup(ht, h), self._lookup(hwt, hw))
                  for (h, hw), (ht, hwt)
                  in zip(self._keys(contexts, targets), self.tables)]
        out = []
        for alpha in ([self.alpha] if alphas is None else alphas):
            p = np.full(len(targets), 1.0 / self.vocab_size)      # (N,)
            for n_h, n_hw in counts:
                p = np.where(n_h > 0, (n_hw + alpha * p) / (n_h + alpha), p)
            out.append(p)
        return out[0] if alphas is None else np.array(out)

    def nll(self, sequences, alphas=None):
        """Mean -log P per prediction (every token and the end), in nats.

        With a list ``alphas``, one value per alpha (counts looked up once).
        """
        p = self.probabilities(sequences, alphas)
        return (float(-np.mean(np.log(p))) if alphas is None
                else [float(v) for v in -np.mean(np.log(p), axis=1)])
