"""The dinosaur comparison of chapter 5: every model, several seeds, one test set.

    python -m experiments.dinosaurs                                  # ~45 min
    python -m experiments.dinosaurs --quick --out /tmp/quick.json    # seconds
    python -m experiments.dinosaurs --rows gru-match-lstm-48         # add a row

Every model is trained on the same training names (``split_names(names, 0.1,
seed=0)``: 90% of the list) and scored on the same held-out names (the other
10%) by ``charlm.evaluate``: negative log-likelihood per character in nats,
where a name of L letters counts L + 1 predictions (the end token too) and
starts from a<0> = 0. Bits per character are nats / ln 2; perplexity is
e^nats, the number of equally likely characters that would be as uncertain.

What runs:

- the count models (unigram, bigram, trigram; alpha chosen on a validation
  split of the training names): deterministic, one run each;
- the classic course loop (one name per step of SGD, gradients clipped to
  ±5, n_a = 50, the hidden state carried from name to name: the steps of
  ``model`` in chapter 5) on the training names, one run per seed. The row
  scores the weights after CLASSIC_STEPS steps, the course's number; the
  held-out score is also recorded every CLASSIC_EVERY steps up to twice that,
  to show whether more steps would help (it chooses nothing);
- the minibatch models of ``charlm.train`` listed in ROWS, one run per seed,
  each until early stopping fires (MAX_EPOCHS is a safety net; every run
  records whether it stopped early). Rows of the "ablation" group change one
  setting of a "main" row;
- chaos: the classic loop run twice in lockstep, the second copy's
  Waa[0, 0] larger by one unit in the last place (about 1e-18 here). Every
  CHAOS_EVERY steps it records the largest difference between the two sets of
  weights and whether the two sample the same names (same sampling seeds).

The results are saved as JSON (``RESULTS``); chapter 5 reads that file.
"""

import argparse
import dataclasses
import datetime
import json
import math
import pathlib
import platform
import time

import numpy as np
from threadpoolctl import threadpool_limits

from rnnlib import (char_to_ix, initialize_rnn_parameters, load_dinosaurs,
                    make_example, optimize, sample, split_names)
from rnnlib import charlm
from rnnlib.cells import CELLS
from rnnlib.charlm.ngram import NGramModel, choose_alpha

RESULTS = pathlib.Path(__file__).resolve().parent / "results" / "dinosaurs.json"

SEEDS = (0, 1, 2, 3, 4)          # one run per seed for every trained model
MAX_EPOCHS = 200                 # safety net; early stopping ends every run
CLASSIC = {"n_a": 50, "learning_rate": 0.01}   # the course's settings
CLASSIC_STEPS = 22001            # the course's number of steps
CLASSIC_EVERY = 2000             # held-out score every this many steps
CHAOS_SEEDS = (0, 1, 2)
CHAOS_STEPS = 22001
CHAOS_EVERY = 100
CHAOS_NAMES = 7                  # names sampled from each copy per check
ENGINE = "fast"                  # charlm's passes through time: rnnlib.fast
                                 # (the reference functions to ~1e-15)

# One entry per row of the table. "n_a" fixes the size; "match" names the
# row whose parameter count this one matches (the n_a closest to it); a
# "settings" dict overrides fields of charlm.TrainConfig. A new cell of
# rnnlib.cells.CELLS is one more entry.
ROWS = [
    {"key": "rnn-48", "cell": "rnn", "n_a": 48, "group": "main",
     "label": "RNN"},
    {"key": "lstm-48", "cell": "lstm", "n_a": 48, "group": "main",
     "label": "LSTM"},
    {"key": "rnn-match-lstm-48", "cell": "rnn", "match": "lstm-48",
     "group": "main", "label": "RNN, matched to the LSTM"},
    {"key": "lstm-match-rnn-48", "cell": "lstm", "match": "rnn-48",
     "group": "main", "label": "LSTM, matched to the RNN"},
    {"key": "gru-match-lstm-48", "cell": "gru", "match": "lstm-48",
     "group": "main", "label": "GRU, matched to the LSTM"},
    {"key": "gru-match-rnn-48", "cell": "gru", "match": "rnn-48",
     "group": "main", "label": "GRU, matched to the RNN"},
    {"key": "rnn-48-no-dropout", "cell": "rnn", "n_a": 48,
     "settings": {"dropout": 0.0}, "group": "ablation",
     "label": "RNN, no dropout"},
    {"key": "lstm-48-no-dropout", "cell": "lstm", "n_a": 48,
     "settings": {"dropout": 0.0}, "group": "ablation",
     "label": "LSTM, no dropout"},
    {"key": "rnn-match-lstm-48-no-dropout", "cell": "rnn",
     "match": "lstm-48", "settings": {"dropout": 0.0}, "group": "ablation",
     "label": "RNN matched to the LSTM, no dropout"},
    {"key": "lstm-match-rnn-48-no-dropout", "cell": "lstm",
     "match": "rnn-48", "settings": {"dropout": 0.0}, "group": "ablation",
     "label": "LSTM matched to the RNN, no dropout"},
    {"key": "lstm-48-forget-bias-0", "cell": "lstm", "n_a": 48,
     "settings": {"forget_bias": 0.0}, "group": "ablation",
     "label": "LSTM, forget-gate bias 0"},
]


@dataclasses.dataclass(frozen=True)
class Plan:
    """How much to run: the full experiment, or a quick check of it."""
    seeds: tuple = SEEDS
    max_epochs: int = MAX_EPOCHS
    classic_steps: int = CLASSIC_STEPS
    classic_every: int = CLASSIC_EVERY
    chaos_seeds: tuple = CHAOS_SEEDS
    chaos_steps: int = CHAOS_STEPS
    chaos_every: int = CHAOS_EVERY


QUICK = Plan(seeds=(0,), max_epochs=2, classic_steps=201, classic_every=100,
             chaos_seeds=(0,), chaos_steps=201, chaos_every=100)

def parameter_count(cell, n_a, vocab_size=27):
    """Number of trainable numbers of a ``cell`` model with n_a units."""
    parameters = CELLS[cell].initialize(vocab_size, n_a, vocab_size,
                                        np.random.default_rng(0))
    return int(sum(value.size for value in parameters.values()))


def matched_n_a(cell, target, largest=400):
    """The n_a whose ``cell`` model's parameter count is closest to target."""
    return min(range(1, largest + 1),
               key=lambda n_a: abs(parameter_count(cell, n_a) - target))


def resolve_rows(rows=ROWS):
    """The rows with n_a and the parameter count filled in."""
    by_key, resolved = {}, []
    for row in rows:
        row = dict(row, settings=dict(row.get("settings", {})))
        if "match" in row:
            target = by_key[row["match"]]["parameters"]
            row["n_a"] = matched_n_a(row["cell"], target)
        row["parameters"] = parameter_count(row["cell"], row["n_a"])
        by_key[row["key"]] = row
        resolved.append(row)
    return resolved


def split():
    """The chapter's split of the names: (training names, held-out names)."""
    return split_names(load_dinosaurs(), 0.1, seed=0)


def run_ngrams(train_names, test_names):
    """Held-out nats/char of the unigram, bigram and trigram models."""
    rows = []
    for order, key in [(1, "unigram"), (2, "bigram"), (3, "trigram")]:
        alpha = choose_alpha(order, train_names)
        model = NGramModel(order, alpha).fit(train_names)
        rows.append({"key": key, "order": order, "alpha": alpha,
                     "parameters": int(model.counts.size),
                     "nats": model.nll(test_names)})
    return rows


def classic_run(names, steps, seed, every=None, score=None, keep_at=None,
                n_a=50, learning_rate=0.01):
    """The classic loop, step for step as ``model`` (chapter 5) takes it.

    Arguments:
    names -- the training names, lower-case
    steps -- number of SGD steps, one name each
    seed -- seeds the weights and the order of the names, as in ``model``
    every -- call ``score(parameters)`` after every ``every`` steps
    score -- a function of the parameters, e.g. held-out nats/char
    keep_at -- also return a copy of the weights after this many steps

    Returns (parameters, curve, kept): curve = [[step, score], ...], kept
    the copy (None without keep_at).
    """
    rng = np.random.default_rng(seed)
    parameters = initialize_rnn_parameters(27, n_a, 27, rng)
    examples = list(names)
    rng.shuffle(examples)                   # once, then in a cycle
    a_prev = np.zeros((n_a, 1))             # carried from name to name
    curve, kept = [], None
    for j in range(steps):
        X, Y = make_example(examples[j % len(examples)])
        _, _, a_prev = optimize(X, Y, a_prev, parameters, learning_rate)
        if every and (j + 1) % every == 0:
            curve.append([j + 1, score(parameters)])
        if j + 1 == keep_at:
            kept = {k: v.copy() for k, v in parameters.items()}
    return parameters, curve, kept


def run_classic(train_names, test_names, plan):
    """One classic run per seed: the score after classic_steps, the curve.

    Each run goes on to twice classic_steps, scoring the held-out names
    every classic_every steps; only the weights after classic_steps make
    the row.
    """
    def held_out(parameters):
        return charlm.evaluate(parameters, test_names, "rnn", ENGINE)

    runs = []
    for seed in plan.seeds:
        _, curve, kept = classic_run(
            train_names, 2 * plan.classic_steps, seed, plan.classic_every,
            held_out, keep_at=plan.classic_steps, **CLASSIC)
        runs.append({"seed": seed, "nats": held_out(kept), "curve": curve})
        print(f"  classic seed {seed}: {runs[-1]['nats']:.4f} nats",
              flush=True)
    return {"steps": plan.classic_steps, **CLASSIC,
            "parameters": parameter_count("rnn", CLASSIC["n_a"]),
            "runs": runs}


def run_rows(train_names, test_names, rows, plan):
    """Train every row once per seed; held-out nats and the curves."""
    results = []
    for row in rows:
        runs = []
        for seed in plan.seeds:
            history = []
            parameters = charlm.train(
                train_names, row["cell"], progress=False, history=history,
                seed=seed, n_a=row["n_a"], max_epochs=plan.max_epochs,
                engine=ENGINE, **row["settings"])
            valid = [h["valid_nll"] for h in history]
            runs.append({
                "seed": seed,
                "nats": charlm.evaluate(parameters, test_names, row["cell"],
                                        ENGINE),
                "epochs": len(history),
                "best_epoch": int(np.argmin(valid)) + 1,
                "stopped_early": len(history) < plan.max_epochs,
                "valid_curve": [float(v) for v in valid],
                "train_curve": [float(h["train_nll"]) for h in history],
            })
            print(f"  {row['key']} seed {seed}: {runs[-1]['nats']:.4f} nats,"
                  f" {len(history)} epochs", flush=True)
        results.append(dict(row, runs=runs))
    return results


def chaos_run(names, steps, seed, every, n_samples=CHAOS_NAMES):
    """Two classic runs, one weight apart by one ulp; where they part.

    Returns a dict: ``curve`` = [[step, largest |weight difference|], ...]
    every ``every`` steps, ``parted_at`` = the first such step at which the
    two copies sample different names from the same seeds (None if never),
    and ``perturbation``, the size of the initial difference.
    """
    rng = np.random.default_rng(seed)
    n_a = CLASSIC["n_a"]
    one = initialize_rnn_parameters(27, n_a, 27, rng)
    two = {name: value.copy() for name, value in one.items()}
    two["Waa"][0, 0] = np.nextafter(two["Waa"][0, 0], np.inf)
    perturbation = float(two["Waa"][0, 0] - one["Waa"][0, 0])
    examples = list(names)
    rng.shuffle(examples)
    a_one, a_two = np.zeros((n_a, 1)), np.zeros((n_a, 1))
    curve, parted_at = [], None
    for j in range(steps):
        X, Y = make_example(examples[j % len(examples)])
        _, _, a_one = optimize(X, Y, a_one, one, CLASSIC["learning_rate"])
        _, _, a_two = optimize(X, Y, a_two, two, CLASSIC["learning_rate"])
        if (j + 1) % every == 0:
            gap = max(float(np.abs(one[k] - two[k]).max()) for k in one)
            curve.append([j + 1, gap])
            if parted_at is None:
                seeds = range(1000, 1000 + n_samples)
                if ([sample(one, char_to_ix, s) for s in seeds]
                        != [sample(two, char_to_ix, s) for s in seeds]):
                    parted_at = j + 1
    return {"seed": seed, "perturbation": perturbation,
            "parted_at": parted_at, "curve": curve}


def run_chaos(train_names, plan):
    return {"steps": plan.chaos_steps, "every": plan.chaos_every,
            "weight": "Waa[0, 0]", "n_samples": CHAOS_NAMES,
            "runs": [chaos_run(train_names, plan.chaos_steps, seed,
                               plan.chaos_every)
                     for seed in plan.chaos_seeds]}


def run(plan=Plan(), rows=ROWS, parts=("ngram", "classic", "models",
                                       "chaos")):
    """Run the experiment; returns the results as a JSON-ready dict."""
    start = time.perf_counter()
    train_names, test_names = split()
    results = {"meta": {
        "date": datetime.date.today().isoformat(),
        "numpy": np.__version__, "python": platform.python_version(),
        "machine": platform.machine(),
        "quick": plan != Plan(), "seeds": list(plan.seeds),
        "max_epochs": plan.max_epochs, "engine": ENGINE,
        "n_train": len(train_names), "n_test": len(test_names),
        "split": "split_names(load_dinosaurs(), 0.1, seed=0)"}}
    if "ngram" in parts:
        results["ngram"] = run_ngrams(train_names, test_names)
    if "classic" in parts:
        print("classic loop", flush=True)
        results["classic"] = run_classic(train_names, test_names, plan)
    if "models" in parts:
        print("minibatch models", flush=True)
        results["models"] = run_rows(train_names, test_names,
                                     resolve_rows(rows), plan)
    if "chaos" in parts:
        print("chaos", flush=True)
        results["chaos"] = run_chaos(train_names, plan)
    results["meta"]["minutes"] = round((time.perf_counter() - start) / 60, 1)
    return results


# ---- reading the results (used by chapter 5 and the tests) -------------

def spread(values):
    """Mean, sample standard deviation, min and max of a list of numbers."""
    values = np.asarray(values, dtype=float)
    std = float(values.std(ddof=1)) if values.size > 1 else 0.0
    return {"mean": float(values.mean()), "std": std,
            "min": float(values.min()), "max": float(values.max()),
            "n": int(values.size)}


def table(results):
    """One dict per row of the comparison: counts, classic, then ROWS.

    Each row: key, label, group, parameters, seeds, epochs (min, max) or
    None, nats (a ``spread``), bits (mean, std), perplexity (e^mean nats).
    """
    rows = []
    for ngram in results.get("ngram", []):
        rows.append({"key": ngram["key"], "group": "count",
                     "name": f"{ngram['key']} (alpha = {ngram['alpha']:g})",
                     "n_a": None,
                     "label": f"{ngram['key']} (alpha = {ngram['alpha']:g})",
                     "parameters": ngram["parameters"], "epochs": None,
                     "nats": spread([ngram["nats"]])})
    if "classic" in results:
        classic = results["classic"]
        rows.append({"key": "classic", "group": "classic",
                     "name": f"classic loop, {classic['steps']:,} steps",
                     "n_a": classic["n_a"],
                     "label": f"classic loop, {classic['steps']:,} steps "
                              f"(n_a = {classic['n_a']})",
                     "parameters": classic["parameters"], "epochs": None,
                     "nats": spread([r["nats"] for r in classic["runs"]])})
    for model in results.get("models", []):
        epochs = [r["epochs"] for r in model["runs"]]
        rows.append({"key": model["key"], "group": model["group"],
                     "name": model["label"], "n_a": model["n_a"],
                     "label": f"{model['label']} (n_a = {model['n_a']})",
                     "parameters": model["parameters"],
                     "epochs": (min(epochs), max(epochs)),
                     "nats": spread([r["nats"] for r in model["runs"]])})
    for row in rows:
        nats = row["nats"]
        row["seeds"] = nats["n"]
        row["bits"] = {"mean": nats["mean"] / math.log(2),
                       "std": nats["std"] / math.log(2)}
        row["perplexity"] = math.exp(nats["mean"])
    return rows


def format_table(results, groups=("count", "classic", "main", "ablation")):
    """The comparison as text: one line per row, mean ± sample std."""
    lines = [f"{'model':58s} {'params':>7s} {'seeds':>5s} {'epochs':>7s} "
             f"{'nats/char':>15s} {'bits/char':>15s} {'perplexity':>10s}"]
    for row in table(results):
        if row["group"] not in groups:
            continue
        epochs = "" if row["epochs"] is None else "{}-{}".format(*row["epochs"])
        nats, bits = row["nats"], row["bits"]
        lines.append(
            f"{row['label']:58s} {row['parameters']:7,d} {row['seeds']:5d} "
            f"{epochs:>7s} {nats['mean']:8.3f} ± {nats['std']:.3f} "
            f"{bits['mean']:8.3f} ± {bits['std']:.3f} "
            f"{row['perplexity']:10.2f}")
    return "\n".join(lines)


GROUP_TITLES = {"count": "Count models (deterministic)",
                "classic": "The classic loop (SGD, one name per step)",
                "main": "Minibatch models (Adam, dropout, early stopping)",
                "ablation": "Ablations: one setting of a row above changed"}


def table_html(results):
    """The comparison as an HTML table, grouped as in GROUP_TITLES."""
    cell = '<td style="white-space: nowrap; padding-left: 0.8em">'
    head = ("<tr><th>model</th><th><i>n</i><sub>a</sub></th>"
            "<th>parameters</th><th>seeds</th><th>epochs</th>"
            "<th>nats/char</th><th>bits/char</th><th>perplexity</th></tr>")
    body, group = [], None
    for row in table(results):
        if row["group"] != group:
            group = row["group"]
            body.append(f'<tr><th colspan="8" style="text-align:left">'
                        f"{GROUP_TITLES[group]}</th></tr>")
        nats, bits = row["nats"], row["bits"]
        spread_ = row["seeds"] > 1
        epochs = ("" if row["epochs"] is None
                  else "{}&ndash;{}".format(*row["epochs"]))
        n_a = "" if row["n_a"] is None else row["n_a"]
        body.append(
            f"<tr><td>{row['name']}</td>{cell}{n_a}</td>"
            f"{cell}{row['parameters']:,}</td><td>{row['seeds']}</td>"
            f"{cell}{epochs}</td>{cell}{nats['mean']:.3f}"
            + (f" &plusmn; {nats['std']:.3f}" if spread_ else "") + "</td>"
            f"{cell}{bits['mean']:.3f}"
            + (f" &plusmn; {bits['std']:.3f}" if spread_ else "") + "</td>"
            f"{cell}{row['perplexity']:.2f}</td></tr>")
    return ('<table style="font-size: 0.85em">\n<thead>' + head
            + "</thead>\n<tbody>\n" + "\n".join(body)
            + "\n</tbody>\n</table>")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="one seed, two epochs, 201 steps: a smoke test")
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS)
    parser.add_argument("--parts", default="ngram,classic,models,chaos",
                        help="comma-separated parts to run (all by default)")
    parser.add_argument("--rows", default="",
                        help="comma-separated keys of ROWS: run only these "
                             "and merge them into the existing --out file")
    args = parser.parse_args(argv)
    threadpool_limits(1, user_api="blas")   # small products: threads only wait
    plan = QUICK if args.quick else Plan()
    if args.rows:
        keys = args.rows.split(",")
        results = json.loads(args.out.read_text())
        chosen = [row for row in resolve_rows() if row["key"] in keys]
        new = run_rows(*split(), chosen, plan)
        kept = [m for m in results["models"] if m["key"] not in keys]
        order = [row["key"] for row in ROWS]
        results["models"] = sorted(kept + new,
                                   key=lambda m: order.index(m["key"]))
    else:
        results = run(plan, parts=tuple(args.parts.split(",")))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(format_table(results))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
