"""rnnlib.fast.options: one documented way to set the engine's knobs."""

import dataclasses
import importlib
import threading

import numpy as np
import pytest

import rnnlib.fast as fast
from rnnlib.fast.options import Options, defaults_from_environment


def test_defaults_and_nesting():
    base = fast.get_options()
    assert base == Options() or base == defaults_from_environment()
    with fast.options(parts=1, exp_route=False) as outer:
        assert fast.get_options() is outer
        assert (outer.parts, outer.exp_route) == (1, False)
        with fast.options(pool_bytes=0):
            inner = fast.get_options()
            assert (inner.parts, inner.exp_route, inner.pool_bytes) == (1, False, 0)
        assert fast.get_options() is outer
    assert fast.get_options() is base


def test_every_knob_is_documented_where_help_shows_it():
    module = importlib.import_module("rnnlib.fast.options")
    for knob in dataclasses.fields(Options):
        assert f"{knob.name} (" in fast.options.__doc__, knob.name     # help(fast.options)
        assert f"\n{knob.name} -- " in module.__doc__, knob.name       # the module's list


def test_environment_variables_give_the_defaults():
    env = {"RNNLIB_FAST_PARTS": "3", "RNNLIB_FAST_EXP_ROUTE": "off",
           "RNNLIB_FAST_POOL_BYTES": "1048576", "RNNLIB_FAST_MAX_PARTS": "8",
           "RNNLIB_FAST_SINGLE_THREADED_BLAS": "no",
           "RNNLIB_FAST_PARALLEL_MIN_ELEMENTS": " ",
           "RNNLIB_FAST_PARALLEL_MIN_PRODUCT": "1000", "UNRELATED": "x"}
    got = defaults_from_environment(env)
    assert got == Options(parts=3, exp_route=False, pool_bytes=1 << 20, max_parts=8,
                          single_threaded_blas=False, parallel_min_product=1000)
    assert defaults_from_environment({"RNNLIB_FAST_PARTS": "auto"}).parts == "auto"
    with pytest.raises(ValueError, match="RNNLIB_FAST_PARTS must be an integer or auto"):
        defaults_from_environment({"RNNLIB_FAST_PARTS": "two"})
    with pytest.raises(ValueError, match="RNNLIB_FAST_EXP_ROUTE must be auto, on or off"):
        defaults_from_environment({"RNNLIB_FAST_EXP_ROUTE": "maybe"})


@pytest.mark.parametrize("changes, error, words", [
    ({"threads": 2}, TypeError, "unknown option(s) threads"),
    ({"parts": 0}, ValueError, "parts must be 'auto' or an integer >= 1"),
    ({"parts": "many"}, ValueError, "parts must be 'auto'"),
    ({"exp_route": "yes"}, ValueError, "exp_route must be 'auto', True or False"),
    ({"pool_bytes": -1}, ValueError, "pool_bytes must be an integer >= 0"),
    ({"max_parts": 2.0}, ValueError, "max_parts must be an integer >= 1"),
    ({"parallel_min_product": -1}, ValueError, "parallel_min_product must be an integer >= 0"),
    ({"single_threaded_blas": 1}, ValueError, "single_threaded_blas must be True"),
])
def test_bad_options_name_the_knob(changes, error, words):
    with pytest.raises(error) as info:
        with fast.options(**changes):
            pass
    assert words in str(info.value)


def test_each_thread_has_its_own_settings():
    seen = {}
    inside = threading.Barrier(2)

    def worker(j):
        with fast.options(parts=j + 1):
            inside.wait(timeout=30)                   # both blocks open at once
            seen[j] = fast.get_options().parts

    threads = [threading.Thread(target=worker, args=(j,)) for j in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert seen == {0: 1, 1: 2}
    assert fast.get_options().parts == defaults_from_environment().parts


def test_settings_change_speed_not_results():
    import rnnlib
    rng = np.random.default_rng(0)
    p = rnnlib.initialize_lstm_parameters(5, 40, 4, rng)
    x, a0 = rng.standard_normal((5, 30, 6)), rng.standard_normal((40, 30))
    a_ref = rnnlib.lstm_forward(x, a0, p)[0]
    for settings in ({}, {"parts": 3}, {"exp_route": True}, {"exp_route": False},
                     {"pool_bytes": 0}, {"single_threaded_blas": False}):
        with fast.options(**settings):
            a = fast.lstm_forward(x, a0, p)[0]
        assert np.max(np.abs(a - a_ref)) < 1e-13, settings
