"""experiments/dinosaurs.py: a quick run, and the saved results it stands for.

The full comparison takes many minutes and is saved in
experiments/results/dinosaurs.json, which chapter 5 shows. Here a quick run
(one seed, two epochs, 201 steps) must produce results of the same format
with sane values, the count models' scores must equal the saved ones exactly,
and the saved file must be a full run: several seeds, every run stopped early.
"""

import json
import math
import pathlib
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from experiments import dinosaurs  # noqa: E402

from rnnlib import load_dinosaurs, model  # noqa: E402


@pytest.fixture(scope="module")
def quick():
    with threadpool_limits(1, user_api="blas"):   # as the script runs
        return dinosaurs.run(dinosaurs.QUICK)


@pytest.fixture(scope="module")
def saved():
    return json.loads(dinosaurs.RESULTS.read_text(encoding="utf-8"))


def _shape(value):
    """The keys of nested dicts (first element of lists), for comparison."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_shape(value[0])]
    return None


def test_quick_run_has_the_format_of_the_saved_results(quick, saved):
    quick = json.loads(json.dumps(quick))          # as it would be saved
    assert set(quick["meta"]) <= set(saved["meta"])
    quick.pop("meta")
    saved = {key: value for key, value in saved.items() if key != "meta"}
    assert _shape(quick) == _shape(saved)
    assert [m["key"] for m in quick["models"]] == \
        [row["key"] for row in dinosaurs.ROWS]


def test_quick_scores_are_sane(quick):
    uniform = math.log(27)                          # guessing: ln 27 nats
    rows = dinosaurs.table(quick)
    assert len(rows) == 3 + 1 + len(dinosaurs.ROWS)
    for row in rows:
        nats = row["nats"]["mean"]
        assert 1.0 < nats < uniform + 0.5, row["label"]
        assert row["bits"]["mean"] == pytest.approx(nats / math.log(2))
        assert row["perplexity"] == pytest.approx(math.exp(nats))
    for model_row in quick["models"]:
        for run in model_row["runs"]:
            assert run["epochs"] == len(run["valid_curve"]) == 2
            assert 1 <= run["best_epoch"] <= run["epochs"]
    # fewer steps than epochs here: the classic loop is still near uniform
    assert quick["classic"]["runs"][0]["nats"] > quick["ngram"][1]["nats"]


def test_count_models_are_exact_and_equal_to_the_saved_ones(quick, saved):
    assert quick["ngram"] == saved["ngram"]
    assert [n["nats"] for n in saved["ngram"]] == sorted(
        (n["nats"] for n in saved["ngram"]), reverse=True)


def test_parameter_counts_and_matched_sizes():
    rows = {row["key"]: row for row in dinosaurs.resolve_rows()}
    assert dinosaurs.parameter_count("rnn", 48) == 48 * 48 + 2 * 27 * 48 + 48 + 27
    assert dinosaurs.parameter_count("lstm", 48) == \
        4 * 48 * (48 + 27) + 4 * 48 + 27 * 48 + 27
    for row in rows.values():
        if "match" in row:
            target = rows[row["match"]]["parameters"]
            assert abs(row["parameters"] - target) / target < 0.02, row["key"]


def test_classic_run_takes_the_steps_of_the_classic_model():
    names = load_dinosaurs()[:40]
    parameters, _, kept = dinosaurs.classic_run(names, 60, seed=3, keep_at=30)
    reference = model(names, num_iterations=60, seed=3, verbose=False)
    halfway = model(names, num_iterations=30, seed=3, verbose=False)
    for key in reference:
        np.testing.assert_array_equal(parameters[key], reference[key])
        np.testing.assert_array_equal(kept[key], halfway[key])


def test_chaos_starts_one_unit_in_the_last_place_apart(quick):
    for run in quick["chaos"]["runs"]:
        assert 0 < run["perturbation"] < 1e-15
        steps = [step for step, _ in run["curve"]]
        assert steps == [100, 200]
        assert all(gap > 0 for _, gap in run["curve"])


def test_saved_results_are_the_full_experiment(saved):
    assert not saved["meta"]["quick"]
    assert len(saved["meta"]["seeds"]) >= 3
    assert saved["classic"]["steps"] == dinosaurs.CLASSIC_STEPS
    assert len(saved["classic"]["runs"]) >= 3
    for model_row in saved["models"]:
        assert len(model_row["runs"]) >= 3, model_row["key"]
        for run in model_row["runs"]:
            assert run["stopped_early"], (model_row["key"], run["seed"])
    for run in saved["chaos"]["runs"]:
        assert run["parted_at"] is not None
