"""Every checker's whole catalogue, tested: one generated test per known mistake.

For each ``check_*`` function found in ``rnnlib.checks`` (``all_checkers``, so a
checker module added later is covered without being listed here), the checker's
catalogue gives its reference function and every wrong function it claims to
recognise. The reference must pass; each wrong function must fail with a message
that contains the diagnosis the catalogue names for it; and a stub that raises
NotImplementedError must be reported as "not written yet" without an exception.
"""
import numpy as np
import pytest

from rnnlib.checks import CheckFailed, all_checkers, catalogue
from rnnlib.checks._core import Case, Mistake, NotApplicable, Probe, run_checks

CHECKERS = all_checkers()
CATALOGUES, NOT_ANNOUNCED = {}, {}
for _name, _check in CHECKERS.items():
    try:
        CATALOGUES[_name] = catalogue(_check)
    except LookupError as error:          # reported by the test below
        NOT_ANNOUNCED[_name] = str(error)


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_every_checker_announces_its_catalogue(name):
    assert name not in NOT_ANNOUNCED, NOT_ANNOUNCED.get(name)


def _cases():
    return [pytest.param(name, wrong, words, id=f"{name}-{number}-{words[:40]}")
            for name, found in CATALOGUES.items()
            for number, (wrong, words) in enumerate(found.examples())]


def test_every_checker_is_found():
    assert {"check_rnn_cell_forward", "check_rnn_forward", "check_lstm_cell_forward",
            "check_lstm_forward", "check_rnn_cell_backward", "check_rnn_backward",
            "check_lstm_cell_backward", "check_lstm_backward", "check_clip",
            "check_sample", "check_optimize", "check_model"} <= set(CHECKERS)


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_every_checker_knows_its_mistakes(name):
    # the classic course's four functions: at least five classic mistakes each
    least = 5 if name in {"check_clip", "check_sample", "check_optimize",
                          "check_model"} else 1
    assert len(CATALOGUES[name].examples()) >= least, name


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_every_probe_has_examples(name):
    for entry in CATALOGUES[name].mistakes:
        if isinstance(entry, Probe):
            assert entry.examples, f"{name}: a Probe without examples cannot be tested"


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_the_reference_passes(name, capsys):
    CHECKERS[name](CATALOGUES[name].reference)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_a_stub_is_not_written_yet(name, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError
    assert CHECKERS[name](stub) is None
    assert "not written yet" in capsys.readouterr().out


@pytest.mark.parametrize("name, wrong, words", _cases())
def test_each_mistake_is_named(name, wrong, words):
    with pytest.raises(CheckFailed) as failure:
        CHECKERS[name](wrong)
    assert words in str(failure.value), (
        f"{name} did not name the mistake {words!r}; it said:\n{failure.value}")


def _broken(*args):
    raise KeyError("Wxx")


def _not_here(*args):
    raise NotApplicable


def test_a_broken_catalogue_entry_is_not_swallowed():
    cases = [Case("one", (np.ones(3),))]
    mistakes = [Mistake("never shown", _broken)]
    with pytest.raises(RuntimeError, match="is broken") as error:
        run_checks("double", lambda x: 3 * x, lambda x: 2 * x, cases, ("y",), ("x",),
                   mistakes)
    assert isinstance(error.value.__cause__, KeyError)


def test_a_mistake_may_say_it_does_not_apply():
    cases = [Case("one", (np.ones(3),))]
    mistakes = [Mistake("never shown", _not_here), Mistake("tripled", lambda x: 3 * x)]
    with pytest.raises(CheckFailed, match="tripled"):
        run_checks("double", lambda x: 3 * x, lambda x: 2 * x, cases, ("y",), ("x",),
                   mistakes)
