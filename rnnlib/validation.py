"""Input checks shared by every function of rnnlib.

Each public function checks its inputs once, at the door, and says what is
wrong in plain words (the argument's name, the shape it should have and why)
instead of letting a numpy broadcasting error surface three lines deeper.

Shapes are written with symbols, the same ones as in the equations:
``("n_x", "m")`` means "n_x rows and m columns". A symbol may also be a sum
such as ``"n_a + n_x"`` or a literal int such as ``1`` (a bias column).

Helpers (all reusable by other modules):

``as_float_array(name, value, ndim=None, shape=None, finite=True)``
    Turn ``value`` into a real floating-point ndarray (ints become float64,
    float dtypes are kept). TypeError for bool, complex, object or text data;
    ValueError for a wrong number of dimensions or NaN/inf entries.
``Dims()``
    A record of the sizes met so far (``dims["n_a"] == 5``) and of the array
    each came from, so that a message can say what a shape must match.
``check_shape(name, array, shape, dims)``
    Check ``array.shape`` against symbols; a symbol not yet in ``dims`` is
    learned from this array, a known one must agree. ValueError otherwise.
``check_parameters(parameters, required, dims=None)``
    Check a parameter dict: every key in ``required`` (a dict ``key -> shape
    symbols``) is present (KeyError), numeric (TypeError) and of the right
    shape (ValueError). Returns the ``Dims`` learned from the weights, and
    converts nothing in place.
``check_number(name, value, low=None, high=None, ...)``
    Check a scalar setting (a learning rate, a temperature, a count): a
    number, finite, within bounds; one message shape for every function.
``as_generator(rng)``
    The one rule for randomness: a ``np.random.Generator`` or an int seed.
``check_sequence_caches``, ``check_da_steps``, ``check_finite_gradients``
    The checks every backward pass through time makes: the caches of a
    sequence, the number of steps of ``da``, and that no gradient overflowed.

Example::

    dims = check_parameters(parameters, {"Wax": ("n_a", "n_x"), "ba": ("n_a", 1)})
    xt = as_float_array("xt", xt, shape=("n_x", "m"))
    check_shape("xt", xt, ("n_x", "m"), dims)
    # ValueError: xt must have shape (n_x, m) = (3, 10) to match
    # parameters['Wax'] (5, 3); got (4, 10)
"""

import numbers

import numpy as np

__all__ = ["as_float_array", "Dims", "check_shape", "check_parameters",
           "format_shape", "describe_value", "check_sequence_caches",
           "check_da_steps", "check_finite_gradients", "check_number",
           "as_generator"]


def format_shape(shape):
    """Write a shape as text: ``("n_x", "m")`` -> ``"(n_x, m)"``, (5,) -> ``"(5,)"``."""
    parts = [str(s) for s in shape]
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def as_float_array(name, value, ndim=None, shape=None, finite=True):
    """Return ``value`` as a real floating-point numpy array, or raise.

    Arguments:
    name -- the argument's name, used in messages (e.g. ``"xt"``)
    value -- anything array-like
    ndim -- required number of dimensions, or None for any
    shape -- symbols of the expected shape, only used in messages,
             e.g. ``("n_x", "m")``; its length is used when ndim is None
    finite -- if True, NaN and +/-inf entries raise ValueError

    Floating-point input keeps its dtype and is not copied; integer input
    becomes float64. Bool, complex, object and text data raise TypeError.
    """
    try:
        array = np.asarray(value)
    except Exception as error:  # e.g. ragged nested lists
        raise TypeError(f"{name} must be a numeric array; could not convert "
                        f"{type(value).__name__}: {error}") from None
    kind = array.dtype.kind
    if kind in "iu":
        array = array.astype(np.float64)          # ints become floats
    elif kind != "f":
        what = {"b": "bool", "c": "complex", "O": "Python objects",
                "U": "text", "S": "bytes"}.get(kind, str(array.dtype))
        raise TypeError(f"{name} must be an array of real numbers; got an array "
                        f"of {what} (dtype {array.dtype})")
    if ndim is None and shape is not None:
        ndim = len(shape)
    if ndim is not None and array.ndim != ndim:
        expected = f" of shape {format_shape(shape)}" if shape is not None else ""
        raise ValueError(f"{name} must be a {ndim}-D array{expected}; got a "
                         f"{array.ndim}-D array of shape {format_shape(array.shape)}"
                         + _column_hint(shape, array))
    if finite and not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _column_hint(shape, array):
    """Extra advice when a column vector (k, 1) was given as a flat (k,) array."""
    if shape is not None and len(shape) == 2 and shape[1] == 1 and array.ndim == 1:
        return (" (a bias is a column vector: use "
                f"reshape({array.shape[0]}, 1), not a flat array)")
    return ""


class Dims:
    """Sizes of the named dimensions (n_x, n_a, n_y, m, T_x) met so far.

    ``dims[symbol]`` gives a size; ``dims.origin[symbol]`` says which array
    fixed it, for error messages; ``dims.source_text(symbol)`` writes it out,
    e.g. ``"parameters['Wax'] (5, 3)"``.
    """

    def __init__(self):
        self.sizes = {}
        self.origin = {}

    def __getitem__(self, symbol):
        return self.sizes[symbol]

    def __contains__(self, symbol):
        return symbol in self.sizes

    def __repr__(self):
        return "Dims(" + ", ".join(f"{k}={v}" for k, v in self.sizes.items()) + ")"

    def learn(self, symbol, size, source):
        """Record that ``symbol`` has ``size``, as seen in ``source``.

        ``source`` is a description such as ``"xt (3, 10)"``, or a pair
        ``(name, shape)`` that is only turned into text if a message needs it.
        """
        self.sizes[symbol] = size
        self.origin[symbol] = source

    def source_text(self, symbol):
        """Where the size of ``symbol`` came from, e.g. ``"xt (3, 10)"``."""
        source = self.origin.get(symbol)
        if isinstance(source, tuple):
            return f"{source[0]} {format_shape(source[1])}"
        return source


def _terms(symbol):
    """Split ``"n_a + n_x"`` into ``["n_a", "n_x"]``; a plain symbol is one term."""
    return [term.strip() for term in symbol.split("+")]


def check_shape(name, array, shape, dims):
    """Check that ``array.shape`` matches the symbols in ``shape``.

    Arguments:
    name -- the array's name for messages, e.g. ``"a_prev"``
    array -- a numpy array (already through ``as_float_array``)
    shape -- a tuple of symbols (``"n_a"``), sums (``"n_a + n_x"``) or ints
    dims -- a ``Dims``; unknown symbols are learned from this array (a sum
            may contain one unknown term), known ones must agree

    Raises ValueError naming the array, the expected shape with its symbols
    and their sizes, the arrays those sizes came from, and the actual shape.
    """
    if array.ndim != len(shape):
        raise ValueError(f"{name} must be a {len(shape)}-D array of shape "
                         f"{format_shape(shape)}; got a {array.ndim}-D array of "
                         f"shape {format_shape(array.shape)}"
                         + _column_hint(shape, array))
    known = dims.sizes
    mismatch = False
    for symbol, size in zip(shape, array.shape):
        if symbol in known:                            # the common case: a known size
            mismatch |= size != known[symbol]
            continue
        if isinstance(symbol, int):
            mismatch |= size != symbol
            continue
        if "+" not in symbol and size > 0:             # a new plain symbol: learn it
            dims.learn(symbol, size, (name, array.shape))
            continue
        unknown = [t for t in _terms(symbol) if t not in dims]
        known_total = sum(dims[t] for t in _terms(symbol) if t in dims)
        if not unknown:
            mismatch |= size != known_total
        elif size == 0:
            raise ValueError(f"{name} has an empty dimension: {symbol} = 0 in shape "
                             f"{format_shape(array.shape)}")
        elif len(unknown) == 1 and size - known_total >= 1:
            dims.learn(unknown[0], size - known_total, (name, array.shape))
        else:
            mismatch = True
    if mismatch:
        raise ValueError(f"{name} must have shape {format_shape(shape)} = "
                         f"{_expected_sizes(shape, dims)}{_reasons(shape, dims, name)}"
                         f"; got {format_shape(array.shape)}")


def _expected_sizes(shape, dims):
    """The expected shape with known sizes filled in, '?' where unknown."""
    sizes = []
    for symbol in shape:
        if isinstance(symbol, int):
            sizes.append(str(symbol))
        elif all(t in dims for t in _terms(symbol)):
            sizes.append(str(sum(dims[t] for t in _terms(symbol))))
        else:
            sizes.append("?")
    return format_shape(sizes)


def _reasons(shape, dims, name):
    """' to match parameters['Wax'] (5, 3) and xt (3, 10)' for the sizes used."""
    sources = []
    for symbol in shape:
        if isinstance(symbol, int):
            continue
        for term in _terms(symbol):
            source = dims.source_text(term)
            if source and source not in sources and not source.startswith(name + " "):
                sources.append(source)
    return " to match " + " and ".join(sources) if sources else ""


def check_parameters(parameters, required, dims=None):
    """Check a parameter dict and return the sizes it fixes.

    Arguments:
    parameters -- dict mapping names such as ``"Wax"`` to arrays
    required -- dict mapping each needed key to its shape symbols, in the
                order they should be checked, e.g.
                ``{"Wax": ("n_a", "n_x"), "Waa": ("n_a", "n_a"), "ba": ("n_a", 1)}``
    dims -- an existing ``Dims`` to extend (e.g. with n_x known from xt), or None

    Returns the ``Dims`` with every symbol of ``required`` learned.
    Raises TypeError if ``parameters`` is not a dict or an entry is not a
    numpy array of real numbers, KeyError naming a missing key, ValueError
    naming the key, its shape and the expected one (including a bias of shape
    (n_a,) instead of (n_a, 1)) or NaN/inf entries. Extra keys are ignored.
    """
    if not isinstance(parameters, dict):
        raise TypeError("parameters must be a dict of arrays (e.g. {'Wax': ..., "
                        f"'ba': ...}}); got {type(parameters).__name__}")
    dims = Dims() if dims is None else dims
    for key, shape in required.items():
        if key not in parameters:
            raise KeyError(f"parameters is missing {key!r} (shape "
                           f"{format_shape(shape)}); it has keys {sorted(parameters)}")
        name = f"parameters[{key!r}]"
        if not isinstance(parameters[key], np.ndarray):
            raise TypeError(f"{name} must be a numpy array; got "
                            f"{type(parameters[key]).__name__}")
        array = as_float_array(name, parameters[key], shape=shape)
        check_shape(name, array, shape, dims)
    return dims


# Checks shared by the backward passes (``rnn_backward``, ``lstm_backward`` and
# any later cell): the caches of a sequence, how many steps ``da`` covers, and
# whether the gradients stayed finite.

def describe_value(value):
    """A short description of a wrong value for messages: ``"a list of 3 entries"``."""
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} entries"
    return f"a {type(value).__name__}"


def check_sequence_caches(caches, forward, cache_length):
    """Check the pair (list_of_step_caches, x) that a forward pass returned.

    Arguments:
    caches -- what ``forward`` returned as its caches
    forward -- the forward function's name, for messages (``"rnn_forward"``)
    cache_length -- how many entries one step cache of that cell has

    Returns the list of step caches (T_x of them). Raises TypeError naming
    what was expected and what was given.
    """
    if (not isinstance(caches, (tuple, list)) or len(caches) != 2
            or not isinstance(caches[0], (list, tuple)) or len(caches[0]) == 0):
        raise TypeError(f"caches must be the pair (list_of_step_caches, x) returned by "
                        f"{forward}; got {describe_value(caches)}")
    step_caches = caches[0]
    for t, cache in enumerate(step_caches):
        if not isinstance(cache, tuple) or len(cache) != cache_length:
            raise TypeError(f"caches[0][{t}] must be a step cache of {forward} "
                            f"({cache_length} entries); got {describe_value(cache)}")
    return step_caches


def check_da_steps(da, step_caches, forward):
    """Raise ValueError if ``da`` (n_a, m, T_x) has more steps than ``forward`` ran.

    ``da`` may cover the first steps only (a shorter T_x), never more.
    """
    T_x, steps_run = da.shape[2], len(step_caches)
    if T_x > steps_run:
        raise ValueError(f"da has T_x = {T_x} time steps but {forward} ran only "
                         f"{steps_run}; da must have shape (n_a, m, T_x) with "
                         f"T_x <= {steps_run}")


def check_finite_gradients(gradients, function):
    """Raise ValueError naming the first gradient of ``function`` that holds inf or NaN.

    ``gradients`` is a dict of arrays, e.g. {"dWax": (n_a, n_x) array, ...}.
    """
    for key, value in gradients.items():
        if not np.isfinite(value).all():
            raise ValueError(f"{function} produced non-finite values in {key}: "
                             "the upstream gradient or the cached values are too large")


def check_number(name, value, low=None, high=None, *, low_open=False, high_open=False,
                 integer=False):
    """Check a scalar setting and return it (as an int if ``integer``, else a float).

    Arguments:
    name -- the argument's name for messages, e.g. ``"learning_rate"``
    value -- the value to check; bools are refused (``True`` is not a number here)
    low, high -- bounds, or None for none
    low_open, high_open -- if True the bound itself is excluded (``> low``)
    integer -- require an int (a Python or numpy integer)

    Raises TypeError for a non-number (or a non-int when ``integer``),
    ValueError for NaN, inf or a value outside the bounds, with one message
    shape everywhere: ``learning_rate must be a finite number > 0; got -1``.
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        what = "an int" if integer else "a number"
        raise TypeError(f"{name} must be {what}; got {type(value).__name__}")
    bounds = []
    if low is not None:
        bounds.append(f"{'>' if low_open else '>='} {low}")
    if high is not None:
        bounds.append(f"{'<' if high_open else '<='} {high}")
    expected = ("an int" if integer else "a finite number") + (
        " " + " and ".join(bounds) if bounds else "")
    ok = bool(np.isfinite(value))
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        raise ValueError(f"{name} must be {expected}; got {value}")
    return int(value) if integer else float(value)


def as_generator(rng, name="rng"):
    """The random Generator to draw from: ``rng`` itself, or one seeded with it.

    Every function of rnnlib that draws random numbers takes its randomness
    through this one rule: a ``np.random.Generator`` is used as it is (so a
    caller can share one stream between calls); an int >= 0 is a seed, and
    ``np.random.default_rng(seed)`` is used (so the same seed gives the same
    draws). Anything else (None, the legacy ``np.random.RandomState``, the
    ``np.random`` module, a float) raises TypeError: a result must never
    depend on a hidden global state.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"{name} must be a numpy Generator or an int seed >= 0; "
                             f"got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be a numpy Generator or an int seed, e.g. "
                    f"np.random.default_rng(0) or 0; got {type(rng).__name__}")
