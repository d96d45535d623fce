"""σ and tanh for the engine: few numpy calls, exp instead of tanh at large sizes.

The engine's matrix products can hand these functions -z or -2z instead of z
at no cost: the rows of the weights (and biases) are negated or multiplied by
-2 once per call, which is exact in floating point. From there

    σ(z)    = 1 / (1 + e^-z)                 three in-place calls on u = -z
    tanh(z) = 2 σ(2z) - 1 = 2 / (1 + e^-2z) - 1     four on u = -2z

Why not ``np.tanh``? In float64, on CPUs without AVX-512, numpy computes tanh
with the C library, one value at a time, which costs more per value than the
four vectorised calls above (``benchmarks/bench_engines.py --ideas-only``
measures the difference on your machine; chapter 7 shows it). Each numpy call
also has a fixed cost, so for small blocks ``np.tanh``, one call, is faster.
In float32 numpy's tanh is vectorised (AVX2), and with AVX-512 its float64
tanh is vectorised too, so there the route does not pay. ``exp_route_pays``
decides by these measurements, or by the option ``exp_route``
(``rnnlib.fast.options``).

Accuracy: e^-z overflows to inf for z < -709, and 1 / inf = 0 is the right
limit. The functions leave numpy's overflow warning to the caller, who runs
its whole time loop inside ``np.errstate(over="ignore")``: entering that
context at every step would cost as much as a small numpy call.

The σ formula has no cancellation (a relative error of a few ulp). The tanh
formula subtracts 1 from a number near 1 when z is near 0: its *absolute*
error is below 5e-16 everywhere (tested), but for |z| below about
2e-4 that is more than 1e-12 of the tiny value tanh(z) ≈ z. The engine's
results are checked against the reference implementation relative to their largest entry,
where this is invisible. ``rnnlib.activations`` holds the clear, accurate
versions.
"""

import functools

import numpy as np

from .options import get_options

__all__ = ["exp_route_pays", "numpy_tanh_is_vectorised", "sigmoid_of_negated",
           "tanh_of_negated_double", "tanh_into"]


@functools.lru_cache(maxsize=None)
def numpy_tanh_is_vectorised(dtype):
    """True if numpy computes tanh of this dtype with SIMD instructions:
    float32 on any x86-64 CPU with AVX2 (or on other architectures: assumed),
    float64 only with AVX-512 (numpy's SVML routines)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as cpu
    except ImportError:                                   # not numpy 2.x: assume not
        return False
    if np.dtype(dtype) == np.float32:
        return bool(cpu.get("AVX2") or not cpu.get("SSE2"))
    return bool(cpu.get("AVX512_SKX"))


def exp_route_pays(m, n_a, dtype=np.float64):
    """True if tanh through exp is taken for a step of m examples, n_a units.

    By the option ``exp_route`` (``rnnlib.fast.options``): True or False
    decide; "auto" takes it for float64 blocks of at least
    ``exp_route_min_elements`` values (default 1024) when numpy's float64 tanh
    is not vectorised. Measured here in float64: one ``np.tanh`` of 512
    values costs about as much as the four calls of the exp route; from about
    a thousand values the exp route is faster, by up to 2x on large blocks.
    In float32 numpy's vectorised tanh was as fast or faster up to 4096 values.
    """
    settings = get_options()
    if settings.exp_route != "auto":
        return settings.exp_route
    return (np.dtype(dtype) == np.float64 and m * n_a >= settings.exp_route_min_elements
            and not numpy_tanh_is_vectorised(dtype))


def sigmoid_of_negated(u):
    """σ(z) from u = -z, in place: u (any shape) becomes 1 / (1 + e^u). Returns u."""
    np.exp(u, out=u)                                     # inf is fine: σ = 0
    np.add(u, 1, out=u)
    np.divide(1, u, out=u)
    return u


def tanh_of_negated_double(u, out=None):
    """tanh(z) from u = -2z: out (default u) becomes 2 / (1 + e^u) - 1, and u
    is used as scratch (in place, any shape). Returns out."""
    out = u if out is None else out
    np.exp(u, out=u)                                     # inf is fine: -1
    np.add(u, 1, out=u)
    np.divide(2, u, out=u)
    np.subtract(u, 1, out=out)
    return out


def tanh_into(z, out, exp_route):
    """out = tanh(z) for arrays of one shape; through exp if ``exp_route``.
    Returns out."""
    if not exp_route:
        return np.tanh(z, out=out)
    np.multiply(z, -2, out=out)
    return tanh_of_negated_double(out)
