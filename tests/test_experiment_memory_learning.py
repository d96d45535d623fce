"""experiments/memory_learning.py: a small rerun, and the saved results chapter 3 shows."""

import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from experiments import memory_learning as experiment  # noqa: E402
from rnnlib.memory_learning import train_memory  # noqa: E402

RUN_KEYS = {"cell", "gap", "seed", "n_a", "n_parameters", "updates", "accuracy",
            "learned", "history", "label", "options", "seconds"}


def check_format(results, gaps, seeds):
    settings = results["settings"]
    assert settings["gaps"] == gaps and settings["seeds"] == seeds
    assert len(results["runs"]) == len(gaps) * len(seeds) * len(settings["networks"])
    training = settings["training"]
    for run in results["runs"]:
        assert set(run) == RUN_KEYS
        assert 0.0 <= run["accuracy"] <= 1.0
        assert run["learned"] == (run["accuracy"] >= training["target"])
        assert 1 <= run["updates"] <= training["updates"]
        steps = [row[0] for row in run["history"]]
        assert steps == sorted(steps) and steps[-1] == run["updates"]
        # training stops early only when the validation batch reached stop_at
        if run["updates"] < training["updates"]:
            assert run["history"][-1][2] >= training["stop_at"]
    rows = experiment.summarize(results)
    assert len(rows) == len(gaps) * len(settings["networks"])
    for row in rows:
        assert row["min"] <= row["mean"] <= row["max"]
        assert row["success_rate"] == row["learned"] / row["runs"]


def test_quick_rerun_of_the_script(tmp_path, capsys):
    out = tmp_path / "quick.json"
    experiment.main(["--quick", "--workers", "1", "--out", str(out)])
    results = json.loads(out.read_text(encoding="utf-8"))
    check_format(results, experiment.QUICK["gaps"], experiment.QUICK["seeds"])
    assert results["settings"]["training"]["updates"] == 200
    # sanity: with the forget gate held open, a gap of 2 is learned
    assert all(r["learned"] for r in results["runs"]
               if r["label"] == "LSTM, bf = 3" and r["gap"] == 2)
    assert "saved" in capsys.readouterr().out


@pytest.fixture(scope="module")
def saved():
    return json.loads(experiment.RESULTS.read_text(encoding="utf-8"))


def test_saved_results_have_the_full_grid(saved):
    check_format(saved, experiment.FULL["gaps"], experiment.FULL["seeds"])
    assert saved["settings"]["training"] == experiment.TRAINING
    assert saved["settings"]["networks"] == [list(n) for n in experiment.NETWORKS]


def test_a_saved_run_is_what_train_memory_gives(saved):
    # the cheapest saved run that learned, rerun from its settings
    run = min((r for r in saved["runs"] if r["learned"]),
              key=lambda r: (r["updates"] * r["gap"], r["gap"]))
    again = train_memory(run["cell"], run["gap"], run["seed"], n_a=run["n_a"],
                         **saved["settings"]["training"], **run["options"])
    assert (again.updates, again.accuracy, again.learned) == \
        (run["updates"], run["accuracy"], run["learned"])
