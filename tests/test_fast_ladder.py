"""benchmarks/ladder.py: every rung computes what the reference implementation does."""

import pathlib
import sys

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from benchmarks import ladder  # noqa: E402
from benchmarks.bench_engines import (floor_runner, make_problem,  # noqa: E402
                                      matmul_flops, time_interleaved)


@pytest.mark.parametrize("rung", list(ladder.RUNGS))
@pytest.mark.parametrize("T_da", [6, 4])
def test_rungs_equal_the_seed_api(rung, T_da):
    rng = np.random.default_rng(0)
    problem = make_problem("lstm", 7, 9, 3, 6, rng)
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    seed_forward, seed_backward = ladder.RUNGS["seed"]
    forward, backward = ladder.RUNGS[rung]
    *want, seed_caches = seed_forward(x, a0, p)
    *got, caches = forward(x, a0, p)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
    want_grads = seed_backward(da[:, :, :T_da], seed_caches)
    got_grads = backward(da[:, :, :T_da], caches)
    assert list(got_grads) == list(want_grads)
    for key in want_grads:
        np.testing.assert_allclose(got_grads[key], want_grads[key], rtol=1e-12,
                                   atol=1e-14, err_msg=key)


def test_benchmark_helpers_run():
    rng = np.random.default_rng(1)
    for cell in ("rnn", "lstm"):
        problem = make_problem(cell, 5, 6, 2, 3, rng)
        samples = time_interleaved({"floor": floor_runner(problem)}, 2)
        assert len(samples["floor"]) == 2
    assert 0 < matmul_flops("rnn", 27, 50, 1, 12) < matmul_flops("lstm", 27, 50, 1, 12)


def test_benchmark_table_shows_only_measured_engines():
    from benchmarks.bench_engines import format_table
    results = [{"cell": "lstm", "size": "tiny", "shape": [2, 3, 1, 4],
                "times": {"seed": 3e-3, "fast": 1e-3, "floor": 5e-4}}]
    lines = format_table(results).splitlines()
    assert lines[1].strip() == "tiny (2, 3, 1, 4)"
    header, row = lines[3].split(), lines[4].split()
    assert "torch" not in lines[3] and header[-2:] == ["seed/fast", "fast/floor"]
    assert row == ["lstm", "tiny", "3.000", "1.000", "0.500", "3.00", "2.00"]
    results[0]["times"]["torch"] = 2e-3
    assert format_table(results).splitlines()[4].split()[-1] == "0.50"   # fast / torch
