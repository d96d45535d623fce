"""σ and tanh for the engine: few numpy calls, exp instead of tanh at large sizes.

The engine's matrix products can hand these functions -z or -2z instead of z
at no cost: the rows of the weights (and biases) are negated or multiplied by
-2 once per call, which is exact in floating point. From there

    σ(z)    = 1 / (1 + e^-z)                 three in-place calls on u = -z
    tanh(z) = 2 σ(2z) - 1 = 2 / (1 + e^-2z) - 1     four on u = -2z

Why not ``np.tanh``? In float64, on CPUs without AVX-512, numpy computes tanh
with the C library, one value at a time: about 13 ns per value on the book's
machines, against about 6 ns for the four calls above (numpy's exp is about
5 ns). At the large benchmark size the LSTM takes 6.6 million tanh per
forward pass. Each call also costs about a microsecond, so for small blocks
``np.tanh``, one call, is faster: ``exp_route_pays`` decides.

Accuracy: e^-z overflows to inf for z < -709, and 1 / inf = 0 is the right
limit. The functions leave numpy's overflow warning to the caller, who runs
its whole time loop inside ``np.errstate(over="ignore")``: entering that
context costs about a microsecond, too much to pay at every step.

The σ formula has no cancellation (a relative error of a few ulp). The tanh
formula subtracts 1 from a number near 1 when z is near 0: its *absolute*
error is below 5e-16 everywhere (3.3e-16 measured), but for |z| below about
2e-4 that is more than 1e-12 of the tiny value tanh(z) ≈ z. The engine's
results are checked against the reference implementation relative to their largest entry,
where this is invisible. ``rnnlib.activations`` holds the clear, accurate
versions.
"""

import numpy as np

__all__ = ["EXP_ROUTE_MIN_ELEMENTS", "exp_route_pays", "sigmoid_of_negated",
           "tanh_of_negated_double", "tanh_into"]

EXP_ROUTE_MIN_ELEMENTS = 1024   # per time step: m * n_a of one part of the batch


def exp_route_pays(m, n_a):
    """True if tanh through exp is faster for a step of m examples, n_a units.

    Measured here in float64: one ``np.tanh`` of 512 values costs as much as
    the four calls of the exp route; from about a thousand values the exp
    route is faster, by up to 2.4x on large blocks.
    """
    return m * n_a >= EXP_ROUTE_MIN_ELEMENTS


def sigmoid_of_negated(u):
    """σ(z) from u = -z, in place: u (any shape) becomes 1 / (1 + e^u). Returns u."""
    np.exp(u, out=u)                                     # inf is fine: σ = 0
    np.add(u, 1, out=u)
    np.divide(1, u, out=u)
    return u


def tanh_of_negated_double(u):
    """tanh(z) from u = -2z, in place: u becomes 2 / (1 + e^u) - 1. Returns u."""
    np.exp(u, out=u)                                     # inf is fine: -1
    np.add(u, 1, out=u)
    np.divide(2, u, out=u)
    np.subtract(u, 1, out=u)
    return u


def tanh_into(z, out, exp_route):
    """out = tanh(z) for arrays of one shape; through exp if ``exp_route``.
    Returns out."""
    if not exp_route:
        return np.tanh(z, out=out)
    np.multiply(z, -2, out=out)
    return tanh_of_negated_double(out)
