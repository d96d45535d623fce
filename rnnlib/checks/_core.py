"""The machinery shared by every exercise checker.

A checker runs the reader's function on a few generated inputs, compares what it
returns with the library's own function, and, when they differ, tries to name the
mistake in plain words. Everything here is deterministic: the same wrong function
always gets the same message.

The pieces:

``CheckFailed``
    The exception a checker raises. It is an ``AssertionError`` whose message is
    meant for the reader, e.g. ``"a<1> does not depend on a0: did you start from
    zeros instead of a0?"``.
``Case(label, args)``
    One set of arguments to call the functions with, and a short label saying what
    is special about it (``"n_x=3, n_a=5, m=1"``).
``Mistake(explanation, fn, fields=None)``
    A classic mistake, written as a deliberately wrong copy of the function. If the
    reader's outputs equal the wrong copy's (on ``fields``, or on all outputs),
    the checker reports ``explanation``.
``Probe(fn, examples)``
    Any other diagnosis: ``fn(got, expected, case)`` returns a message or None;
    ``examples`` are wrong functions it must recognise, with the words it says.
``run_checks(name, fn, reference, cases, outputs, arg_names, mistakes=())``
    Does the work; prints ``"<name>: all <k> checks passed."`` on success and
    raises ``CheckFailed`` otherwise.
``compare(got, expected, path)``
    Compare nested tuples/lists/dicts of arrays; return None if they agree, else a
    sentence saying where they first differ.

A new checker (see ``forward.py``) only supplies the cases, the output names and
its list of classic mistakes.

Every checker announces its catalogue (its reference function and its list of
mistakes) before it checks anything: ``run_checks`` does it, and a checker that
does not use ``run_checks`` calls ``announce`` itself. ``catalogue(check)``
collects what a checker announces without running it, so that one test can feed
every checker every wrong function it knows (``tests/test_checks_catalogue.py``).

A reader's function that raises ``NotImplementedError`` (the stubs of the
student notebooks) is not a failure: the checker prints that the function is not
written yet and returns, so the notebook runs on.
"""

import copy
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from ..cells import random_parameters

__all__ = ["CheckFailed", "Case", "Mistake", "Probe", "NotApplicable",
           "Catalogue", "announce", "catalogue", "not_written_yet", "run_checks",
           "compare", "RTOL", "ATOL"]

# Two correct float64 implementations differ only by rounding, around 1e-15;
# every classic mistake changes values by far more than this.
RTOL = 1e-6
ATOL = 1e-8


class CheckFailed(AssertionError):
    """The reader's function does not do what it should; the message says why."""


class NotApplicable(Exception):
    """Raised by a mistake's wrong function on a case where it cannot be made.

    Any other exception from a mistake's own code is a bug in the catalogue and
    is not swallowed.
    """


@dataclass
class Case:
    """One call to test: the arguments and a label for messages."""

    label: str
    args: tuple


@dataclass
class Mistake:
    """A classic mistake, reproduced by a deliberately wrong function.

    explanation -- what to tell the reader, in plain words
    fn -- a function with the same signature that makes exactly this mistake
    fields -- names of the outputs the mistake shows up in (None: all of them);
              the reader's function is diagnosed with this mistake when its
              outputs equal ``fn``'s on these fields and differ from the
              reference there
    """

    explanation: str
    fn: Callable
    fields: Optional[Sequence[str]] = None


@dataclass
class Probe:
    """A diagnosis that is not a wrong copy: ``fn(got, expected, case) -> str | None``.

    ``got`` and ``expected`` are the tuples of outputs of the reader's function
    and of the reference on ``case``. ``examples`` lists ``(wrong_function,
    words)`` pairs: each wrong function must be diagnosed with a message that
    contains ``words`` (the catalogue test feeds every one to the checker).
    """

    fn: Callable
    examples: Sequence = field(default_factory=tuple)


@dataclass
class Catalogue:
    """What a checker knows: its name, its reference function, its mistakes.

    ``examples()`` lists every ``(wrong_function, words)`` pair: a Mistake's
    own function with its explanation, and every example of a Probe.
    """

    name: str
    reference: Callable
    mistakes: Sequence

    def examples(self):
        pairs = []
        for mistake in self.mistakes:
            if isinstance(mistake, Mistake):
                pairs.append((mistake.fn, mistake.explanation))
            else:
                pairs.extend(mistake.examples)
        return pairs


class _Announced(Exception):
    """Carries a checker's catalogue out of it while ``catalogue`` records."""

    def __init__(self, found):
        super().__init__(found.name)
        self.found = found


_RECORDING = []


def announce(name, reference, mistakes):
    """Say what the checker ``check_<name>`` knows; called before any check.

    Does nothing, except while ``catalogue`` is recording: then it hands the
    catalogue over and the checker stops there.
    """
    if _RECORDING:
        raise _Announced(Catalogue(name, reference, tuple(mistakes)))


def catalogue(check):
    """The ``Catalogue`` that the checker function ``check`` announces.

    Raises LookupError if ``check`` returns or fails without announcing one.
    """
    _RECORDING.append(True)
    try:
        check(lambda *args, **kwargs: None)
    except _Announced as announced:
        return announced.found
    except Exception as error:  # noqa: BLE001 - reported below
        raise LookupError(f"{check.__name__} raised {type(error).__name__} before "
                          "announcing its catalogue") from error
    finally:
        _RECORDING.pop()
    raise LookupError(f"{check.__name__} does not announce its catalogue: call "
                      "rnnlib.checks._core.announce (run_checks does) first")


def not_written_yet(name, error):
    """If ``error`` is a NotImplementedError, say so and return True."""
    if isinstance(error, NotImplementedError):
        print(f"{name}: not written yet (your function, or one it calls, raises "
              "NotImplementedError). Replace the `raise NotImplementedError` "
              "with your code and run this cell again.")
        return True
    return False


@dataclass
class _Spec:
    name: str
    outputs: Sequence[str]
    arg_names: Sequence[str]
    mistakes: Sequence = field(default_factory=tuple)


# ---------------------------------------------------------------- comparing


def _fmt(value):
    """A float as short, stable text."""
    return f"{float(value):.6g}"


def _same_kind(got, expected):
    if isinstance(expected, np.ndarray):
        return isinstance(got, np.ndarray)
    if isinstance(expected, (tuple, list)):
        return isinstance(got, (tuple, list))
    if isinstance(expected, dict):
        return isinstance(got, dict)
    return True


def _kind_name(value):
    if isinstance(value, np.ndarray):
        return "a numpy array"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return "a dict"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def compare(got, expected, path, rtol=RTOL, atol=ATOL):
    """Return None if ``got`` equals ``expected`` (to tolerance), else a sentence.

    Arguments:
    got, expected -- arrays, numbers, or tuples/lists/dicts of them (tuples and
                     lists are interchangeable)
    path -- how to name ``got`` in the sentence, e.g. ``"cache[0]"``
    """
    if not _same_kind(got, expected):
        return f"{path} should be {_kind_name(expected)}; got {_kind_name(got)}"
    if isinstance(expected, np.ndarray):
        if got.shape != expected.shape:
            return (f"{path} has shape {got.shape}; expected {expected.shape}")
        if expected.dtype.kind in "fc" and got.dtype.kind not in "fiu":
            return f"{path} should hold numbers; got dtype {got.dtype}"
        if not np.all(np.isfinite(got)):
            return f"{path} contains NaN or infinite values"
        close = np.isclose(got, expected, rtol=rtol, atol=atol)
        if close.all():
            return None
        index = np.unravel_index(np.argmin(close), close.shape)
        where = ", ".join(str(int(i)) for i in index)
        return (f"{path} has the right shape {expected.shape} but wrong values: "
                f"{path}[{where}] is {_fmt(got[index])}, expected {_fmt(expected[index])}")
    if isinstance(expected, (tuple, list)):
        if len(got) != len(expected):
            return f"{path} has {len(got)} items; expected {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            message = compare(g, e, f"{path}[{i}]", rtol, atol)
            if message:
                return message
        return None
    if isinstance(expected, dict):
        missing = sorted(set(expected) - set(got))
        if missing:
            return f"{path} is missing the keys {missing}"
        for key in expected:
            message = compare(got[key], expected[key], f"{path}[{key!r}]", rtol, atol)
            if message:
                return message
        return None
    if isinstance(expected, (int, float, np.number)) and isinstance(got, (int, float, np.number)):
        if np.isclose(got, expected, rtol=rtol, atol=atol):
            return None
        return f"{path} is {_fmt(got)}; expected {_fmt(expected)}"
    if got is expected or got == expected:
        return None
    return f"{path} is {got!r}; expected {expected!r}"


def _compare_outputs(got, expected, names, fields=None):
    """Compare two output tuples on the named fields; None or a sentence."""
    for name, g, e in zip(names, got, expected):
        if fields is None or name in fields:
            message = compare(g, e, name)
            if message:
                return message
    return None


# ---------------------------------------------------------------- running


def _call(fn, case):
    """Call ``fn`` on a private deep copy of the case's arguments."""
    return fn(*copy.deepcopy(case.args))


def _as_outputs(result, spec):
    """The reader's return value as a tuple of outputs, or raise CheckFailed."""
    n = len(spec.outputs)
    wanted = ", ".join(spec.outputs)
    if result is None:
        raise CheckFailed(f"your function returned None: did you forget the return "
                          f"statement? It should return ({wanted}).")
    if n == 1:
        return (result,)
    if not isinstance(result, tuple):
        raise CheckFailed(f"your function should return a tuple of {n} values ({wanted}); "
                          f"it returned {_kind_name(result)}.")
    if len(result) != n:
        raise CheckFailed(f"your function should return {n} values ({wanted}); "
                          f"it returned {len(result)}.")
    return result


def _diagnose(spec, case, got, expected):
    """The first classic mistake that explains ``got``, or None."""
    for mistake in spec.mistakes:
        if isinstance(mistake, Probe):
            if len(got) != len(expected):
                continue  # probes compare output by output
            message = mistake.fn(got, expected, case)
            if message:
                return message
            continue
        try:
            wrong = _call(mistake.fn, case)
        except NotApplicable:  # this mistake cannot be made on this case
            continue
        except Exception as error:
            raise RuntimeError(
                f"check_{spec.name}: the catalogue entry {mistake.explanation[:50]!r} "
                f"is broken: its wrong function raised {type(error).__name__} on "
                f"{case.label}") from error
        if not isinstance(wrong, tuple):
            wrong = (wrong,)
        if len(wrong) != len(got):
            continue
        fields = mistake.fields
        visible = _compare_outputs(wrong, expected, spec.outputs, fields) is not None
        if not visible:
            continue  # this case cannot tell the mistake apart from the right answer
        try:
            same = _compare_outputs(got, wrong, spec.outputs, fields) is None
        except Exception:  # reader's output too strange to compare
            same = False
        if same:
            return mistake.explanation
    return None


def run_checks(name, fn, reference, cases, outputs, arg_names, mistakes=()):
    """Check ``fn`` against ``reference`` on every case; print a verdict or raise.

    Arguments:
    name -- the function's name for messages, e.g. ``"rnn_cell_forward"``
    fn -- the reader's function
    reference -- the library's function with the same signature
    cases -- list of ``Case``
    outputs -- names of the returned values, e.g. ``("a_next", "yt_pred", "cache")``
    arg_names -- names of the arguments, e.g. ``("xt", "a_prev", "parameters")``
    mistakes -- ``Mistake``s and ``Probe``s, tried in order when a case fails

    On success prints ``"<name>: all <k> checks passed."`` and returns None.
    Raises ``CheckFailed`` with a plain-words message at the first failing case.
    If ``fn`` raises NotImplementedError, prints that it is not written yet and
    returns None.
    """
    announce(name, reference, mistakes)
    if not callable(fn):
        raise CheckFailed(f"check_{name} expects your function itself, e.g. "
                          f"check_{name}({name}); got {_kind_name(fn)}.")
    spec = _Spec(name, tuple(outputs), tuple(arg_names), tuple(mistakes))
    total = len(cases)
    for number, case in enumerate(cases, start=1):
        where = f"{name}, check {number} of {total} ({case.label})"
        expected = _as_outputs(_call(reference, case), spec)
        args = copy.deepcopy(case.args)
        try:
            result = fn(*args)
        except CheckFailed:
            raise
        except Exception as error:
            if not_written_yet(name, error):
                return None
            raise CheckFailed(f"{where}: your function raised "
                              f"{type(error).__name__}: {error}") from error
        changed = [arg for arg, before, after in zip(spec.arg_names, case.args, args)
                   if compare(after, before, arg, rtol=0, atol=0)]
        if changed:
            raise CheckFailed(f"{where}: your function changed its argument "
                              f"{changed[0]} in place; work on new arrays instead.")
        try:
            got = _as_outputs(result, spec)
        except CheckFailed as failure:
            diagnosis = _diagnose(spec, case, (result,) if not isinstance(result, tuple)
                                  else result, expected)
            if diagnosis:
                raise CheckFailed(f"{where}: {diagnosis}") from None
            raise CheckFailed(f"{where}: {failure}") from None
        problem = _compare_outputs(got, expected, spec.outputs)
        if problem is None:
            continue
        diagnosis = _diagnose(spec, case, got, expected)
        if diagnosis:
            raise CheckFailed(f"{where}: {diagnosis}\n(In detail: {problem}.)")
        raise CheckFailed(f"{where}: {problem}.")
    print(f"{name}: all {total} checks passed.")


# ---------------------------------------------------------------- inputs
#
# Checkers draw their own parameters with standard deviation 0.7 (not the 0.01 of
# training) and non-zero biases, which keeps tanh and the sigmoids away from both
# their linear and their flat parts: every classic mistake then changes the
# outputs and the gradients visibly.


def random_checker_parameters(cell, rng, n_x, n_a, n_y):
    """Parameters of ``cell`` ("rnn", "lstm", "gru") for a checker, drawn from ``rng``:
    weights with standard deviation 0.7, biases 0.5 (``rnnlib.cells.random_parameters``)."""
    return random_parameters(cell, n_x, n_a, n_y, rng, scale=0.7, bias_scale=0.5)
