"""Can RNNs, LSTMs and GRUs learn the memory task? Success rate against gap (chapters 3, 4).

For every gap, seed and network below, ``rnnlib.memory_learning.train_memory``
trains one network from random weights with the book's reference forward and
backward passes, global-norm clipping and Adam, within the same budget of
updates, and tests it on fresh sequences. The networks have about the same
number of parameters (RNNs of 17 units: 393, LSTMs of 8: 402, GRUs of 9:
371; a GRU of 10 would have 442). The LSTM is run with three initial
forget-gate biases, because that bias decides how much gradient crosses the
gap at the start of training (chapter 3); the GRU with two initial
update-gate biases, 0 and -3 (its analogue: a negative bu keeps the state,
chapter 4); the RNN with two starting W_aa, Gaussian like every other
weight, or orthogonal.

    .venv/bin/python experiments/memory_learning.py            # full grid, saves JSON
    .venv/bin/python experiments/memory_learning.py --quick    # small, prints
    .venv/bin/python experiments/memory_learning.py --only "GRU, bu = -3"

``--only LABEL`` (repeatable) runs the full grid for those networks only and
merges their runs into the saved JSON: the runs of every other network are
kept as they are, not recomputed (the gaps, seeds and training settings of
the saved file must be the script's).

The full grid takes tens of minutes of CPU; it runs ``--workers`` processes
(default 2). Results go to ``experiments/results/memory_learning.json``; the
chapter reads that file. After a change to rnnlib that changes the numbers,
rerun this script and re-execute chapter 3.
"""

import argparse
import json
import os
import pathlib
import sys
import time
from multiprocessing import Pool

ROOT = pathlib.Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results" / "memory_learning.json"

# The networks: a label, the cell, its hidden size, and the options of
# train_memory that set how it starts.
NETWORKS = [
    ("RNN", "rnn", 17, {}),
    ("RNN, orthogonal W_aa", "rnn", 17, {"recurrent": "orthogonal"}),
    ("LSTM, bf = 0", "lstm", 8, {"forget_bias": 0.0}),
    ("LSTM, bf = 1", "lstm", 8, {"forget_bias": 1.0}),
    ("LSTM, bf = 3", "lstm", 8, {"forget_bias": 3.0}),
    ("GRU, bu = 0", "gru", 9, {"update_bias": 0.0}),
    ("GRU, bu = -3", "gru", 9, {"update_bias": -3.0}),
]
FULL = {"gaps": [2, 5, 10, 20, 35, 50], "seeds": [0, 1, 2, 3, 4]}
QUICK = {"gaps": [2, 5], "seeds": [0]}
# Settings shared by every run (arguments of train_memory).
TRAINING = {"lead": 5, "updates": 1500, "batch": 32, "learning_rate": 0.01,
            "max_norm": 1.0, "eval_every": 50, "m_eval": 256, "stop_at": 0.99,
            "m_test": 1000, "target": 0.95}
# --quick: a budget of 200 updates instead of 1,500 (a check that it runs).
QUICK_TRAINING = TRAINING | {"updates": 200}


def one_run(job):
    """Train one network.

    ``job`` = (label, cell, n_a, options, gap, seed, training settings).
    """
    from rnnlib.memory_learning import train_memory

    label, cell, n_a, options, gap, seed, training = job
    start = time.perf_counter()
    run = train_memory(cell, gap, seed, n_a=n_a, **training, **options)
    result = run.as_dict()
    result.update(label=label, options=dict(options),
                  seconds=round(time.perf_counter() - start, 1))
    return result


def run_grid(gaps, seeds, networks=NETWORKS, training=TRAINING, workers=1,
             log=None):
    """Every network at every gap with every seed; returns the results dict.

    The dict holds ``settings`` (everything needed to rerun it) and ``runs``,
    one dict per run as ``MemoryRun.as_dict`` plus ``label``, ``options``
    and ``seconds`` (wall-clock time, which depends on the machine's load).
    """
    jobs = [(label, cell, n_a, options, gap, seed, dict(training))
            for gap in sorted(gaps, reverse=True)          # longest first
            for label, cell, n_a, options in networks for seed in seeds]
    runs = []
    if workers > 1:
        with Pool(workers) as pool:
            for result in pool.imap_unordered(one_run, jobs):
                runs.append(result)
                if log:
                    log(result)
    else:
        for job in jobs:
            runs.append(one_run(job))
            if log:
                log(runs[-1])
    order = {label: i for i, (label, *_) in enumerate(networks)}
    runs.sort(key=lambda r: (order[r["label"]], r["gap"], r["seed"]))
    return {"settings": {"gaps": list(gaps), "seeds": list(seeds),
                         "networks": [list(n) for n in networks],
                         "training": dict(training)},
            "runs": runs}


def summarize(results):
    """Per network and gap: runs, learned, mean and spread of test accuracy.

    Returns a list of dicts with keys label, gap, runs, learned,
    success_rate, mean, std, min, max (accuracies on fresh test sequences).
    """
    rows = []
    for label, *_ in results["settings"]["networks"]:
        for gap in results["settings"]["gaps"]:
            acc = [r["accuracy"] for r in results["runs"]
                   if r["label"] == label and r["gap"] == gap]
            if not acc:
                continue
            learned = sum(r["learned"] for r in results["runs"]
                          if r["label"] == label and r["gap"] == gap)
            mean = sum(acc) / len(acc)
            std = (sum((a - mean) ** 2 for a in acc) / len(acc)) ** 0.5
            rows.append({"label": label, "gap": gap, "runs": len(acc),
                         "learned": learned, "success_rate": learned / len(acc),
                         "mean": mean, "std": std, "min": min(acc), "max": max(acc)})
    return rows


def merge_runs(saved, new, networks=NETWORKS):
    """``saved`` with the runs of ``new``'s networks replaced by ``new``'s runs.

    Both are results dicts of ``run_grid``; they must have the same gaps,
    seeds and training settings. The runs of every other network are kept
    unchanged (the same dicts); the settings list ``networks`` (every label
    in the merged runs must be one of them), runs in their order.
    """
    for key in ("gaps", "seeds", "training"):
        if saved["settings"][key] != new["settings"][key]:
            raise ValueError(f"cannot merge: the saved {key} "
                             f"{saved['settings'][key]!r} differ from the new "
                             f"{new['settings'][key]!r}")
    replaced = {n[0] for n in new["settings"]["networks"]}
    runs = [r for r in saved["runs"] if r["label"] not in replaced] + new["runs"]
    order = {label: i for i, (label, *_) in enumerate(networks)}
    unknown = {r["label"] for r in runs} - set(order)
    if unknown:
        raise ValueError(f"cannot merge: runs of networks not in the list: {sorted(unknown)}")
    runs.sort(key=lambda r: (order[r["label"]], r["gap"], r["seed"]))
    settings = dict(saved["settings"], networks=[list(n) for n in networks])
    return {"settings": settings, "runs": runs}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a small grid (gaps 2 and 5, one seed, 200 updates); "
                             "saved only with --out")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", action="append", metavar="LABEL", default=None,
                        help="run only this network (repeatable) and merge its runs "
                             "into the saved JSON; labels: "
                             + "; ".join(n[0] for n in NETWORKS))
    parser.add_argument("--out", type=pathlib.Path, default=None,
                        help=f"where to save the JSON (default {RESULTS} for the "
                             "full grid; nothing is saved for --quick)")
    args = parser.parse_args(argv)
    grid = QUICK if args.quick else FULL
    out = args.out if args.out is not None else (None if args.quick else RESULTS)

    def log(r):
        print(f"{r['label']:21s} gap {r['gap']:3d} seed {r['seed']}: accuracy "
              f"{r['accuracy']:.3f} after {r['updates']:4d} updates "
              f"({r['seconds']:.0f} s)", flush=True)

    training = QUICK_TRAINING if args.quick else TRAINING
    networks = NETWORKS
    if args.only:
        labels = {n[0] for n in NETWORKS}
        for label in args.only:
            if label not in labels:
                parser.error(f"--only: unknown network {label!r}; "
                             f"expected one of {sorted(labels)}")
        networks = [n for n in NETWORKS if n[0] in args.only]
    results = run_grid(grid["gaps"], grid["seeds"], networks=networks,
                       training=training, workers=args.workers, log=log)
    for row in summarize(results):
        print(f"{row['label']:21s} gap {row['gap']:3d}: learned {row['learned']}"
              f"/{row['runs']}, accuracy {row['mean']:.3f} ± {row['std']:.3f}")
    if out is not None and args.only and out.exists():
        saved = json.loads(out.read_text(encoding="utf-8"))
        results = merge_runs(saved, results)
        print("merged into the saved runs of the other networks")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print("saved", os.path.relpath(out, ROOT))


if __name__ == "__main__":
    sys.exit(main())
