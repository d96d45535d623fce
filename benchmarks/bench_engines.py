"""Time forward + backward of the seed API, rnnlib.fast, the matrix-product
floor and (if installed) torch.nn.RNN / torch.nn.LSTM, interleaved in one run.

    python benchmarks/bench_engines.py                 # full table, ~2-4 minutes
    python benchmarks/bench_engines.py --quick         # fewer repeats
    python benchmarks/bench_engines.py --save benchmarks/results/engines.json

(The chapter prints the saved file: after saving, re-execute it with
``python scripts/execute_notebooks.py book/07_fast.ipynb`` so that its stored
outputs, which nbval compares, show the new numbers.)

Engines, all float64, all given the same weights and inputs:

seed   -- rnnlib.rnn_forward + rnnlib.rnn_backward (LSTM likewise): cell by cell
fast   -- rnnlib.fast.rnn_forward + rnn_backward (LSTM likewise)
floor  -- only the matrix products rnnlib.fast does, with the same shapes and
          memory layouts, into preallocated arrays: the practical floor of this
          algorithm in numpy (any engine built on these products pays them)
torch  -- torch.nn.RNN / torch.nn.LSTM on the CPU, forward + backward from the
          same upstream gradient da; it does *not* compute the output layer and
          softmax that the other engines include, so the comparison favours it.
          Timed with 1 and with 2 threads; the faster setting is reported.

Timing: every repeat runs each engine once, in a rotating order, so that a
busy machine slows all engines alike; the median over repeats is reported and
engines are compared by ratios of medians from the same run. Each timed call
follows an untimed call of the same engine (see ``time_interleaved``), so
that no engine is timed in the wake of another engine's BLAS threads. torch is timed
in its own interleaved loop right after the numpy engines of the same size:
its OpenMP worker threads keep spinning on the cores for a while after each
call, which measurably slowed the numpy engines timed next to it (OpenBLAS
needs those cores). So the numpy loop runs first, a pause follows torch, and
OMP_WAIT_POLICY=PASSIVE is set (unless already set) before torch is imported,
so that its idle threads sleep; torch's 1-thread setting does not use them.

The module is importable: ``run_benchmark(...)`` returns the results as a
list of dicts and ``format_table(results)`` prints them, so that the chapter
"Making recurrent networks fast" can call them.
"""

import argparse
import datetime
import gc
import json
import os
import pathlib
import platform
import sys
import time

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")   # idle torch threads sleep

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import rnnlib                          # noqa: E402
import rnnlib.fast as fast             # noqa: E402
from rnnlib.fast.lstm import stack_gates  # noqa: E402

# (n_x, n_a, m, T_x); n_y = n_x as in a character-level language model.
SIZES = {
    "dinosaur": (27, 50, 1, 12),
    "small batch": (27, 50, 32, 12),
    "medium": (65, 128, 32, 50),
    "large": (256, 512, 64, 100),
}
REPEATS = {"dinosaur": 201, "small batch": 101, "medium": 21, "large": 5}
QUICK_REPEATS = {"dinosaur": 51, "small batch": 31, "medium": 7, "large": 3}
CELLS = ("rnn", "lstm")


# ------------------------------------------------------------------ problems

def make_problem(cell, n_x, n_a, m, T_x, rng, dtype=np.float64):
    """Random weights (scaled so that the units are not saturated), x, a0, da."""
    scale = 1.0 / np.sqrt(n_a + n_x)
    n_y = n_x
    if cell == "rnn":
        p = rnnlib.initialize_rnn_parameters(n_x, n_a, n_y, rng, scale=scale)
        biases = ("ba", "by")
    else:
        p = rnnlib.initialize_lstm_parameters(n_x, n_a, n_y, rng, scale=scale)
        biases = ("bf", "bi", "bc", "bo", "by")
    for b in biases:
        p[b] = 0.1 * rng.standard_normal(p[b].shape)
    p = {k: v.astype(dtype) for k, v in p.items()}
    return {"cell": cell, "parameters": p,
            "x": rng.standard_normal((n_x, m, T_x)).astype(dtype),
            "a0": (0.1 * rng.standard_normal((n_a, m))).astype(dtype),
            "da": rng.standard_normal((n_a, m, T_x)).astype(dtype)}


def matmul_flops(cell, n_x, n_a, m, T_x):
    """Floating-point operations of the matrix products of one forward +
    backward pass of rnnlib.fast (2 per multiply-add), n_y = n_x."""
    k = 1 if cell == "rnn" else 4                      # stacked gate blocks
    rows = m * T_x                                     # every step at once
    forward = k * n_a * ((n_x + 1) + n_a) + n_x * n_a  # input, recurrent, output
    backward = k * n_a * (n_a + (n_a + n_x + 1) + n_x)  # recurrent, dW, dx
    return 2 * rows * (forward + backward)


# ------------------------------------------------------------------- engines

def seed_runner(problem):
    """Forward + backward with the seed API."""
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    if problem["cell"] == "rnn":
        return lambda: rnnlib.rnn_backward(da, rnnlib.rnn_forward(x, a0, p)[2])
    return lambda: rnnlib.lstm_backward(da, rnnlib.lstm_forward(x, a0, p)[3])


def fast_runner(problem, split=True, exp_route=True):
    """Forward + backward with rnnlib.fast.

    ``split=False`` runs every batch as one part (no other threads, see
    ``rnnlib.fast.parallel``), ``exp_route=False`` always uses ``np.tanh``
    (see ``rnnlib.fast.activations``): the chapter "Making recurrent networks
    fast" measures what each of the two ideas buys by switching it off.
    """
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    if problem["cell"] == "rnn":
        def run():
            return fast.rnn_backward(da, fast.rnn_forward(x, a0, p)[2])
    else:
        def run():
            return fast.lstm_backward(da, fast.lstm_forward(x, a0, p)[3])
    if split and exp_route:
        return run
    never = 1 << 62                       # more values per step than any batch has
    switches = {
        (fast.parallel, "PARALLEL_MIN_ELEMENTS"): None if split else never,
        (fast.activations, "EXP_ROUTE_MIN_ELEMENTS"): None if exp_route else never}

    def run_switched_off():
        saved = {key: getattr(*key) for key in switches}
        try:
            for (module, name), value in switches.items():
                if value is not None:
                    setattr(module, name, value)
            return run()
        finally:
            for (module, name), value in saved.items():
                setattr(module, name, value)

    return run_switched_off


def floor_runner(problem):
    """Only the matrix products of rnnlib.fast (same shapes and layouts)."""
    x, p = problem["x"], problem["parameters"]
    n_x, m, T_x = x.shape
    n_a = problem["a0"].shape[0]
    k = 1 if problem["cell"] == "rnn" else 4            # gates stacked in W
    if k == 1:
        Wb = np.concatenate([p["Waa"], p["Wax"], p["ba"]], axis=1)
        Wy = p["Wya"]
    else:
        Wb = stack_gates(p, np.float64)                   # [W | b], (4 n_a, .)
        Wy = p["Wy"]
    rng = np.random.default_rng(0)
    HX = rng.standard_normal((T_x + 1, m, n_a + n_x + 1))  # [a<t> | x<t+1> | 1] rows
    Z = np.empty((T_x, m, k * n_a))                       # pre-activations / gates
    out = rng.standard_normal((T_x, m, k + 1, n_a))       # backward rows (LSTM)
    dz = (out[:, :, 1:] if k == 4 else out[:, :, :1]).reshape(T_x, m, k * n_a)
    WaT = np.ascontiguousarray(Wb[:, :n_a].T)
    Wa = np.ascontiguousarray(Wb[:, :n_a])
    WxT = Wb[:, n_a:].T
    Wx = Wb[:, n_a:-1]
    a_cols = np.empty((n_a, m * T_x))
    logits = np.empty((Wy.shape[0], m * T_x))
    tmp = np.empty((m, k * n_a))
    da_next = np.empty((m, n_a))
    X2 = HX[:T_x, :, n_a:].reshape(T_x * m, n_x + 1)
    Z2 = Z.reshape(T_x * m, k * n_a)
    dz2 = dz.reshape(T_x * m, k * n_a)
    HX2 = HX[:T_x].reshape(T_x * m, n_a + n_x + 1)

    def run():
        np.matmul(X2, WxT, out=Z2)                        # input projections
        for t in range(T_x):
            np.dot(HX[t, :, :n_a], WaT, out=tmp)          # recurrent products
        np.matmul(Wy, a_cols, out=logits)                 # output layer
        for t in reversed(range(T_x)):
            np.dot(dz[t], Wa, out=da_next)                # gradient into a<t-1>
        dW = dz2.T @ HX2                                  # weight gradients
        dX = dz2 @ Wx                                     # input gradients
        return dW, dX

    return run


def torch_runner(problem, threads):
    """torch.nn.RNN / torch.nn.LSTM, float64, same weights; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    with torch.no_grad():
        if problem["cell"] == "rnn":
            net = torch.nn.RNN(n_x, n_a, nonlinearity="tanh", dtype=torch.float64)
            W_ih, W_hh, b_ih = p["Wax"], p["Waa"], p["ba"][:, 0]
        else:
            net = torch.nn.LSTM(n_x, n_a, dtype=torch.float64)
            W = np.concatenate([p["W" + g] for g in "ifco"])  # torch's order i, f, g, o
            W_ih, W_hh = W[:, n_a:], W[:, :n_a]
            b_ih = np.concatenate([p["b" + g] for g in "ifco"])[:, 0]
        net.weight_ih_l0.copy_(torch.from_numpy(W_ih))
        net.weight_hh_l0.copy_(torch.from_numpy(W_hh))
        net.bias_ih_l0.copy_(torch.from_numpy(b_ih))
        net.bias_hh_l0.zero_()
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 1, 0))).requires_grad_()
    h0 = torch.from_numpy(np.ascontiguousarray(a0.T)[None]).requires_grad_()
    c0 = torch.zeros_like(h0)
    dat = torch.from_numpy(np.ascontiguousarray(da.transpose(2, 1, 0)))

    def run():
        torch.set_num_threads(threads)
        for tensor in (xt, h0, *net.parameters()):
            tensor.grad = None
        out, _ = net(xt, h0 if problem["cell"] == "rnn" else (h0, c0))
        out.backward(dat)
        return out

    # sanity check: the same hidden states as the seed API
    a_torch = run().detach().numpy().transpose(2, 1, 0)
    forward = fast.rnn_forward if problem["cell"] == "rnn" else fast.lstm_forward
    a_ref = forward(x, a0, p)[0]
    assert np.allclose(a_torch, a_ref, rtol=1e-9, atol=1e-12), "torch weights mismatch"
    return run


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


# -------------------------------------------------------------------- timing

def time_interleaved(runners, repeats, warmup=1, settle=1):
    """Median seconds per call of each runner, all timed in one interleaved run.

    runners -- dict name -> callable with no arguments
    Every repeat calls each runner once, timed, right after ``settle``
    untimed calls of the same runner; the order rotates from repeat to
    repeat. Garbage collection is paused while a call is timed.
    Returns dict name -> list of seconds (one per repeat).

    Why the untimed calls: an engine's call leaves the machine in a state
    that the next call inherits. Above all, OpenBLAS's worker threads keep
    spinning on the cores for up to ~0.1 s after a multi-threaded product,
    waiting for more work, and a call that starts meanwhile with work of its
    own for every core (rnnlib.fast's parts of the batch) shares them
    with those threads. Timed right after another engine, an engine would pay
    for that engine's threads; after a call of its own, it runs as it does in
    a training loop, which is what the benchmark is meant to measure.
    """
    names = list(runners)
    for _ in range(warmup):
        for name in names:
            runners[name]()
    samples = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            for _ in range(settle):
                runners[name]()
            gc.disable()
            start = time.perf_counter()
            runners[name]()
            samples[name].append(time.perf_counter() - start)
            gc.enable()
    return samples


def run_benchmark(sizes=None, cells=CELLS, engines=("seed", "fast", "floor", "torch"),
                  repeats=None, seed=0, verbose=False):
    """Time every engine at every size and cell; return a list of result dicts.

    Arguments:
    sizes -- dict name -> (n_x, n_a, m, T_x); default SIZES
    cells -- "rnn" and/or "lstm"
    engines -- any of "seed", "fast", "floor", "torch" (skipped if torch is not
               installed)
    repeats -- dict size name -> repeats (default REPEATS), or one int for all
    seed -- seed of the np.random.default_rng that draws the problems

    Each result: {"cell", "size", "shape", "repeats", "times": {engine: median
    seconds}}; ``ratios(result)`` derives the comparisons.
    """
    sizes = SIZES if sizes is None else sizes
    rng = np.random.default_rng(seed)
    results = []
    for size, shape in sizes.items():
        n = (repeats if isinstance(repeats, int)
             else (repeats or REPEATS).get(size, 5))
        for cell in cells:
            problem = make_problem(cell, *shape, rng)
            runners = {}
            if "seed" in engines:
                runners["seed"] = seed_runner(problem)
            if "fast" in engines:
                runners["fast"] = fast_runner(problem)
            if "floor" in engines:
                runners["floor"] = floor_runner(problem)
            samples = time_interleaved(runners, n)
            if "torch" in engines and torch_available():
                torch_runners = {f"torch{k}": torch_runner(problem, k) for k in (1, 2)}
                samples.update(time_interleaved(torch_runners, n))
                time.sleep(0.5)                       # let torch's threads go idle
            times = {name: float(np.median(s)) for name, s in samples.items()}
            if "torch1" in times:
                threads = min((1, 2), key=lambda k: times[f"torch{k}"])
                times["torch"] = times[f"torch{threads}"]
                times["torch_threads"] = threads
                del times["torch1"], times["torch2"]
            results.append({"cell": cell, "size": size, "shape": list(shape),
                            "repeats": n, "times": times})
            if verbose:
                print(format_row(results[-1]), flush=True)
    return results


def ratios(result):
    """Derived comparisons of one result (None where an engine is missing)."""
    t = result["times"]

    def div(a, b):
        return t[a] / t[b] if a in t and b in t else None

    return {"speedup_vs_seed": div("seed", "fast"),      # > 1: fast is faster
            "fast_over_floor": div("fast", "floor"),     # >= 1, target <= 1.35
            "fast_over_torch": div("fast", "torch")}     # < 1: faster than torch


# ------------------------------------------------------------------- output

ENGINES = ("seed", "fast", "floor", "torch")
RATIOS = (("speedup_vs_seed", "seed/fast"), ("fast_over_floor", "fast/floor"),
          ("fast_over_torch", "fast/torch"))


def _ms(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.3f}"


def _x(ratio):
    return "-" if ratio is None else f"{ratio:.2f}"


def _columns(engines):
    """Headers and widths of the table's columns for these engines."""
    columns = [("cell", 5), ("size", 12)] + [(f"{e} ms", 10) for e in engines]
    names = {"seed/fast": ("seed", "fast"), "fast/floor": ("fast", "floor"),
             "fast/torch": ("fast", "torch")}
    return columns + [(label, 11) for _, label in RATIOS
                      if set(names[label]) <= set(engines)]


def format_header(engines=ENGINES):
    """The table's header line for these engines (see ``format_row``)."""
    return "".join(f"{h:<{w}}" if k < 2 else f"{h:>{w}}"
                   for k, (h, w) in enumerate(_columns(engines)))


def format_row(result, engines=ENGINES):
    """One result as a line of the table: median times (ms), then ratios."""
    t, r = result["times"], ratios(result)
    labels = dict((label, key) for key, label in RATIOS)
    cells = [result["cell"], result["size"]]
    cells += [_ms(t.get(e)) for e in engines]
    cells += [_x(r[labels[h]]) for h, _ in _columns(engines)[2 + len(engines):]]
    return "".join(f"{c:<{w}}" if k < 2 else f"{c:>{w}}"
                   for k, (c, (_, w)) in enumerate(zip(cells, _columns(engines))))


def format_sizes(sizes):
    """The problem sizes as lines 'name (n_x, n_a, m, T)', two per line."""
    items = [f"{name} {tuple(shape)}" for name, shape in sizes.items()]
    lines = [",  ".join(items[k:k + 2]) for k in range(0, len(items), 2)]
    return "\n".join(["sizes (n_x, n_a, m, T_x):"] + ["  " + line for line in lines])


def format_table(results):
    """The results as text: the sizes, then a table of median times (ms) and
    ratios, with a column only for the engines that were measured."""
    engines = [e for e in ENGINES if any(e in r["times"] for r in results)]
    sizes = {r["size"]: r["shape"] for r in results}
    return "\n".join([format_sizes(sizes), "", format_header(engines)]
                     + [format_row(r, engines) for r in results])


def check_targets(results):
    """The issue's targets, each as (description, measured ratio, met?)."""
    by = {(r["cell"], r["size"]): ratios(r) for r in results}
    checks = []
    for cell in CELLS:
        r = by.get((cell, "dinosaur"), {}).get("speedup_vs_seed")
        if r is not None:
            checks.append((f"{cell}: fast >= 2x faster than seed at dinosaur size", r,
                           r >= 2))
        r = by.get((cell, "large"), {}).get("fast_over_floor")
        if r is not None:
            checks.append((f"{cell}: fast within 1.35x of the matmul floor at large "
                           "size", r, r <= 1.35))
    for (cell, size), rr in by.items():
        r = rr["fast_over_torch"]
        if cell == "lstm" and r is not None:
            limit = 0.45 if size == "dinosaur" else 1.0
            checks.append((f"lstm: fast/torch.nn.LSTM <= {limit} at {size} size", r,
                           r <= limit))
    return checks


def machine_info():
    """Where and when the numbers were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    now = datetime.datetime.now(datetime.timezone.utc)
    info = {"date": now.strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__,
            "load_average_1min": round(os.getloadavg()[0], 2),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}
    if torch_available():
        import torch
        info["torch"] = torch.__version__
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--sizes", nargs="*", choices=list(SIZES),
                        help="subset of sizes")
    parser.add_argument("--save", metavar="JSON", help="write machine info and results")
    args = parser.parse_args(argv)
    sizes = {k: SIZES[k] for k in (args.sizes or SIZES)}
    load_before = round(os.getloadavg()[0], 2)
    print(format_sizes(sizes), "", format_header(), sep="\n", flush=True)
    results = run_benchmark(sizes, repeats=QUICK_REPEATS if args.quick else REPEATS,
                            verbose=True)
    print()
    for text, value, met in check_targets(results):
        print(f"{'met    ' if met else 'NOT MET'}  {text}: {value:.2f}")
    if args.save:
        path = pathlib.Path(args.save)
        path.parent.mkdir(parents=True, exist_ok=True)
        info = {**machine_info(), "load_average_1min_before": load_before}
        path.write_text(json.dumps({"machine": info, "results": results},
                                   indent=1) + "\n")
        print(f"saved {path}")


if __name__ == "__main__":
    main()
