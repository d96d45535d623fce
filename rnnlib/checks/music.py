"""Checker for the exercise of chapter 6: sampling at a temperature."""

import numpy as np

from ._core import Case, Mistake, run_checks

__all__ = ["check_apply_temperature"]


def _columns(p):
    return p / p.sum(axis=0, keepdims=True)


def _power_t(y_hat, temperature):
    return _columns(y_hat ** temperature)


def _unnormalised(y_hat, temperature):
    return y_hat ** (1 / temperature)


def _rows(y_hat, temperature):
    p = y_hat ** (1 / temperature)
    return p / p.sum(axis=1, keepdims=True)


def _softmax_of_probabilities(y_hat, temperature):
    z = y_hat / temperature
    return _columns(np.exp(z - z.max(axis=0, keepdims=True)))


def _divided(y_hat, temperature):
    return _columns(y_hat / temperature)


def _cases():
    rng = np.random.default_rng(6)
    cases = []
    for n_y, m, T in ((5, 1, 0.5), (7, 3, 2.0), (4, 2, 0.25), (6, 4, 1.5)):
        z = rng.normal(0, 1.5, (n_y, m))
        y_hat = _columns(np.exp(z))
        cases.append(Case(f"n_y={n_y}, m={m}, T={T}", (y_hat, T)))
    return cases


def check_apply_temperature(fn):
    """Check a reader's ``apply_temperature(y_hat, temperature)``.

    Prints ``"apply_temperature: all 4 checks passed."`` or raises
    ``CheckFailed`` saying what is wrong.
    """
    from ..music.generate import apply_temperature
    mistakes = [
        Mistake("you raised ŷ to the power T; the exponent is 1/T, so that "
                "T < 1 sharpens the distribution and T > 1 flattens it.",
                _power_t),
        Mistake("the columns do not sum to 1: after ŷ^(1/T), divide each "
                "column by its sum.", _unnormalised),
        Mistake("each row sums to 1 instead of each column: a column is one "
                "example's distribution over the vocabulary, so normalise "
                "over axis 0.", _rows),
        Mistake("softmax(ŷ / T) treats the probabilities as logits; the "
                "logits are log ŷ (up to a constant), so take "
                "softmax(log ŷ / T), which is ŷ^(1/T) / sum.",
                _softmax_of_probabilities),
        Mistake("dividing the probabilities by T changes nothing once they "
                "are normalised again: the temperature divides the logits, "
                "which raises ŷ to the power 1/T.", _divided),
    ]
    run_checks("apply_temperature", fn, apply_temperature, _cases(), ("p",),
               ("y_hat", "temperature"), mistakes)
