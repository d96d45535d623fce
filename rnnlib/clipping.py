"""Global-norm gradient clipping.

Exploding gradients make one SGD step so large that it throws the parameters
far from where they were. Clipping caps the step. There are two common ways:

* element-wise: clip every entry to [-max_value, max_value] (the classic
  course's ``clip``, in ``rnnlib.charlm.classic``). Entries that were clipped shrink
  while the others do not, so the direction of the gradient changes.
* global norm (Pascanu et al., 2013): treat all gradient arrays as one long
  vector g; if its Euclidean norm ||g|| exceeds ``max_norm``, multiply every
  array by ``max_norm / ||g||``. The direction is kept exactly; only the
  length is capped.

This module provides the second: ``clip_by_global_norm``.
"""

import math

import numpy as np

from .validation import as_float_array, check_number

__all__ = ["global_norm", "clip_by_global_norm"]


def global_norm(gradients):
    """Euclidean norm of all the gradient arrays taken together.

    Arguments:
    gradients -- dict mapping names (``"dWax"``, ``"dba"``, ...) to arrays
                 of any shapes

    Returns a Python float, sqrt(sum over arrays of sum of squares); 0.0 for
    an empty dict. Raises TypeError if ``gradients`` is not a dict or holds a
    non-numeric array, ValueError if an entry contains NaN or inf.
    """
    if not isinstance(gradients, dict):
        raise TypeError("gradients must be a dict of arrays (e.g. {'dWax': ..., "
                        f"'dba': ...}}); got {type(gradients).__name__}")
    arrays = [as_float_array(f"gradients[{key!r}]", value)
              for key, value in gradients.items()]
    scale = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=0.0)
    if scale == 0.0:
        return 0.0
    # divide by the largest entry first, so squaring cannot overflow
    total = sum(float(np.sum(np.square(a / scale))) for a in arrays)
    return scale * math.sqrt(total)


def clip_by_global_norm(gradients, max_norm):
    """Rescale all gradients together so that their global norm is at most max_norm.

    Arguments:
    gradients -- dict mapping names (``"dWax"``, ``"dba"``, ...) to arrays;
                 not modified
    max_norm -- positive finite number, the largest allowed global norm

    Returns ``(clipped, norm)``: a new dict with the same keys, every array
    multiplied by ``min(1, max_norm / norm)``, and ``norm``, the global norm
    before clipping (a float, useful for logging). Gradients whose norm is
    already at most ``max_norm`` come back as unchanged copies. The direction
    of the concatenated gradient is never changed.

    Raises TypeError / ValueError for a non-dict, non-numeric or non-finite
    gradient (clipping cannot repair NaN), and ValueError for a max_norm that
    is not a positive finite number.
    """
    max_norm = check_number("max_norm", max_norm, 0, low_open=True)
    norm = global_norm(gradients)
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    clipped = {key: as_float_array(f"gradients[{key!r}]", value) * factor
               for key, value in gradients.items()}  # new arrays, same dtypes
    return clipped, norm
