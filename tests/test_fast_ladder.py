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
def test_rungs_equal_the_reference(rung, T_da):
    rng = np.random.default_rng(0)
    problem = make_problem("lstm", 7, 9, 3, 6, rng)
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    ref_forward, ref_backward = ladder.RUNGS["reference"]
    forward, backward = ladder.RUNGS[rung]
    *want, ref_caches = ref_forward(x, a0, p)
    *got, caches = forward(x, a0, p)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
    want_grads = ref_backward(da[:, :, :T_da], ref_caches)
    got_grads = backward(da[:, :, :T_da], caches)
    assert list(got_grads) == list(want_grads)
    for key in want_grads:
        np.testing.assert_allclose(got_grads[key], want_grads[key], rtol=1e-12,
                                   atol=1e-14, err_msg=key)


def test_benchmark_helpers_run():
    rng = np.random.default_rng(1)
    for cell in ("rnn", "lstm", "gru"):
        for dtype in (np.float64, np.float32):
            problem = make_problem(cell, 5, 6, 2, 3, rng, dtype=dtype)
            samples = time_interleaved({"floor": floor_runner(problem)}, 2)
            assert len(samples["floor"]) == 2
    assert 0 < matmul_flops("rnn", 27, 50, 1, 12) < matmul_flops("lstm", 27, 50, 1, 12)


def test_benchmark_table_shows_only_measured_engines():
    from benchmarks.bench_engines import format_table
    results = [{"cell": "lstm", "size": "tiny", "shape": [2, 3, 1, 4], "dtype": "float64",
                "times": {"reference": 3e-3, "fast": 1e-3, "floor": 5e-4}}]
    lines = format_table(results).splitlines()
    assert lines[1].strip() == "tiny (2, 3, 1, 4)"
    header, row = lines[3].split(), lines[4].split()
    assert "torch" not in lines[3] and header[-2:] == ["ref/fast", "fast/floor"]
    assert row == ["lstm", "tiny", "float64", "3.000", "1.000", "0.500", "3.00", "2.00"]
    results[0]["times"]["torch"] = 2e-3
    assert format_table(results).splitlines()[4].split()[-1] == "0.50"   # fast / torch
    results[0]["times"]["seed"] = results[0]["times"].pop("reference")  # older files
    assert format_table(results).splitlines()[4].split()[3] == "3.000"


def test_targets_and_spread_over_runs():
    from benchmarks.bench_engines import check_targets, format_spread, summarize_runs

    def result(cell, size, dtype, fast, torch):
        return {"cell": cell, "size": size, "shape": [1, 1, 1, 1], "dtype": dtype,
                "times": {"fast": fast, "torch": torch}}

    runs = [[result("lstm", "medium", "float32", 1.0, t),
             result("gru", "medium", "float64", 1.0, 1.0)] for t in (0.9, 1.1, 1.25)]
    summary = summarize_runs(runs)
    med, lo, hi = summary["lstm", "medium", "float32"]["fast_over_torch"]
    assert (round(lo, 3), round(med, 3), round(hi, 3)) == (0.8, 0.909, 1.111)
    assert "0.91 [0.80 - 1.11]" in format_spread(runs)
    checks = check_targets(runs[0])                    # the GRU named as torch's own
    assert [(text, met) for text, _, met in checks] == [
        ("lstm: fast/torch <= 1.0 at medium size, float32", False),
        ("gru: fast/torch <= 0.8 at medium size, float64 (torch.nn.GRU: its own "
         "formulation)", False)]


def test_the_onednn_control_is_reported_both_ways():
    from benchmarks.bench_engines import format_control, ratios

    def result(torch_no_onednn):
        times = {"fast": 1.0, "torch": 0.8}
        if torch_no_onednn is not None:
            times["torch_no_onednn"] = torch_no_onednn
        return {"cell": "lstm", "size": "small batch", "shape": [1, 1, 1, 1],
                "dtype": "float32", "times": times}

    assert ratios(result(None))["fast_over_torch_no_onednn"] is None
    assert ratios(result(2.0))["fast_over_torch_no_onednn"] == 0.5
    assert format_control([[result(None)]]) == []
    lines = format_control([[result(t)] for t in (2.0, 4.0, 2.5)])
    assert lines[-1].split() == ["lstm", "small", "batch", "float32", "1.25", "[1.25",
                                 "-", "1.25]", "|", "0.40", "[0.25", "-", "0.50]"]


def test_every_command_of_a_saved_file_is_named():
    from benchmarks.bench_engines import format_commands
    machine = {"date": "d1", "cpu": "cpu", "cores": 2, "numpy": "2", "torch": "t",
               "load_average_1min_before": 0.5, "command": "python bench --save f"}
    assert format_commands({"machine": machine}) == [
        "d1: cpu (2 cores), numpy 2, torch t, load average 0.5 at the start",
        "  python bench --save f"]
    second = {**machine, "date": "d2", "command": "python bench --add --save f"}
    del second["torch"]
    lines = format_commands({"machine": second, "machines": [machine, second]})
    assert lines[2:] == ["d2: cpu (2 cores), numpy 2, torch not installed, load average "
                         "0.5 at the start", "  python bench --add --save f"]
    second["commit"] = "abc1234"
    assert format_commands({"machine": second})[0].endswith(
        "at the start, engine at commit abc1234")


def test_the_measured_commit_is_recorded():
    from benchmarks.bench_engines import engine_commit, machine_info
    commit = engine_commit()
    assert commit is None or len(commit.split()[0]) >= 7
    assert machine_info()["commit"] == commit


def test_machines_are_compared_by_median_against_each_target():
    from benchmarks.bench_engines import format_machines, targets_missed, torch_target_table

    def result(cell, size, dtype, fast, torch=1.0):
        return {"cell": cell, "size": size, "shape": [1, 1, 1, 1], "dtype": dtype,
                "times": {"fast": fast, "torch": torch}}

    first = {"runs": [[result("rnn", "medium", "float64", f),
                       result("lstm", "medium", "float32", 0.9),
                       result("rnn", "large", "float64", 5.0)] for f in (0.7, 0.75, 0.85)]}
    second = {"runs": [[result("rnn", "medium", "float64", f)] for f in (0.79, 0.81, 0.82)]}
    assert ("rnn", "large", "float64") not in torch_target_table(first)   # no target there
    assert torch_target_table(first)["rnn", "medium", "float64"] == (0.75, 0.7, 0.85)
    assert targets_missed(first) == []                 # one run above 0.8, the median below
    assert targets_missed(second) == [("rnn", "medium", "float64")]
    lines = format_machines([first, second], ["one", "two"])
    assert lines[1].split() == ["cell", "size", "dtype", "target", "one", "two"]
    assert lines[2].split() == ["rnn", "medium", "float64", "0.8", "0.75", "[0.70", "-",
                                "0.85]", "0.81", "[0.79", "-", "0.82]*"]
    assert lines[3].split()[-1] == "-"                 # not measured on the second machine
    assert lines[3].split()[:8] == ["lstm", "medium", "float32", "1.0", "0.90", "[0.90",
                                    "-", "0.90]"]


def test_the_activations_runner_computes_the_loop_calls():
    from benchmarks.bench_engines import activations_runner
    problem = make_problem("lstm", 5, 4, 3, 6, np.random.default_rng(2), dtype=np.float32)
    gates = activations_runner(problem)()
    assert gates.shape == (6, 3, 16) and gates.dtype == np.float32
    Z = np.random.default_rng(0).uniform(-4, 4, (6, 3, 16)).astype(np.float32)
    np.testing.assert_allclose(gates[:, :, 4:], np.exp(Z[:, :, 4:]), rtol=1e-6)
    np.testing.assert_allclose(gates[:, :, :4], np.tanh(Z[:, :, :4]), rtol=1e-6)


def test_the_bound_is_reported_against_the_faster_torch():
    from benchmarks.bench_engines import bound_ratios, format_bound
    samples = {"fast": [3.0, 3.0, 12.0, 3.0], "floor": [1.0, 1.0, 2.0, 1.0],
               "floor + exp/tanh": [2.0, 2.0, 4.0, 2.0],
               "torch1": [4.0, 4.0, 4.0, 4.0], "torch2": [2.0, 2.0, 4.0, 2.0]}
    found = bound_ratios({"medium": samples})["medium"]
    assert list(found) == ["floor", "floor + exp/tanh", "fast"]
    assert found["floor"] == (0.5, 0.5, 0.5)             # against torch2, round by round
    assert found["fast"] == (1.5, 1.5, 1.875)             # the interquartile range
    lines = format_bound({"medium": samples})
    assert lines[-1].split() == ["medium", "0.50", "[0.50", "-", "0.50]", "1.00", "[1.00",
                                 "-", "1.00]", "1.50", "[1.50", "-", "1.88]"]
    samples["torch2"] = [9.0] * 4                        # now torch1 is the faster
    assert bound_ratios({"medium": samples})["medium"]["floor"][0] == 0.25
    assert format_bound(None) == []


def test_saving_one_part_keeps_the_others():
    from benchmarks.bench_engines import _added
    machine = {"date": "then"}
    result = {"cell": "lstm", "size": "medium", "times": {"fast": 1.0}}
    old = {"machine": machine, "results": [result], "runs": [[result]],
           "ideas": {"lstm": {}}, "bound": {"medium": {"fast": [1.0]}}}
    new = {"machine": {"date": "now"}, "results": [], "runs": [], "ideas": None,
           "bound": None}
    merged = _added(old, new, {})
    assert merged["results"] == [result] and merged["bound"] == old["bound"]
    assert merged["ideas"] == old["ideas"]
    assert [m["date"] for m in merged["machines"]] == ["then", "now"]
    new["bound"] = {"small batch": {"fast": [2.0]}}
    assert _added(old, new, {})["bound"] == new["bound"]
    old["split"] = [{"cell": "rnn"}]
    assert _added(old, new, {})["split"] == old["split"]   # kept when not measured again
    new["split"] = [{"cell": "gru"}]
    assert _added(old, new, {})["split"] == new["split"]


def test_the_split_is_reported_as_two_parts_over_one():
    from benchmarks.bench_engines import format_split, measure_split, split_ratios
    entry = {"cell": "lstm", "dtype": "float64", "shape": [65, 128, 32, 50],
             "times": {"one part": [2.0] * 5, "two parts": [1.0, 1.0, 1.4, 2.4, 4.0]}}
    [(cell, dtype, shape, values, med, q1, q3)] = split_ratios([entry])
    assert (cell, dtype, shape, values) == ("lstm", "float64", (65, 128, 32, 50), 4096)
    assert round(med, 3) == 0.7                          # 1.4 / 2.0: ratio of the medians
    assert (round(q1, 3), round(q3, 3)) == (0.5, 1.2)    # of the ratios .5 .5 .7 1.2 2
    assert format_split([entry])[-1].split()[-4:] == ["0.70", "[0.50", "-", "1.20]"]
    entry["times"]["two parts"][3] = 1.8                 # now four rounds in five paid
    assert format_split([entry])[-1].endswith("0.90]*")
    assert format_split(None) == []
    found = measure_split(cells=("rnn",), dtypes=("float32",), shapes=((3, 4, 2, 2),),
                          repeats=2)
    assert [(e["cell"], e["dtype"], e["shape"]) for e in found] == [
        ("rnn", "float32", [3, 4, 2, 2])]
    assert [len(v) for v in found[0]["times"].values()] == [2, 2]


def test_the_bound_runs_with_torch():
    pytest.importorskip("torch")
    from benchmarks.bench_engines import bound_ratios, measure_bound
    bound = measure_bound(sizes=("small batch",), repeats=2)
    assert set(bound["small batch"]) == {"fast", "floor", "floor + exp/tanh", "torch1",
                                         "torch2"}
    assert all(len(v) == 2 for v in bound["small batch"].values())
    assert set(bound_ratios(bound)["small batch"]) == {"floor", "floor + exp/tanh", "fast"}
