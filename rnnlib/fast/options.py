"""The engine's knobs, set in one documented place: ``rnnlib.fast.options``.

    import rnnlib.fast as fast
    with fast.options(parts=1, exp_route=False):      # for the calls in this block
        a, y, c, caches = fast.lstm_forward(x, a0, parameters)
    fast.get_options()                                 # the settings in force here

Knobs (and the environment variable that gives each its default when
``rnnlib.fast`` is imported):

parts -- "auto", or how many parts of the batch run side by side in threads
    (``rnnlib.fast.parallel``), capped by the batch size m. "auto": one part
    per usable core, at most ``max_parts``, and only for batches of at least
    ``parallel_min_elements`` values per step. 1 never splits; 2 or more
    split at any size.                              RNNLIB_FAST_PARTS
max_parts -- the most parts "auto" takes (default 2: the largest core count
    the split was measured on; see ``rnnlib.fast.parallel``).
                                                    RNNLIB_FAST_MAX_PARTS
parallel_min_elements -- m * n_a per step from which "auto" splits the
    batch (default 32768).                          RNNLIB_FAST_PARALLEL_MIN_ELEMENTS
parallel_min_product -- with "auto", a matrix product outside the time loop
    (the input projections, the output layer, the weight gradients, dx) of
    at least this much work, M * N * K times the bytes of one value, runs
    in one thread per part (at most ``max_parts``) even when the loop runs
    in one part (default 2**26; chapter 7 measures what the split buys at
    the medium size).                               RNNLIB_FAST_PARALLEL_MIN_PRODUCT
exp_route -- "auto", True or False: compute tanh through exp
    (``rnnlib.fast.activations``). "auto" takes it where it was measured to
    pay: float64 blocks of at least ``exp_route_min_elements`` values per
    step, on a CPU where numpy's float64 tanh is not vectorised (no AVX-512).
                                                    RNNLIB_FAST_EXP_ROUTE
exp_route_min_elements -- m * n_a per step (of one part) from which "auto"
    takes the exp route (default 1024).             RNNLIB_FAST_EXP_ROUTE_MIN_ELEMENTS
single_threaded_blas -- True (default): every call whose matrix products are
    large enough for OpenBLAS to thread them runs them on one BLAS thread
    (``rnnlib.fast.parallel.blas_for_call``). OpenBLAS's threaded products
    can differ in the last bits from single-threaded ones, so this makes
    every result independent of what other threads do at the same time, and
    OpenBLAS's threads cannot wait for busy cores (chapter 7 measures what
    switching it off costs). False
    leaves BLAS's own setting to calls that do not split the batch.
                                                    RNNLIB_FAST_SINGLE_THREADED_BLAS
pool_bytes -- the most bytes of free work buffers kept for reuse
    (``rnnlib.fast.workspace``; default 256 MiB). 0 turns reuse off: every
    buffer is a fresh array.                        RNNLIB_FAST_POOL_BYTES
block_elements -- LSTM and GRU backward: the gate derivatives are prepared
    for blocks of about this many values (m * n_a * steps; default 131072).
                                                    RNNLIB_FAST_BLOCK_ELEMENTS

Scope: ``options(...)`` applies to the calls made inside the ``with`` block
by the thread that entered it (it is a ``contextvars`` context: other threads
keep their own settings, so two threads may use different settings at once).
A thread you start yourself begins with the defaults. No knob changes the
mathematics: results agree with the reference implementation to about 1e-15
relative in float64 whatever the settings (the exp route and the parts change
the last bits only).

A bad name or value raises a TypeError or ValueError naming the knob.
"""

import contextlib
import contextvars
import dataclasses
import os

__all__ = ["Options", "options", "get_options", "defaults_from_environment"]


@dataclasses.dataclass(frozen=True)
class Options:
    """One set of the engine's settings (see the module docstring)."""

    parts: object = "auto"
    max_parts: int = 2
    parallel_min_elements: int = 1 << 15
    parallel_min_product: int = 1 << 26
    exp_route: object = "auto"
    exp_route_min_elements: int = 1024
    single_threaded_blas: bool = True
    pool_bytes: int = 256 << 20
    block_elements: int = 1 << 17

    def __post_init__(self):
        if not (self.parts == "auto" or _is_int(self.parts, minimum=1)):
            raise ValueError("parts must be 'auto' or an integer >= 1; got "
                             f"{self.parts!r}")
        if not isinstance(self.single_threaded_blas, bool):
            raise ValueError("single_threaded_blas must be True or False; got "
                             f"{self.single_threaded_blas!r}")
        if not (self.exp_route == "auto" or isinstance(self.exp_route, bool)):
            raise ValueError("exp_route must be 'auto', True or False; got "
                             f"{self.exp_route!r}")
        for name, minimum in (("max_parts", 1), ("parallel_min_elements", 0),
                              ("parallel_min_product", 0),
                              ("exp_route_min_elements", 0), ("pool_bytes", 0),
                              ("block_elements", 1)):
            value = getattr(self, name)
            if not _is_int(value, minimum):
                raise ValueError(f"{name} must be an integer >= {minimum}; "
                                 f"got {value!r}")


def _is_int(value, minimum):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


_ENVIRONMENT = {
    "parts": "RNNLIB_FAST_PARTS",
    "max_parts": "RNNLIB_FAST_MAX_PARTS",
    "parallel_min_elements": "RNNLIB_FAST_PARALLEL_MIN_ELEMENTS",
    "parallel_min_product": "RNNLIB_FAST_PARALLEL_MIN_PRODUCT",
    "exp_route": "RNNLIB_FAST_EXP_ROUTE",
    "exp_route_min_elements": "RNNLIB_FAST_EXP_ROUTE_MIN_ELEMENTS",
    "single_threaded_blas": "RNNLIB_FAST_SINGLE_THREADED_BLAS",
    "pool_bytes": "RNNLIB_FAST_POOL_BYTES",
    "block_elements": "RNNLIB_FAST_BLOCK_ELEMENTS",
}


def _parse(name, text):
    """A knob's value from the text of its environment variable."""
    text = text.strip()
    if name in ("parts", "exp_route") and text.lower() == "auto":
        return "auto"
    if name in ("exp_route", "single_threaded_blas"):
        words = {"1": True, "true": True, "on": True, "yes": True,
                 "0": False, "false": False, "off": False, "no": False}
        if text.lower() in words:
            return words[text.lower()]
        choices = "auto, on or off" if name == "exp_route" else "on or off"
        raise ValueError(f"{_ENVIRONMENT[name]} must be {choices}; got {text!r}")
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{_ENVIRONMENT[name]} must be an integer"
                         + (" or auto" if name == "parts" else "")
                         + f"; got {text!r}") from None


def defaults_from_environment(environ=None):
    """``Options`` with every knob whose RNNLIB_FAST_* variable is set taken
    from ``environ`` (default ``os.environ``), the others at their defaults."""
    environ = os.environ if environ is None else environ
    values = {name: _parse(name, environ[var])
              for name, var in _ENVIRONMENT.items() if environ.get(var, "").strip()}
    return Options(**values)


_current = contextvars.ContextVar("rnnlib_fast_options",
                                  default=defaults_from_environment())


def get_options():
    """The ``Options`` in force for calls made here (thread and ``with`` block)."""
    return _current.get()


@contextlib.contextmanager
def options(**changes):
    """``with options(parts=1, ...):`` runs the block with these knobs changed.

    The knobs (defaults in brackets; the docstring of the module
    ``rnnlib/fast/options.py`` explains each and its environment variable):
    parts ("auto"), max_parts (2), parallel_min_elements (32768),
    parallel_min_product (2**26), exp_route ("auto"), exp_route_min_elements (1024),
    single_threaded_blas (True), pool_bytes (256 MiB), block_elements (131072).

    Knobs not named keep their current values; blocks nest; the settings hold
    for calls made in this thread inside the block. Yields the ``Options`` in
    force inside the block. Unknown names raise a TypeError, bad values a
    ValueError naming the knob.
    """
    unknown = sorted(set(changes) - set(_ENVIRONMENT))
    if unknown:
        raise TypeError(f"unknown option(s) {', '.join(unknown)}; the knobs are "
                        f"{', '.join(_ENVIRONMENT)}")
    settings = dataclasses.replace(_current.get(), **changes)
    token = _current.set(settings)
    try:
        yield settings
    finally:
        _current.reset(token)
