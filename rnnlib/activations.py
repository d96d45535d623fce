"""Activation functions: softmax over the class axis and a safe sigmoid.

The public ``softmax`` and ``sigmoid`` check their input; ``softmax_unchecked``
and ``sigmoid_unchecked`` do the same maths without checks, for inner loops
whose inputs were already checked once (the forward passes use them at every
time step).
"""

import numpy as np

from .validation import as_float_array


def softmax_unchecked(z):
    """Softmax over axis 0 without input checks.

    ``z`` is a float array of shape (n_y, ...) with finite entries (the
    caller has checked it); returns an array of the same shape whose columns
    sum to 1. Use ``softmax`` for anything a user passes in.
    """
    e = np.exp(z - z.max(axis=0, keepdims=True))  # shift so the largest logit is 0
    return e / e.sum(axis=0, keepdims=True)       # normalise each column to sum 1


def sigmoid_unchecked(z):
    """Sigmoid 1 / (1 + exp(-z)), element-wise, without input checks.

    ``z`` is a float array of any shape (e.g. (n_a, m)) without NaN (the
    caller has checked it); returns an array of the same shape with values in
    [0, 1], never overflowing. Use ``sigmoid`` for anything a user passes in.
    """
    e = np.exp(-np.abs(z))                        # exp(-|z|) is in (0, 1]: no overflow
    return np.where(z >= 0, 1, e) / (1 + e)       # 1/(1+e^-z), or e^z/(1+e^z) if z < 0


def softmax(z):
    """Softmax over axis 0 (the class axis): each column becomes probabilities.

    Arguments:
    z -- logits, array of shape (n_y, m) (or (n_y,), or (n_y, m, T_x));
         each column (index along axis 0) is one example

    Returns an array of the same shape, each column summing to 1. Stable for
    any finite logits, e.g. +/-1000: the per-column maximum is subtracted
    before exponentiating, which leaves the result unchanged mathematically.
    Float input keeps its dtype; integer input gives float64.
    Raises TypeError for non-numeric input, ValueError for NaN/inf or an empty
    class axis.
    """
    z = as_float_array("z", z)
    if z.ndim == 0 or z.shape[0] == 0:
        raise ValueError("z must have at least one class along axis 0; "
                         f"got shape {z.shape}")
    return softmax_unchecked(z)


def sigmoid(z):
    """Logistic sigmoid 1 / (1 + exp(-z)), element-wise.

    Arguments:
    z -- array of any shape (e.g. (n_a, m))

    Returns an array of the same shape with values in [0, 1]. Computed from
    exp(-|z|), which is at most 1, so large negative inputs (z = -1000) give
    0 with no overflow and no warning. +/-inf give 0 and 1; NaN raises.
    Float input keeps its dtype; integer input gives float64.
    """
    z = as_float_array("z", z, finite=False)
    if np.isnan(z).any():
        raise ValueError("z contains NaN values")
    return sigmoid_unchecked(z)
