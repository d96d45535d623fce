"""Time forward + backward of the reference implementation, rnnlib.fast, the
matrix-product floor and (if installed) torch.nn.RNN / LSTM / GRU, interleaved
in one run, in float64 and in float32.

    python benchmarks/bench_engines.py                 # the full table, several minutes
    python benchmarks/bench_engines.py --quick         # fewer repeats
    python benchmarks/bench_engines.py --runs 3 --save benchmarks/results/engines.json

``--runs N`` repeats the measurement N times (the large size only in the
first run: it takes minutes) and prints, for every ratio, its median and its
range over the runs (the spread); ``--save`` keeps
every run, the machine and the large-size measurements of chapter 7's ideas
(``--ideas``) in the JSON file that chapter 7 reads. After saving, re-execute
the chapter (``python scripts/execute_notebooks.py book/07_fast.ipynb``).
``make bench`` runs the default and prints the table and the targets.
``--bound-only`` times, against torch, what the float32 LSTM cannot do
without: rnnlib.fast's matrix products and the exp and tanh calls of its time
loop (``measure_bound``; chapter 7 shows it). ``--split-only`` times
rnnlib.fast in one and in two parts of the batch at several sizes
(``measure_split``): where splitting starts to pay depends on the machine, and
the option ``parallel_min_elements`` sets it. Chapter 7 also reads a second
machine's file, ``benchmarks/results/engines_intel_xeon.json`` (the same
commands on an Intel Xeon), and compares the two with ``format_machines``.

Engines, all given the same weights and inputs:

reference -- rnnlib.rnn_forward + rnnlib.rnn_backward (LSTM, GRU likewise):
             cell by cell (float64 only)
(the numpy engines all run on the BLAS thread setting rnnlib.fast uses for
the problem: one BLAS thread unless the batch is split over the cores)
fast      -- rnnlib.fast.rnn_forward + rnn_backward (LSTM, GRU likewise)
floor     -- only the matrix products rnnlib.fast does, with the same shapes and
             memory layouts, into preallocated arrays: the practical floor of this
             algorithm in numpy (any engine built on these products pays them)
torch     -- torch.nn.RNN / LSTM / GRU on the CPU, forward + backward from the
             same upstream gradient da; it does *not* compute the output layer and
             softmax that the other engines include, so the comparison favours it.
             Timed with 1 and with 2 threads; the faster setting is reported.
             torch.nn.GRU applies the reset gate after the product with W_hn
             (r * (W_hn h + b_hn)), the book's GRU before it (Wc [r * a; x]): a
             different function with the same cost shape; its weights are
             random, not the book's.

Timing: every repeat runs each engine once, in a rotating order, so that a
busy machine slows all engines alike; the median over repeats is reported and
engines are compared by ratios of medians from the same run. Each timed call
follows an untimed call of the same engine (see ``time_interleaved``), so
that no engine is timed in the wake of another engine's BLAS threads. torch is
timed in the same interleaved loop as the numpy engines (fast/torch is a ratio
from one loop); OMP_WAIT_POLICY=PASSIVE is set (unless already set) before
torch is imported, so that its idle OpenMP threads sleep instead of spinning on
the cores the numpy engines need.

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
from rnnlib.fast.layout import stacked_weights  # noqa: E402
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
CELLS = ("rnn", "lstm", "gru") if hasattr(fast, "gru_forward") else ("rnn", "lstm")
DTYPES = ("float64", "float32")
# fast/torch targets, per dtype, at these sizes (issue: "rnnlib.fast a program
# can rely on"); and the older ones: >= 2x the reference at the dinosaur size,
# within 1.35x of the floor at the large size.
TORCH_TARGETS = {"float64": 0.8, "float32": 1.0}
TORCH_TARGET_SIZES = ("dinosaur", "small batch", "medium")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}          # stacked gate blocks
# torch runs the float32 LSTM as one fused oneDNN kernel per pass (and the
# float64 one, like every other case here, step by step); the control times it
# with oneDNN switched off too, to show what the difference is made of.
ONEDNN_CONTROL = {("lstm", "float32")}


# ------------------------------------------------------------------ problems

def make_problem(cell, n_x, n_a, m, T_x, rng, dtype=np.float64):
    """Random weights (scaled so that the units are not saturated), x, a0, da."""
    scale = 1.0 / np.sqrt(n_a + n_x)
    n_y = n_x
    init = {"rnn": rnnlib.initialize_rnn_parameters,
            "lstm": rnnlib.initialize_lstm_parameters,
            "gru": getattr(rnnlib, "initialize_gru_parameters", None)}[cell]
    p = init(n_x, n_a, n_y, rng, scale=scale)
    for b in [k for k in p if k.startswith("b")]:
        p[b] = 0.1 * rng.standard_normal(p[b].shape)
    p = {k: v.astype(dtype) for k, v in p.items()}
    return {"cell": cell, "parameters": p,
            "x": rng.standard_normal((n_x, m, T_x)).astype(dtype),
            "a0": (0.1 * rng.standard_normal((n_a, m))).astype(dtype),
            "da": rng.standard_normal((n_a, m, T_x)).astype(dtype)}


def matmul_flops(cell, n_x, n_a, m, T_x):
    """Floating-point operations of the matrix products of one forward +
    backward pass of rnnlib.fast (2 per multiply-add), n_y = n_x."""
    k = GATES[cell]
    rows = m * T_x                                     # every step at once
    forward = k * n_a * ((n_x + 1) + n_a) + n_x * n_a  # input, recurrent, output
    backward = k * n_a * (n_a + (n_a + n_x + 1) + n_x)  # recurrent, dW, dx
    if cell == "gru":                                  # the candidate's a-part twice
        backward += n_a * n_a
    return 2 * rows * (forward + backward)


# ------------------------------------------------------------------- engines

def _functions(module, cell):
    return getattr(module, f"{cell}_forward"), getattr(module, f"{cell}_backward")


def with_fast_blas_setting(problem, run):
    """``run`` under the BLAS thread setting rnnlib.fast uses for ``problem``.

    rnnlib.fast runs its products on one BLAS thread unless it splits the
    batch over the cores (``rnnlib.fast.options``: ``single_threaded_blas``);
    the other numpy engines get the same setting, so that they are compared
    on the same cores (and none pays for OpenBLAS threads waiting for busy
    cores while the others do not).
    """
    from rnnlib.fast.parallel import blas_limited_to_one_thread, split_rows
    n_a, m = problem["a0"].shape
    if len(split_rows(m, n_a)) > 1 or not fast.get_options().single_threaded_blas:
        return run

    def run_on_one_blas_thread():
        with blas_limited_to_one_thread():
            return run()

    return run_on_one_blas_thread


def reference_runner(problem):
    """Forward + backward with the reference implementation (rnnlib), on the
    BLAS setting of rnnlib.fast (``with_fast_blas_setting``)."""
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    forward, backward = _functions(rnnlib, problem["cell"])
    return with_fast_blas_setting(problem, lambda: backward(da, forward(x, a0, p)[-1]))


def fast_runner(problem, split=True, exp_route=True, **settings):
    """Forward + backward with rnnlib.fast.

    ``split=False`` runs every batch as one part (no other threads, see
    ``rnnlib.fast.parallel``), ``exp_route=False`` always uses ``np.tanh``
    (see ``rnnlib.fast.activations``); other keywords are options of
    ``rnnlib.fast.options`` (e.g. ``pool_bytes=0``): the chapter "Making
    recurrent networks fast" measures what each idea buys by switching it off.
    """
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    forward, backward = _functions(fast, problem["cell"])

    def run():
        return backward(da, forward(x, a0, p)[-1])

    if not split:
        settings["parts"] = 1
    if not exp_route:
        settings["exp_route"] = False
    if not settings:
        return run

    def run_with_options():
        with fast.options(**settings):
            return run()

    return run_with_options


def floor_runner(problem):
    """Only the matrix products of rnnlib.fast (same shapes and layouts, the
    same BLAS setting: ``with_fast_blas_setting``)."""
    x, p = problem["x"], problem["parameters"]
    dtype = x.dtype
    n_x, m, T_x = x.shape
    n_a = problem["a0"].shape[0]
    cell = problem["cell"]
    k = GATES[cell]
    if cell == "rnn":
        Wb = np.concatenate([p["Waa"], p["Wax"], p["ba"]], axis=1)
        Wy = p["Wya"]
    elif cell == "lstm":
        Wb = stack_gates(p, dtype)                        # [W | b], (4 n_a, .)
        Wy = p["Wy"]
    else:
        Wb = stacked_weights(p, fast.gru.GATE_ORDER, dtype)  # [W | b], (3 n_a, .)
        Wy = p["Wy"]
    rng = np.random.default_rng(0)
    HX = rng.standard_normal((T_x + 1, m, n_a + n_x + 1)).astype(dtype)
    Z = np.empty((T_x, m, k * n_a), dtype)                # pre-activations / gates
    dz = rng.standard_normal((T_x, m, k * n_a)).astype(dtype)
    Wa = np.ascontiguousarray(Wb[:, :n_a])                # (k n_a, n_a)
    WaT = np.ascontiguousarray(Wa.T)
    WxT = Wb[:, n_a:].T
    Wx = Wb[:, n_a:-1]
    a_cols = rng.standard_normal((n_a, m * T_x)).astype(dtype)
    logits = np.empty((Wy.shape[0], m * T_x), dtype)
    tmp = np.empty((m, k * n_a), dtype)
    da_next = np.empty((m, n_a), dtype)
    X2 = HX[:T_x, :, n_a:].reshape(T_x * m, n_x + 1)
    Z2 = Z.reshape(T_x * m, k * n_a)
    dz2 = dz.reshape(T_x * m, k * n_a)
    HX2 = HX[:T_x].reshape(T_x * m, n_a + n_x + 1)
    from rnnlib.fast.parallel import matmul, run_parts, split_rows
    parts = split_rows(m, n_a)                            # as rnnlib.fast cuts the batch
    if cell == "gru":                                     # two serial products a step
        WgT = np.ascontiguousarray(WaT[:, :2 * n_a])      # [Wu; Wr] a-part
        WcT = np.ascontiguousarray(WaT[:, 2 * n_a:])      # Wc a-part
        Wg, Wc = np.ascontiguousarray(Wa[:2 * n_a]), np.ascontiguousarray(Wa[2 * n_a:])
        part = np.empty((m, n_a), dtype)
        gates = np.empty((m, 2 * n_a), dtype)

        def part_loops(rows):
            for t in range(T_x):
                np.dot(HX[t, rows, :n_a], WgT, out=gates[rows])
                np.dot(HX[t, rows, :n_a], WcT, out=part[rows])
            for t in reversed(range(T_x)):
                np.dot(dz[t, rows, 2 * n_a:], Wc, out=part[rows])
                np.dot(dz[t, rows, :2 * n_a], Wg, out=da_next[rows])

        def loops():                  # in one thread per part, as rnnlib.fast
            run_parts(part_loops, parts)
    else:
        def part_loops(rows):
            for t in range(T_x):
                np.dot(HX[t, rows, :n_a], WaT, out=tmp[rows])  # recurrent products
            for t in reversed(range(T_x)):
                np.dot(dz[t, rows], Wa, out=da_next[rows])  # gradient into a<t-1>

        def loops():                  # in one thread per part, as rnnlib.fast
            run_parts(part_loops, parts)

    dW = np.empty((k * n_a, n_a + n_x + 1), dtype)
    dX = np.empty((T_x * m, n_x), dtype)
    logits_T = logits.T                                   # rows: examples and steps
    a_rows = np.ascontiguousarray(a_cols.T)

    def run():                        # the large products cut as rnnlib.fast cuts them
        matmul(X2, WxT, Z2, parts)                        # input projections
        loops()
        matmul(a_rows, Wy.T, logits_T, parts)             # output layer
        matmul(dz2.T, HX2, dW, parts)                     # weight gradients
        matmul(dz2, Wx, dX, parts)                        # input gradients
        return dW, dX

    return with_fast_blas_setting(problem, run)


def torch_runner(problem, threads, onednn=True):
    """torch.nn.RNN / LSTM / GRU on the CPU in the problem's dtype, the same
    weights (for the GRU: random weights of the same shapes); None without torch.

    ``onednn=False`` runs torch with its oneDNN (mkldnn) kernels switched off
    (``torch.backends.mkldnn.flags``): the control for the float32 LSTM,
    which torch otherwise runs as one fused oneDNN kernel per pass."""
    try:
        import torch
    except ImportError:
        return None
    x, a0, p, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    cell = problem["cell"]
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    tdtype = {np.dtype(np.float64): torch.float64,
              np.dtype(np.float32): torch.float32}[x.dtype]
    torch.manual_seed(0)
    with torch.no_grad():
        if cell == "rnn":
            net = torch.nn.RNN(n_x, n_a, nonlinearity="tanh", dtype=tdtype)
            W_ih, W_hh, b_ih = p["Wax"], p["Waa"], p["ba"][:, 0]
        elif cell == "lstm":
            net = torch.nn.LSTM(n_x, n_a, dtype=tdtype)
            W = np.concatenate([p["W" + g] for g in "ifco"])  # torch's order i, f, g, o
            W_ih, W_hh = W[:, n_a:], W[:, :n_a]
            b_ih = np.concatenate([p["b" + g] for g in "ifco"])[:, 0]
        else:
            net = torch.nn.GRU(n_x, n_a, dtype=tdtype)      # its own formulation
            W_ih = W_hh = b_ih = None
        if W_ih is not None:
            net.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(W_ih)))
            net.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(W_hh)))
            net.bias_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(b_ih)))
            net.bias_hh_l0.zero_()
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 1, 0))).requires_grad_()
    h0 = torch.from_numpy(np.ascontiguousarray(a0.T)[None]).requires_grad_()
    c0 = torch.zeros_like(h0)
    dat = torch.from_numpy(np.ascontiguousarray(da.transpose(2, 1, 0)))

    def run():
        torch.set_num_threads(threads)
        for tensor in (xt, h0, *net.parameters()):
            tensor.grad = None
        with torch.backends.mkldnn.flags(enabled=onednn):
            out, _ = net(xt, (h0, c0) if cell == "lstm" else h0)
            out.backward(dat)
        return out

    if cell != "gru":          # sanity check: the same hidden states as rnnlib.fast
        a_torch = run().detach().numpy().transpose(2, 1, 0)
        a_ref = _functions(fast, cell)[0](x, a0, p)[0]
        tol = 1e-9 if x.dtype == np.float64 else 1e-4
        assert np.allclose(a_torch, a_ref, rtol=tol, atol=tol), "torch weights mismatch"
    return run


def activations_runner(problem):
    """Only the exp and tanh calls of ``rnnlib.fast``'s LSTM time loop in the
    problem's dtype, on arrays of the same shapes and memory layout: per step
    one ``np.exp`` over the (m, 3 n_a) block of the three sigmoid gates, one
    ``np.tanh`` over the (m, n_a) candidate and one over the memory cell (the
    engine's calls in float32, see ``rnnlib.fast.activations``). The engine
    works in place; these calls read fixed values in [-4, 4] and write into
    another buffer, so that every call sees the same values."""
    x = problem["x"]
    dtype = x.dtype
    n_x, m, T_x = x.shape
    n_a = problem["a0"].shape[0]
    rng = np.random.default_rng(0)
    Z = rng.uniform(-4, 4, (T_x, m, 4 * n_a)).astype(dtype)   # [z_c | -z_f | -z_i | -z_o]
    C = rng.uniform(-4, 4, (T_x, m, n_a)).astype(dtype)       # c<t>
    G = np.empty_like(Z)                                       # the gates
    TC = np.empty_like(C)                                      # tanh(c<t>)

    def run():
        with np.errstate(over="ignore"):
            for t in range(T_x):
                np.exp(Z[t, :, n_a:], out=G[t, :, n_a:])
                np.tanh(Z[t, :, :n_a], out=G[t, :, :n_a])
                np.tanh(C[t], out=TC[t])
        return G

    return run


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


# -------------------------------------------------------------------- timing

def time_interleaved(runners, repeats, warmup=1, settle=1, clock=time.perf_counter):
    """Seconds per call of each runner, all timed in one interleaved run.

    ``clock`` is ``time.perf_counter`` (wall time) or ``time.process_time``
    (CPU time of the whole process: robust when other programs keep the cores
    busy, but for a call that runs on several threads it adds their times).

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
            start = clock()
            runners[name]()
            samples[name].append(clock() - start)
            gc.enable()
    return samples


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def run_benchmark(sizes=None, cells=CELLS, engines=("reference", "fast", "floor", "torch"),
                  repeats=None, seed=0, dtypes=DTYPES, verbose=False, clock="wall"):
    """Time every engine at every size, cell and dtype; return a list of results.

    Arguments:
    sizes -- dict name -> (n_x, n_a, m, T_x); default SIZES
    cells -- any of "rnn", "lstm", "gru"
    engines -- any of "reference", "fast", "floor", "torch" (skipped if torch is
               not installed); the reference runs in float64 only
    repeats -- dict size name -> repeats (default REPEATS), or one int for all
    seed -- seed of the np.random.default_rng that draws the problems
    dtypes -- "float64" and/or "float32"
    clock -- "wall" (default) or "cpu" (CPU time of the process; then torch
             runs on one thread only and the batch is never split, so that
             every engine's CPU time is its time on one otherwise idle core)

    Each result: {"cell", "size", "shape", "dtype", "repeats", "times": {engine:
    median seconds}, "spread": {engine: [25th, 75th percentile]}};
    ``ratios(result)`` derives the comparisons.
    """
    sizes = SIZES if sizes is None else sizes
    rng = np.random.default_rng(seed)
    use_torch = "torch" in engines and torch_available()
    # CPU time: every engine on one thread, the batch in one part (the floor and
    # the reference take their BLAS setting from the options in force)
    one_part = {"parts": 1} if clock == "cpu" else {}
    with fast.options(**one_part):
        return _run_benchmark(sizes, cells, engines, repeats, rng, dtypes, verbose,
                              clock, use_torch, one_part)


def _run_benchmark(sizes, cells, engines, repeats, rng, dtypes, verbose, clock,
                   use_torch, one_part):
    results = []
    for size, shape in sizes.items():
        n = (repeats if isinstance(repeats, int)
             else (repeats or REPEATS).get(size, 5))
        for dtype in dtypes:
            for cell in cells:
                problem = make_problem(cell, *shape, rng, dtype=np.dtype(dtype))
                runners = {}
                if "reference" in engines and dtype == "float64":
                    runners["reference"] = reference_runner(problem)
                if "fast" in engines:
                    runners["fast"] = fast_runner(problem, **one_part)
                if "floor" in engines:
                    runners["floor"] = floor_runner(problem)
                threads = (1, 2) if clock == "wall" else (1,)
                if use_torch:
                    for k in threads:
                        runners[f"torch{k}"] = torch_runner(problem, k)
                    if (cell, dtype) in ONEDNN_CONTROL:    # the control, one thread
                        runners["torch_no_onednn"] = torch_runner(problem, 1, onednn=False)
                samples = time_interleaved(runners, n, clock=CLOCKS[clock])
                times = {name: float(np.median(s)) for name, s in samples.items()}
                spread = {name: [float(q) for q in np.percentile(s, [25, 75])]
                          for name, s in samples.items()}
                if use_torch:
                    best = min(threads, key=lambda k: times[f"torch{k}"])
                    times["torch"] = times[f"torch{best}"]
                    spread["torch"] = spread[f"torch{best}"]
                    times["torch_threads"] = best
                    for k in threads:
                        del times[f"torch{k}"], spread[f"torch{k}"]
                results.append({"cell": cell, "size": size, "shape": list(shape),
                                "dtype": dtype, "repeats": n, "times": times,
                                "spread": spread, "clock": clock})
                if verbose:
                    print(format_row(results[-1]), flush=True)
    return results


IDEAS = {   # variant -> (size, options that switch one idea off)
    "one part": ("large", {"parts": 1}),
    "np.tanh": ("large", {"exp_route": False}),
    "fresh buffers": ("large", {"pool_bytes": 0}),
    "BLAS threads": ("medium", {"single_threaded_blas": False}),
    "whole products": ("medium", {"parallel_min_product": 1 << 62}),
}


def measure_ideas(cells=("rnn", "lstm"), repeats=None, seed=1):
    """Chapter 7's ideas: rnnlib.fast as it is against rnnlib.fast with one
    idea switched off (``IDEAS``: an option each), interleaved, at the size
    where the idea matters. Returns {cell: {size: {variant: [seconds, one per
    repeat]}}}, the variant "as is" included."""
    repeats = repeats or {"large": 3, "medium": 11}
    rng = np.random.default_rng(seed)
    found = {}
    for cell in cells:
        found[cell] = {}
        for size in sorted({size for size, _ in IDEAS.values()}):
            problem = make_problem(cell, *SIZES[size], rng)
            runners = {"as is": fast_runner(problem)}
            runners.update({name: fast_runner(problem, **settings)
                            for name, (at, settings) in IDEAS.items() if at == size})
            found[cell][size] = time_interleaved(runners, repeats[size])
    return found


BOUND_SIZES = ("small batch", "medium")    # where the float32 LSTM misses its target
BOUND_REPEATS = {"small batch": 201, "medium": 41}


def ratio_and_quartiles(times, base):
    """(ratio of the medians, 25th, 75th percentile of the per-repeat ratios) of
    two lists of seconds timed in the same rounds (repeat k against repeat k)."""
    times, base = np.array(times), np.array(base)
    q1, q3 = np.percentile(times / base, [25, 75])
    return float(np.median(times) / np.median(base)), float(q1), float(q3)


def measure_bound(sizes=BOUND_SIZES, repeats=None, seed=2):
    """How much of torch's time the float32 LSTM's unavoidable work takes.

    Interleaved in one run, per size: rnnlib.fast, the floor (its matrix
    products), the floor plus its exp and tanh calls (``activations_runner``,
    run right after the floor in the same timed call) and torch.nn.LSTM with
    1 and 2 threads. Returns {size: {name: [seconds, one per repeat]}} with
    the names "fast", "floor", "floor + exp/tanh", "torch1", "torch2"; or
    None without torch.
    """
    if not torch_available():
        return None
    repeats = repeats or BOUND_REPEATS
    rng = np.random.default_rng(seed)
    found = {}
    for size in sizes:
        problem = make_problem("lstm", *SIZES[size], rng, dtype=np.float32)
        floor, activations = floor_runner(problem), activations_runner(problem)

        def floor_and_activations(floor=floor, activations=activations):
            floor()
            activations()

        runners = {"fast": fast_runner(problem), "floor": floor,
                   "floor + exp/tanh": floor_and_activations,
                   "torch1": torch_runner(problem, 1), "torch2": torch_runner(problem, 2)}
        found[size] = time_interleaved(runners, repeats[size] if isinstance(repeats, dict)
                                       else repeats)
    return found


def bound_ratios(bound):
    """{size: {name: (median ratio, 25th, 75th percentile)}}: each engine's time
    over torch's (the faster of its 1 and 2 threads, by median): the ratio of
    the medians over the repeats, and the interquartile range of the
    per-repeat ratios (repeat k of one against repeat k of torch: both ran in
    the same round; on a busy machine single rounds can be far off, so the
    range of all of them says more about the machine than about the engines)."""
    table = {}
    for size, samples in bound.items():
        torch_name = min(("torch1", "torch2"), key=lambda k: np.median(samples[k]))
        table[size] = {name: ratio_and_quartiles(samples[name], samples[torch_name])
                       for name in ("floor", "floor + exp/tanh", "fast")}
    return table


def format_bound(bound):
    """Lines of ``bound_ratios``: time / torch's time, median [interquartile range
    of the per-repeat ratios]."""
    if not bound:
        return []
    lines = ["", "float32 LSTM: time / torch.nn.LSTM's time, median [25th - 75th "
             "percentile of rounds]",
             f"{'size':13}" + "".join(f"{name:>24}" for name in
                                      ("floor", "floor + exp/tanh", "fast"))]
    for size, found in bound_ratios(bound).items():
        lines.append(f"{size:13}" + "".join(
            f"{f'{med:.2f} [{lo:.2f} - {hi:.2f}]':>24}" for med, lo, hi in found.values()))
    return lines


SPLIT_SHAPES = ((65, 64, 32, 50), (65, 128, 16, 50), (65, 128, 32, 50),
                (65, 128, 64, 50), (65, 256, 64, 50))    # (n_x, n_a, m, T_x)


def measure_split(cells=CELLS, dtypes=DTYPES, shapes=SPLIT_SHAPES, repeats=15, seed=3):
    """Where cutting the batch into two parts starts to pay on this machine.

    For every cell, dtype and shape, rnnlib.fast with ``parts=1`` and with
    ``parts=2``, interleaved. Returns a list of dicts with "cell", "dtype",
    "shape" and "times" {"one part": [seconds], "two parts": [seconds]}
    (one per repeat).
    """
    rng = np.random.default_rng(seed)
    found = []
    for cell in cells:
        for dtype in dtypes:
            for shape in shapes:
                problem = make_problem(cell, *shape, rng, dtype=np.dtype(dtype))
                runners = {"one part": fast_runner(problem, parts=1),
                           "two parts": fast_runner(problem, parts=2)}
                found.append({"cell": cell, "dtype": dtype, "shape": list(shape),
                              "times": time_interleaved(runners, repeats)})
    return found


def split_ratios(split):
    """Per measurement of ``measure_split``: (cell, dtype, shape, m * n_a, median
    ratio, 25th, 75th percentile), the ratio being the time in two parts over
    the time in one (below 1: splitting paid); the percentiles are those of the
    per-repeat ratios."""
    rows = []
    for entry in split:
        _, n_a, m, _ = entry["shape"]
        rows.append((entry["cell"], entry["dtype"], tuple(entry["shape"]), m * n_a,
                     *ratio_and_quartiles(entry["times"]["two parts"],
                                          entry["times"]["one part"])))
    return rows


def format_split(split):
    """Lines of ``split_ratios``, a star where three rounds in four or more ran
    faster in two parts (the 75th percentile of the ratios below 1)."""
    if not split:
        return []
    lines = ["two parts / one part, median [25th - 75th percentile of rounds]; "
             "* two parts paid",
             f"{'cell':5}{'dtype':8}{'(n_x, n_a, m, T_x)':>20}{'m n_a':>7}{'ratio':>22}"]
    for cell, dtype, shape, values, med, q1, q3 in split_ratios(split):
        star = "*" if q3 < 1 else " "
        lines.append(f"{cell:5}{dtype:8}{str(shape):>20}{values:>7}"
                     f"{f'{med:.2f} [{q1:.2f} - {q3:.2f}]{star}':>22}")
    return lines


def idea_gains(ideas):
    """{cell: {variant: (median ratio, lowest, highest)}}: the time with the idea
    switched off over the time as is (> 1: the idea pays), the median ratio
    and the range of the per-repeat ratios (repeat k of one against repeat k
    of the other: both ran in the same round of the interleaved run)."""
    gains = {}
    for cell, by_size in ideas.items():
        gains[cell] = {}
        for samples in by_size.values():
            base = np.array(samples["as is"])
            for name, times in samples.items():
                if name != "as is":
                    per_repeat = np.array(times) / base
                    gains[cell][name] = (float(np.median(times) / np.median(base)),
                                         float(per_repeat.min()), float(per_repeat.max()))
    return gains


def ratios(result):
    """Derived comparisons of one result (None where an engine is missing)."""
    t = dict(result["times"])
    if "seed" in t:                                      # files saved before the rename
        t["reference"] = t.pop("seed")

    def div(a, b):
        return t[a] / t[b] if a in t and b in t else None

    return {"speedup_vs_reference": div("reference", "fast"),  # > 1: fast is faster
            "fast_over_floor": div("fast", "floor"),     # >= 1, target <= 1.35
            "fast_over_torch": div("fast", "torch"),     # < 1: faster than torch
            "fast_over_torch_no_onednn": div("fast", "torch_no_onednn")}  # the control


# ------------------------------------------------------------------- output

ENGINES = ("reference", "fast", "floor", "torch")
RATIOS = (("speedup_vs_reference", "ref/fast"), ("fast_over_floor", "fast/floor"),
          ("fast_over_torch", "fast/torch"))
_HEADERS = {"reference": "ref ms", "fast": "fast ms", "floor": "floor ms",
            "torch": "torch ms"}


def _ms(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.3f}"


def _x(ratio):
    return "-" if ratio is None else f"{ratio:.2f}"


def _columns(engines):
    """Headers and widths of the table's columns for these engines."""
    columns = [("cell", 5), ("size", 12), ("dtype", 8)]
    columns += [(_HEADERS[e], 10) for e in engines]
    names = {"ref/fast": ("reference", "fast"), "fast/floor": ("fast", "floor"),
             "fast/torch": ("fast", "torch")}
    return columns + [(label, 11) for _, label in RATIOS
                      if set(names[label]) <= set(engines)]


def format_header(engines=ENGINES):
    """The table's header line for these engines (see ``format_row``)."""
    return "".join(f"{h:<{w}}" if k < 3 else f"{h:>{w}}"
                   for k, (h, w) in enumerate(_columns(engines)))


def format_row(result, engines=ENGINES):
    """One result as a line of the table: median times (ms), then ratios."""
    t, r = dict(result["times"]), ratios(result)
    if "seed" in t:
        t["reference"] = t.pop("seed")
    labels = dict((label, key) for key, label in RATIOS)
    cells = [result["cell"], result["size"], result.get("dtype", "float64")]
    cells += [_ms(t.get(e)) for e in engines]
    cells += [_x(r[labels[h]]) for h, _ in _columns(engines)[3 + len(engines):]]
    return "".join(f"{c:<{w}}" if k < 3 else f"{c:>{w}}"
                   for k, (c, (_, w)) in enumerate(zip(cells, _columns(engines))))


def format_sizes(sizes):
    """The problem sizes as lines 'name (n_x, n_a, m, T)', two per line."""
    items = [f"{name} {tuple(shape)}" for name, shape in sizes.items()]
    lines = [",  ".join(items[k:k + 2]) for k in range(0, len(items), 2)]
    return "\n".join(["sizes (n_x, n_a, m, T_x):"] + ["  " + line for line in lines])


def engines_in(results):
    """The engines measured in ``results``, in the table's order."""
    found = {("reference" if e == "seed" else e) for r in results for e in r["times"]}
    return [e for e in ENGINES if e in found]


def format_table(results):
    """The results as text: the sizes, then a table of median times (ms) and
    ratios, with a column only for the engines that were measured."""
    engines = engines_in(results)
    sizes = {r["size"]: r["shape"] for r in results}
    return "\n".join([format_sizes(sizes), "", format_header(engines)]
                     + [format_row(r, engines) for r in results])


def check_targets(results):
    """The targets, each as (description, measured ratio, met?)."""
    checks = []
    for r in results:
        rr, cell, size = ratios(r), r["cell"], r["size"]
        dtype = r.get("dtype", "float64")
        if size == "dinosaur" and rr["speedup_vs_reference"] is not None:
            value = rr["speedup_vs_reference"]
            checks.append((f"{cell}: fast >= 2x faster than the reference at dinosaur "
                           "size", value, value >= 2))
        if size == "large" and rr["fast_over_floor"] is not None and dtype == "float64":
            value = rr["fast_over_floor"]
            checks.append((f"{cell}: fast within 1.35x of the matmul floor at large "
                           "size", value, value <= 1.35))
        if size in TORCH_TARGET_SIZES and rr["fast_over_torch"] is not None:
            limit = TORCH_TARGETS[dtype]
            value = rr["fast_over_torch"]
            mark = " (torch.nn.GRU: its own formulation)" if cell == "gru" else ""
            checks.append((f"{cell}: fast/torch <= {limit} at {size} size, {dtype}{mark}",
                           value, value <= limit))
    return checks


def format_control(runs):
    """Lines on the oneDNN control (``ONEDNN_CONTROL``): fast/torch with torch's
    oneDNN kernels on and off, median [min - max] over the runs."""
    found = {}
    for results in runs:
        for r in results:
            rr = ratios(r)
            if rr["fast_over_torch_no_onednn"] is not None:
                key = (r["cell"], r["size"], r.get("dtype", "float64"))
                on, off = found.setdefault(key, ([], []))
                on.append(rr["fast_over_torch"])
                off.append(rr["fast_over_torch_no_onednn"])
    if not found:
        return []
    lines = ["", "control: fast/torch with torch's oneDNN kernels on | off (one thread)"]
    for (cell, size, dtype), (on, off) in found.items():
        lines.append(f"{cell:5}{size:12}{dtype:8}" + " | ".join(
            f"{np.median(v):.2f} [{min(v):.2f} - {max(v):.2f}]" for v in (on, off)))
    return lines


def summarize_runs(runs):
    """Per (cell, size, dtype) and ratio: (median, min, max) over several runs.

    runs -- a list of result lists (one per run of ``run_benchmark``)
    """
    table = {}
    for results in runs:
        for r in results:
            key = (r["cell"], r["size"], r.get("dtype", "float64"))
            for name, value in ratios(r).items():
                if value is not None:
                    table.setdefault(key, {}).setdefault(name, []).append(value)
    return {key: {name: (float(np.median(v)), min(v), max(v))
                  for name, v in found.items()} for key, found in table.items()}


def format_spread(runs):
    """The ratios of several runs: median [min - max] per row."""
    summary = summarize_runs(runs)
    rows = {}
    for results in runs:
        for r in results:
            key = (r["cell"], r["size"], r.get("dtype", "float64"))
            rows[key] = rows.get(key, 0) + 1
    counts = set(rows.values())
    lines = [f"ratios: median [min - max] over the runs of each row ({len(runs)} "
             f"runs in all)" if len(counts) > 1 else
             f"ratios over {len(runs)} runs: median [min - max]",
             f"{'cell':5}{'size':12}{'dtype':8}" + "".join(
                 f"{label:>22}" for _, label in RATIOS)]
    for (cell, size, dtype), found in summary.items():
        cells = []
        for key, _ in RATIOS:
            if key in found:
                med, lo, hi = found[key]
                cells.append(f"{med:.2f} [{lo:.2f} - {hi:.2f}]")
            else:
                cells.append("-")
        lines.append(f"{cell:5}{size:12}{dtype:8}" + "".join(f"{c:>22}" for c in cells))
    return "\n".join(lines)


def torch_target_table(saved):
    """{(cell, size, dtype): (median, lowest, highest)} of fast/torch over the
    runs of one saved file, at the sizes that have a target against torch."""
    return {key: found["fast_over_torch"]
            for key, found in summarize_runs(saved["runs"]).items()
            if key[1] in TORCH_TARGET_SIZES and "fast_over_torch" in found}


def targets_missed(saved):
    """The (cell, size, dtype) whose median fast/torch over the runs of one
    saved file is above its target (``TORCH_TARGETS``)."""
    return [key for key, (median, _, _) in torch_target_table(saved).items()
            if median > TORCH_TARGETS[key[2]]]


def format_machines(saved_files, labels):
    """Lines comparing fast/torch on several machines: one column per saved
    file (median [min - max] over its runs), the target, and a star where the
    median misses it."""
    tables = [torch_target_table(saved) for saved in saved_files]
    keys = list(dict.fromkeys(key for table in tables for key in table))
    lines = ["fast/torch, median [min - max] over the runs; * misses the target",
             f"{'cell':5}{'size':12}{'dtype':8}{'target':>7}"
             + "".join(f"{label:>22}" for label in labels)]
    for key in keys:
        limit = TORCH_TARGETS[key[2]]
        cells = []
        for table in tables:
            if key not in table:
                cells.append("-")
                continue
            median, low, high = table[key]
            star = "*" if median > limit else " "
            cells.append(f"{median:.2f} [{low:.2f} - {high:.2f}]{star}")
        lines.append(f"{key[0]:5}{key[1]:12}{key[2]:8}{limit:>7}"
                     + "".join(f"{c:>22}" for c in cells))
    return lines


def format_commands(saved):
    """Lines naming, for every command that wrote into a saved file, when and on
    what it ran, and the command itself (to measure again)."""
    lines = []
    for machine in saved.get("machines", [saved["machine"]]):
        lines += [f"{machine['date']}: {machine['cpu']} ({machine['cores']} cores), numpy "
                  f"{machine['numpy']}, torch {machine.get('torch', 'not installed')}, load "
                  f"average {machine['load_average_1min_before']} at the start"
                  + (f", engine at commit {machine['commit']}" if machine.get("commit")
                     else ""),
                  f"  {machine['command']}"]
    return lines


def engine_commit():
    """The git commit of the checkout that is measured, with " (modified)" when
    rnnlib/ or benchmarks/ (not counting the saved results) differ from it;
    None outside a git checkout."""
    import subprocess
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "rnnlib",
                                  "benchmarks", ":(exclude)benchmarks/results"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + (" (modified)" if changed else "")


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
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
            "options": {k: v for k, v in vars(fast.get_options()).items()},
            "commit": engine_commit()}
    if torch_available():
        import torch
        info["torch"] = torch.__version__
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--sizes", nargs="*", choices=list(SIZES),
                        help="subset of sizes")
    parser.add_argument("--cells", nargs="*", choices=list(CELLS), help="subset of cells")
    parser.add_argument("--dtypes", nargs="*", choices=list(DTYPES),
                        help="subset of dtypes")
    parser.add_argument("--engines", nargs="*", choices=list(ENGINES),
                        help="subset of engines")
    parser.add_argument("--add", action="store_true",
                        help="with --save: keep the saved results of other sizes")
    parser.add_argument("--clock", choices=list(CLOCKS), default="wall",
                        help="wall time, or CPU time (one thread per engine: for a "
                        "machine busy with other programs)")
    parser.add_argument("--runs", type=int, default=1,
                        help="repeat the whole measurement (spread over runs)")
    parser.add_argument("--ideas", action="store_true",
                        help="also time chapter 7's ideas (large and medium sizes)")
    parser.add_argument("--ideas-only", action="store_true",
                        help="time only chapter 7's ideas (no table)")
    parser.add_argument("--bound-only", action="store_true",
                        help="time only the float32 LSTM's products and exp/tanh "
                        "calls against torch (no table)")
    parser.add_argument("--split-only", action="store_true",
                        help="time only rnnlib.fast in one and in two parts of the batch "
                        "at several sizes (no table)")
    parser.add_argument("--save", metavar="JSON", help="write machine info and results")
    args = parser.parse_args(argv)
    sizes = {k: SIZES[k] for k in (args.sizes or SIZES)}
    cells = tuple(args.cells or CELLS)
    dtypes = tuple(args.dtypes or DTYPES)
    load_before = round(os.getloadavg()[0], 2)
    runs = []
    if args.ideas_only:
        args.ideas, args.runs, sizes = True, 0, {}
    if args.bound_only or args.split_only:
        args.runs, sizes = 0, {}
    for run in range(args.runs):
        these = {k: v for k, v in sizes.items() if run == 0 or k != "large"}
        print(f"run {run + 1} of {args.runs}" if args.runs > 1 else "", format_sizes(these),
              "", format_header(), sep="\n", flush=True)
        runs.append(run_benchmark(these, cells, engines=tuple(args.engines or ENGINES),
                                  repeats=QUICK_REPEATS if args.quick else REPEATS,
                                  dtypes=dtypes, seed=run, verbose=True,
                                  clock=args.clock))
    print()
    if args.runs > 1:
        print(format_spread(runs), "", sep="\n")
    for text, value, met in check_targets(_median_run(runs) if runs else []):
        print(f"{'met    ' if met else 'NOT MET'}  {text}: {value:.2f}")
    for text in format_control(runs):
        print(text)
    ideas = None
    if args.ideas:
        ideas = measure_ideas()
        print("\nthe ideas, switched off one at a time: time / time as is, "
              "median [range over repeats]")
        for cell, gains in idea_gains(ideas).items():
            print(cell.ljust(5), "  ".join(f"{k} {g:.2f} [{lo:.2f} - {hi:.2f}]"
                                           for k, (g, lo, hi) in gains.items()))
    bound = None
    if args.bound_only:
        bound = measure_bound()
        print("\n".join(format_bound(bound)) if bound else "torch is not installed")
    split = None
    if args.split_only:
        split = measure_split(cells, dtypes)
        print("\n".join(format_split(split)))
    if args.save:
        path = pathlib.Path(args.save)
        path.parent.mkdir(parents=True, exist_ok=True)
        words = argv if argv is not None else sys.argv[1:]
        info = {**machine_info(), "load_average_1min_before": load_before,
                "command": "python benchmarks/bench_engines.py " + " ".join(
                    f'"{w}"' if " " in w else w for w in words)}
        saved = {"machine": info, "results": _median_run(runs), "runs": runs,
                 "ideas": ideas, "bound": bound, "split": split}
        if args.add and path.exists():
            saved = _added(json.loads(path.read_text()), saved, sizes)
        path.write_text(json.dumps(saved, indent=1) + "\n")
        print(f"saved {path}")


def _added(old, new, sizes):
    """``new`` with the results of ``old`` for the sizes ``new`` did not measure
    (each result keeps the machine record of its own measurement: "machine")."""
    kept = [r for r in old["results"] if r["size"] not in sizes]
    for r in kept:
        r.setdefault("machine", old["machine"])
    for r in new["results"]:
        r["machine"] = new["machine"]
    machines = [m for m in old.get("machines", [old["machine"]])]
    return {"machine": new["machine"], "machines": machines + [new["machine"]],
            "results": kept + new["results"],
            "runs": [[r for r in run if r["size"] not in sizes] for run in old["runs"]]
            + new["runs"],
            "ideas": new["ideas"] or old.get("ideas"),
            "bound": new.get("bound") or old.get("bound"),
            "split": new.get("split") or old.get("split")}


def _median_run(runs):
    """One result list whose times are the medians over the runs (per engine)."""
    if len(runs) <= 1:
        return runs[0] if runs else []
    groups = {}
    for results in runs:
        for r in results:
            groups.setdefault((r["cell"], r["size"], r.get("dtype")), []).append(r)
    merged = []
    for group in groups.values():
        times = {}
        for engine in group[0]["times"]:
            values = [r["times"][engine] for r in group if engine in r["times"]]
            times[engine] = (values[0] if engine == "torch_threads"
                             else float(np.median(values)))
        merged.append({**group[0], "times": times, "runs": len(group)})
    return merged


if __name__ == "__main__":
    main()
