"""Input checks of the fast engine: those of the reference implementation, made quick.

``rnnlib.validation`` checks every argument thoroughly and explains what is
wrong. At the dinosaur size that costs about as much as a quarter of the
whole forward pass, so the engine first asks a cheaper question: are these
float arrays of exactly the expected shapes, and is the sum of all their
entries finite? (A sum is NaN or infinite whenever one entry is.) If so the
inputs are valid. If anything looks different, the full checks of
``rnnlib.validation`` run and raise the reference implementation's error, or
accept the input (e.g. integer arrays, which they convert, or huge finite values whose sum
overflowed).
"""

import functools

import numpy as np

from ..validation import as_float_array, check_parameters, check_shape

__all__ = ["checked_inputs"]


@functools.lru_cache(maxsize=64)
def _expected_shapes(shapes, n_x, n_a, n_y):
    """Parameter shapes with sizes filled in: (key, shape) pairs."""
    sizes = {"n_x": n_x, "n_a": n_a, "n_y": n_y}
    return tuple((key, tuple(s if isinstance(s, int) else
                             sum(sizes[t.strip()] for t in s.split("+"))
                             for s in symbols))
                 for key, symbols in shapes)


SMALL_ELEMENTS = 1 << 16      # arrays summed together in one copy (cheaper than a call each)


def _sum_is_finite(arrays):
    """True if the sum of all entries of ``arrays`` is finite. The small
    arrays are joined into one and summed in one call (each numpy call has a
    fixed cost of about a microsecond, the copy costs less at their sizes);
    the large ones are summed one by one."""
    small = [v.ravel() for v in arrays if v.size < SMALL_ELEMENTS]
    total = sum(v.sum() for v in arrays if v.size >= SMALL_ELEMENTS)
    if small:
        total = total + np.concatenate(small, dtype=np.result_type(*small)).sum()
    return bool(np.isfinite(total))


def _quick_ok(x, a0, parameters, shapes, output_key):
    """True if the inputs are certainly valid (see the module docstring)."""
    try:
        arrays = [x, a0] + [parameters[key] for key, _ in shapes]
        if not all(type(v) is np.ndarray and v.dtype.kind == "f" for v in arrays):
            return False
        if x.ndim != 3 or a0.ndim != 2 or a0.shape[1] != x.shape[1] or x.size == 0:
            return False
        n_y = parameters[output_key].shape[0]
        expected = _expected_shapes(shapes, x.shape[0], a0.shape[0], n_y)
        if any(parameters[key].shape != shape for key, shape in expected):
            return False
        return _sum_is_finite(arrays)
    except (KeyError, TypeError, AttributeError, IndexError):
        return False


def checked_inputs(x, a0, parameters, parameter_shapes, output_key):
    """Return (x, a0) as float arrays, or raise the reference implementation's error.

    Arguments:
    x, a0, parameters -- the arguments of a forward pass
    parameter_shapes -- dict key -> shape symbols, e.g.
                        ``rnnlib.rnn.RNN_PARAMETER_SHAPES``
    output_key -- the parameter whose first dimension is n_y ("Wya" or "Wy")
    """
    shapes = tuple(parameter_shapes.items())
    if isinstance(parameters, dict) and _quick_ok(x, a0, parameters, shapes,
                                                  output_key):
        return x, a0
    dims = check_parameters(parameters, parameter_shapes)      # the full checks
    x = as_float_array("x", x, shape=("n_x", "m", "T_x"))
    check_shape("x", x, ("n_x", "m", "T_x"), dims)
    a0 = as_float_array("a0", a0, shape=("n_a", "m"))
    check_shape("a0", a0, ("n_a", "m"), dims)
    return x, a0
