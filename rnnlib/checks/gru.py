"""Checkers for the GRU exercises of chapter 4.

    check_gru_cell_forward(fn)     fn(xt, a_prev, parameters)
                                       -> (a_next, yt_pred, cache)
    check_gru_forward(fn)          fn(x, a0, parameters) -> (a, y, caches)
    check_gru_cell_backward(fn)    fn(da_next, cache) -> gradients
    check_gru_backward(fn)         fn(da, caches) -> gradients

Each runs ``fn`` on a handful of inputs (a single example m = 1, a single time
step T_x = 1, n_x = n_a so that shapes alone hide nothing) and compares it with
the library. When the results differ it tries the classic mistakes below, each
written as a deliberately wrong copy of the maths, and names the one whose
results the reader's function reproduces: the reset gate applied to the wrong
term (after the product with Wc, as PyTorch does, or to the candidate), the
update gate's convention flipped, the inputs stacked as [xt; a_prev], a path
missing from da_prev (there are three), ...
"""

from functools import partial

import numpy as np

from ..activations import sigmoid_unchecked
from ._core import Case, Mistake, Probe, random_checker_parameters, run_checks
from .backward import (bias_probe, key_mistake, one_step_probe, padded_da,
                       short_da_probe, transposed_probe)
from .forward import (NO_CARRY, NO_X, ONE_CACHE, SOFTMAX_AXIS, START_ZEROS,
                      STORE_PREV, Y_FROM_PREV, only_wrong, return_order,
                      softmax_on_axis)

__all__ = ["check_gru_cell_forward", "check_gru_forward",
           "check_gru_cell_backward", "check_gru_backward",
           "FORWARD_CELL_MISTAKES", "BACKWARD_CELL_MISTAKES"]

# The seed of the generated inputs: the same checks, and messages, every run.
SEED = 4044

GRU_CACHE = "(a_next, a_prev, ut, rt, cct, xt, parameters)"
GATE_KEYS = ("Wu", "bu", "Wr", "br", "Wc", "bc")

# (n_x, n_a, n_y, m) for the forward cells, (n_x, n_a, m) for the backward
# cells; T_x is added for the sequences. n_a >= 2 everywhere, so that a bias
# summed over the wrong axis shows.
CELL_SIZES = [(3, 5, 2, 10), (4, 3, 4, 1), (2, 4, 3, 3), (4, 4, 4, 4), (1, 2, 5, 6)]
SEQUENCE_SIZES = [(3, 5, 2, 10, 4), (2, 3, 4, 1, 1), (2, 4, 3, 3, 6), (4, 4, 4, 4, 5),
                  (3, 2, 2, 2, 1)]
BACKWARD_CELL_SIZES = [(3, 5, 10), (2, 4, 1), (4, 4, 3), (1, 2, 6)]
BACKWARD_SEQUENCE_SIZES = [(3, 5, 4, 1), (3, 5, 4, 6), (2, 3, 1, 5), (4, 4, 3, 4)]
SHORT_DA = (3, 4, 2, 5, 3)        # n_x, n_a, m, steps run forwards, T_x of da


def _label(names, sizes):
    return ", ".join(f"{n}={s}" for n, s in zip(names, sizes))


def _forward_cell_cases():
    rng = np.random.default_rng(SEED)
    cases = []
    for n_x, n_a, n_y, m in CELL_SIZES:
        params = random_checker_parameters("gru", rng, n_x, n_a, n_y)
        xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
        cases.append(Case(_label(("n_x", "n_a", "n_y", "m"), (n_x, n_a, n_y, m)),
                          (xt, a_prev, params)))
    return cases


def _forward_sequence_cases():
    rng = np.random.default_rng(SEED + 1)
    cases = []
    for sizes in SEQUENCE_SIZES:
        n_x, n_a, n_y, m, T_x = sizes
        params = random_checker_parameters("gru", rng, n_x, n_a, n_y)
        x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
        cases.append(Case(_label(("n_x", "n_a", "n_y", "m", "T_x"), sizes),
                          (x, a0, params)))
    return cases


def _backward_cell_cases():
    from ..gru import gru_cell_forward

    rng = np.random.default_rng(SEED + 2)
    cases = []
    for n_x, n_a, m in BACKWARD_CELL_SIZES:
        xt = rng.standard_normal((n_x, m))
        a_prev = np.tanh(rng.standard_normal((n_a, m)))
        da_next = rng.standard_normal((n_a, m))
        params = random_checker_parameters("gru", rng, n_x, n_a, 2)
        cache = gru_cell_forward(xt, a_prev, params)[2]
        cases.append(Case(_label(("n_x", "n_a", "m"), (n_x, n_a, m)), (da_next, cache)))
    return cases


def _backward_sequence_cases():
    from ..gru import gru_forward

    rng = np.random.default_rng(SEED + 3)
    cases = []
    sizes = [(n_x, n_a, m, T_x, T_x) for n_x, n_a, m, T_x in BACKWARD_SEQUENCE_SIZES]
    for n_x, n_a, m, steps, T_x in sizes + [SHORT_DA]:
        x = rng.standard_normal((n_x, m, steps))
        a0 = np.tanh(rng.standard_normal((n_a, m)))
        params = random_checker_parameters("gru", rng, n_x, n_a, 2)
        caches = gru_forward(x, a0, params)[2]
        da = rng.standard_normal((n_a, m, T_x))
        label = _label(("n_x", "n_a", "m", "T_x"), (n_x, n_a, m, T_x))
        if steps > T_x:
            label += f", da covers the first {T_x} of {steps} steps run"
        cases.append(Case(label, (da, caches)))
    return cases


# ---------------------------------------------------------------- wrong copies
#
# One small implementation per function, written independently of the library;
# each classic mistake is that implementation with one switch turned. With no
# switch turned they compute the right results.


def _gru_cell(xt, a_prev, p, mistake=None, order=(0, 1, 2),
              cache_order=tuple(range(7))):
    n_a = a_prev.shape[0]

    def stack(top, bottom):                       # [top; bottom], or swapped
        if mistake == "concat_x_on_top":
            return np.concatenate((bottom, top), axis=0)
        return np.concatenate((top, bottom), axis=0)

    concat = stack(a_prev, xt)
    ut = sigmoid_unchecked(p["Wu"] @ concat + p["bu"])
    if mistake == "reset_with_update_weights":
        rt = sigmoid_unchecked(p["Wu"] @ concat + p["bu"])
    else:
        rt = sigmoid_unchecked(p["Wr"] @ concat + p["br"])
    squash = sigmoid_unchecked if mistake == "candidate_sigmoid" else np.tanh
    if mistake == "reset_after_product":          # PyTorch's nn.GRU
        Wca, Wcx = p["Wc"][:, :n_a], p["Wc"][:, n_a:]
        cct = squash(Wcx @ xt + rt * (Wca @ a_prev) + p["bc"])
    elif mistake == "no_reset":
        cct = squash(p["Wc"] @ concat + p["bc"])
    elif mistake == "reset_on_candidate":
        cct = rt * squash(p["Wc"] @ concat + p["bc"])
    else:
        cct = squash(p["Wc"] @ stack(rt * a_prev, xt) + p["bc"])
    if mistake == "update_flipped":               # a = Γ a_prev + (1 - Γ) c̃
        a_next = (1 - ut) * cct + ut * a_prev
    elif mistake == "reset_in_the_mix":
        a_next = ut * cct + (1 - ut) * rt * a_prev
    elif mistake == "no_update_gate":
        a_next = cct
    else:
        a_next = ut * cct + (1 - ut) * a_prev
    source = a_prev if mistake == "y_from_prev" else a_next
    yt_pred = softmax_on_axis(p["Wy"] @ source + p["by"],
                       axis=1 if mistake == "softmax_axis" else 0)
    full_cache = (a_next, a_prev, ut, rt, cct, xt, p)
    out = (a_next, yt_pred, tuple(full_cache[i] for i in cache_order))
    return tuple(out[i] for i in order)


def _gru_sequence(x, a0, p, cell=_gru_cell, mistake=None, order=(0, 1, 2)):
    n_x, m, T_x = x.shape
    n_y, n_a = p["Wy"].shape
    a, y = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    caches = []
    a_prev = np.zeros_like(a0) if mistake == "start_zeros" else a0
    for t in range(T_x):
        a_next, yt, cache = cell(x[:, :, t], a_prev, p)
        a[:, :, t] = a_prev if mistake == "store_prev" else a_next
        y[:, :, t] = yt
        caches.append(cache)
        a_prev = a0 if mistake == "no_carry" else a_next
    kept = {"last": caches[-1], "last_in_list": [caches[-1]]}.get(mistake, caches)
    out = (a, y, kept if mistake == "no_x" else (kept, x))
    return tuple(out[i] for i in order)


def _gru_cell_backward(da_next, cache, mistake=None):
    a_next, a_prev, ut, rt, cct, xt, p = cache
    n_a = a_prev.shape[0]

    def stack(top, bottom):
        if mistake == "concat_x_on_top":
            return np.concatenate((bottom, top), axis=0)
        return np.concatenate((top, bottom), axis=0)

    concat, concat_r = stack(a_prev, xt), stack(rt * a_prev, xt)
    # gradients before each nonlinearity, (n_a, m) each
    dcct = da_next * ut * (1 - cct ** 2)
    if mistake == "c_without_tanh_derivative":
        dcct = da_next * ut
    dut = da_next * (cct - a_prev) * ut * (1 - ut)
    if mistake == "u_flipped":
        dut = da_next * (a_prev - cct) * ut * (1 - ut)
    elif mistake == "u_without_a_prev":
        dut = da_next * cct * ut * (1 - ut)
    elif mistake == "u_without_sigmoid_derivative":
        dut = da_next * (cct - a_prev)
    a_half, x_half = slice(None, n_a), slice(n_a, None)   # rows of a_prev, of xt
    dra = p["Wc"][:, a_half].T @ dcct                      # reaches Γr * a_prev
    drt = dra * a_prev * rt * (1 - rt)
    if mistake == "r_without_a_prev":
        drt = dra * rt * (1 - rt)
    elif mistake == "r_without_sigmoid_derivative":
        drt = dra * a_prev
    paths = {"direct": da_next * (1 - ut),
             "gates": p["Wu"][:, a_half].T @ dut + p["Wr"][:, a_half].T @ drt,
             "candidate": dra * rt}
    if mistake == "direct_with_update":
        paths["direct"] = da_next * ut
    elif mistake == "candidate_without_reset":
        paths["candidate"] = dra
    elif mistake and mistake.startswith("da_prev_without_"):
        del paths[mistake[len("da_prev_without_"):]]
    dx_gates = p["Wu"][:, x_half].T @ dut + p["Wr"][:, x_half].T @ drt
    dx_candidate = p["Wc"][:, x_half].T @ dcct
    if mistake == "dxt_without_candidate":
        dx_candidate = 0
    elif mistake == "dxt_without_gates":
        dx_gates = 0
    g = {"dxt": dx_gates + dx_candidate, "da_prev": sum(paths.values())}
    inputs = {"u": concat, "r": concat,
              "c": concat if mistake == "dWc_from_concat" else concat_r}
    for gate, d in zip("urc", (dut, drt, dcct)):
        g["dW" + gate] = d @ inputs[gate].T
        g["db" + gate] = d.sum(axis=1, keepdims=True)
    return g


def _gru_sequence_backward(da, caches, mistake=None, cell_mistake=None):
    steps, x = caches
    n_a, m, T_x = da.shape
    p = steps[0][-1]
    total = {"d" + k: np.zeros_like(p[k]) for k in GATE_KEYS}
    dx = np.zeros((x.shape[0], m, T_x))
    da_prev = np.zeros((n_a, m))
    order = range(T_x) if mistake == "forward_in_time" else reversed(range(T_x))
    for t in order:
        own = da[:, :, t] if mistake != "only_last_da" or t == T_x - 1 else 0
        g = _gru_cell_backward(own + (0 if mistake == "no_carry" else da_prev),
                               steps[t], cell_mistake)
        da_prev = g["da_prev"]
        dx[:, :, t] = g["dxt"]
        for k in total:
            total[k] = g[k] if mistake == "overwrite" else total[k] + g[k]
    return {"dx": dx, "da0": da_prev, **total}


# ---------------------------------------------------------------- messages

STACK_ORDER = ("the gates do not match: did you stack [xt; a_prev]? The hidden state "
               "goes on top: concat = [a_prev; xt] and [Γr * a_prev; xt], because the "
               "weights' first n_a columns multiply the hidden state.")

# mistake switch -> (explanation, outputs it shows in); also read by the tests.
FORWARD_CELL_MISTAKES = {
    "concat_x_on_top": (STACK_ORDER, ["a_next"]),
    "reset_after_product": (
        "the reset gate is applied after the product with Wc, as in PyTorch's "
        "nn.GRU (Γr * (Wc[:, :n_a] @ a_prev)). This book's GRU resets a_prev before "
        "the product: c̃ = tanh(Wc [Γr * a_prev; xt] + bc).", ["a_next"]),
    "no_reset": (
        "the reset gate is missing from the candidate: "
        "c̃ = tanh(Wc [Γr * a_prev; xt] "
        "+ bc), with a_prev multiplied by Γr before it is stacked with xt.",
        ["a_next"]),
    "reset_on_candidate": (
        "the reset gate multiplies the candidate (Γr * tanh(...)); it belongs inside, "
        "on a_prev: c̃ = tanh(Wc [Γr * a_prev; xt] + bc).", ["a_next"]),
    "reset_in_the_mix": (
        "the reset gate is applied to a_prev in the final mix; it only acts inside "
        "the candidate. a<t> = Γu * c̃ + (1 - Γu) * a_prev.", ["a_next"]),
    "reset_with_update_weights": (
        "the reset gate is computed with Wu and bu (a copy-paste slip?): "
        "Γr = σ(Wr concat + br).", ["a_next"]),
    "update_flipped": (
        "the update gate's convention is flipped: you wrote a<t> = Γu * a_prev + "
        "(1 - Γu) * c̃, as some texts do. Here Γu says how much of the candidate "
        "to take: a<t> = Γu * c̃ + (1 - Γu) * a_prev.", ["a_next"]),
    "no_update_gate": (
        "a_next equals the candidate: the update gate mixes it with the old state, "
        "a<t> = Γu * c̃ + (1 - Γu) * a_prev.", ["a_next"]),
    "candidate_sigmoid": (
        "the candidate c̃ should use tanh (values in -1..1), not the sigmoid.",
        ["a_next"]),
    "y_from_prev": (Y_FROM_PREV, ["yt_pred"]),
    "softmax_axis": (SOFTMAX_AXIS, ["yt_pred"]),
}

_GRADIENT_KEYS = ["dWu", "dWr", "dWc"]
# mistake switch -> (explanation, arrays it shows in); also read by the tests.
BACKWARD_CELL_MISTAKES = {
    "da_prev_without_direct": (
        "da_prev is missing the direct path: a<t> = Γu * c̃ + (1 - Γu) * a_prev "
        "depends on a_prev itself, so add da_next * (1 - Γu).", ["da_prev"]),
    "da_prev_without_gates": (
        "da_prev is missing the path through the gates: Γu and Γr read concat = "
        "[a_prev; xt], so add Wu[:, :n_a].T @ dz_u + Wr[:, :n_a].T @ dz_r.",
        ["da_prev"]),
    "da_prev_without_candidate": (
        "da_prev is missing the path through the candidate: c̃ reads Γr * a_prev, so "
        "add (Wc[:, :n_a].T @ dz_c) * Γr.", ["da_prev"]),
    "candidate_without_reset": (
        "the candidate's path into da_prev is missing the reset gate: c̃ reads "
        "Γr * a_prev, so that path is (Wc[:, :n_a].T @ dz_c) * Γr.", ["da_prev"]),
    "direct_with_update": (
        "the direct path into da_prev uses Γu; a_prev is kept with weight 1 - Γu, "
        "so it is da_next * (1 - Γu).", ["da_prev"]),
    "concat_x_on_top": (
        "the weight gradients use [xt; a_prev]; the forward pass stacks "
        "[a_prev; xt] (hidden state on top), and dW = dgate @ input.T must use the "
        "same order.", _GRADIENT_KEYS),
    "dWc_from_concat": (
        "dWc uses [a_prev; xt]; the candidate multiplies Wc with "
        "[Γr * a_prev; xt], so dWc = dz_c @ [Γr * a_prev; xt].T.", ["dWc"]),
    "dxt_without_candidate": (
        "dxt is missing the path through the candidate: xt feeds c̃ too, so add "
        "Wc[:, n_a:].T @ dz_c.", ["dxt"]),
    "dxt_without_gates": (
        "dxt is missing the path through the gates: xt feeds Γu and Γr too, so add "
        "Wu[:, n_a:].T @ dz_u + Wr[:, n_a:].T @ dz_r.", ["dxt"]),
    "c_without_tanh_derivative": (
        "the candidate's gradient is missing the tanh derivative: "
        "dz_c = da_next * Γu * (1 - c̃**2).", ["dbc"]),
    "u_flipped": (
        "the update gate's gradient has the wrong sign: a<t> = Γu * c̃ + "
        "(1 - Γu) * a_prev, so dz_u = da_next * (c̃ - a_prev) * Γu * (1 - Γu), "
        "not (a_prev - c̃).", ["dbu"]),
    "u_without_a_prev": (
        "the update gate's gradient forgets that Γu also weighs a_prev (with "
        "1 - Γu): dz_u = da_next * (c̃ - a_prev) * Γu * (1 - Γu).", ["dbu"]),
    "u_without_sigmoid_derivative": (
        "the update gate's gradient is missing the sigmoid derivative: "
        "dz_u = da_next * (c̃ - a_prev) * Γu * (1 - Γu).", ["dbu"]),
    "r_without_a_prev": (
        "the reset gate's gradient forgets a_prev: Γr multiplies a_prev, so "
        "dz_r = (Wc[:, :n_a].T @ dz_c) * a_prev * Γr * (1 - Γr).", ["dbr"]),
    "r_without_sigmoid_derivative": (
        "the reset gate's gradient is missing the sigmoid derivative: "
        "dz_r = (Wc[:, :n_a].T @ dz_c) * a_prev * Γr * (1 - Γr).", ["dbr"]),
}

SEQUENCE_BACKWARD_MISTAKES = {
    "no_carry": ("da_prev is not carried from step to step: step t-1 must receive "
                 "da[:, :, t-1] + da_prev, where da_prev is what step t returned, "
                 "not da[:, :, t-1] alone.", None),
    "only_last_da": ("only the last step's da[:, :, T_x-1] enters: every step t must "
                     "also add its own da[:, :, t] to the da_prev coming from step "
                     "t+1.", None),
    "forward_in_time": ("you walk forwards in time: back-propagation starts at the "
                        "last step and goes back to the first (for t in "
                        "reversed(range(T_x))), because each step needs the da_prev "
                        "of the step after it.", None),
    "overwrite": ("dWu, dWr, dWc and the biases are overwritten at each step instead "
                  "of summed: the same weights are used at every time step, so their "
                  "gradient is the sum over all steps (use +=).", ["dWu", "dbu"]),
}


# ---------------------------------------------------------------- checkers


def check_gru_cell_forward(fn):
    """Check a reader's ``gru_cell_forward(xt, a_prev, parameters)``.

    Prints ``"gru_cell_forward: all 5 checks passed."`` or raises ``CheckFailed``
    saying what is wrong (for example the reset gate applied after the product,
    or the update gate's convention flipped).
    """
    from ..gru import gru_cell_forward
    outputs = ("a_next", "yt_pred", "cache")
    mistakes = [Mistake(return_order(outputs), partial(_gru_cell, order=(1, 0, 2)))]
    mistakes += [Mistake(text, partial(_gru_cell, mistake=name), fields)
                 for name, (text, fields) in FORWARD_CELL_MISTAKES.items()]
    mistakes.append(only_wrong("cache", outputs[:-1], GRU_CACHE,
                                partial(_gru_cell, cache_order=(1, 0, 2, 3, 4, 5, 6))))
    run_checks("gru_cell_forward", fn, gru_cell_forward, _forward_cell_cases(),
               outputs, ("xt", "a_prev", "parameters"), mistakes)


def check_gru_forward(fn):
    """Check a reader's ``gru_forward(x, a0, parameters)``.

    Prints ``"gru_forward: all 5 checks passed."`` or raises ``CheckFailed``.
    """
    from ..gru import gru_forward
    outputs = ("a", "y", "caches")
    mistakes = [
        Mistake(return_order(outputs), partial(_gru_sequence, order=(1, 0, 2))),
        Mistake(START_ZEROS, partial(_gru_sequence, mistake="start_zeros"), ["a"]),
        Mistake(NO_CARRY, partial(_gru_sequence, mistake="no_carry"), ["a"]),
        Mistake(STORE_PREV, partial(_gru_sequence, mistake="store_prev"), ["a"]),
    ]
    for name in ("update_flipped", "reset_after_product", "concat_x_on_top"):
        text, _ = FORWARD_CELL_MISTAKES[name]
        mistakes.append(Mistake(text, partial(_gru_sequence,
                                              cell=partial(_gru_cell, mistake=name)),
                                ["a"]))
    mistakes += [
        Mistake(ONE_CACHE, partial(_gru_sequence, mistake="last"), ["caches"]),
        Mistake(ONE_CACHE, partial(_gru_sequence, mistake="last_in_list"), ["caches"]),
        Mistake(NO_X, partial(_gru_sequence, mistake="no_x"), ["caches"]),
        only_wrong("caches", outputs[:-1],
                    f"(list_of_caches, x) with one cache {GRU_CACHE} per time step",
                    partial(_gru_sequence,
                            cell=partial(_gru_cell,
                                         cache_order=(0, 1, 3, 2, 4, 5, 6)))),
    ]
    run_checks("gru_forward", fn, gru_forward, _forward_sequence_cases(),
               outputs, ("x", "a0", "parameters"), mistakes)


def _cell_backward_mistakes():
    def wrong(mistake):
        return lambda da_next, cache: _gru_cell_backward(da_next, cache, mistake)
    right = wrong(None)
    mistakes = [bias_probe(["dbu", "dbr", "dbc"], right),
                transposed_probe(["dWu", "dWr", "dWc"], right)]
    mistakes += [key_mistake(text, wrong(name), keys)
                 for name, (text, keys) in BACKWARD_CELL_MISTAKES.items()]
    return mistakes


def check_gru_cell_backward(fn):
    """Check ``fn(da_next, cache) -> gradients`` against ``rnnlib.gru_cell_backward``.

    ``gradients`` must hold dxt (n_x, m), da_prev (n_a, m), dWu, dWr, dWc
    (n_a, n_a + n_x) and dbu, dbr, dbc (n_a, 1). Recognises, among others, each
    of the three paths into da_prev left out, the update gate's sign flipped and
    dWc computed from [a_prev; xt] instead of [Γr * a_prev; xt].
    """
    from ..gru_backward import gru_cell_backward

    run_checks("gru_cell_backward", fn, gru_cell_backward, _backward_cell_cases(),
               ("gradients",), ("da_next", "cache"), _cell_backward_mistakes())


def check_gru_backward(fn):
    """Check ``fn(da, caches) -> gradients`` against ``rnnlib.gru_backward``.

    ``gradients`` must hold dx (n_x, m, T_x), da0 (n_a, m) and dW*, db* for
    u, r, c. The checks include T_x = 1 (a mistake inside one step), longer
    sequences (not carrying da_prev, overwriting the weight gradients) and a da
    shorter than the forward pass.
    """
    from ..gru_backward import gru_backward

    def wrong(mistake):
        return lambda da, caches: _gru_sequence_backward(da, caches, mistake)

    def wrong_step(da, caches):        # a mistake inside each step, for the catalogue
        return _gru_sequence_backward(da, caches, cell_mistake="da_prev_without_direct")
    right = wrong(None)
    mistakes = [bias_probe(["dbu", "dbr", "dbc"], right),
                transposed_probe(["dWu", "dWr", "dWc"], right)]
    for name, (text, keys) in SEQUENCE_BACKWARD_MISTAKES.items():
        mistakes.append(Mistake(text, wrong(name)) if keys is None
                        else key_mistake(text, wrong(name), keys))
    mistakes += [Probe(short_da_probe, [(padded_da(right), "take T_x from da.shape")]),
                 one_step_probe("gru_cell_backward", wrong_step)]
    run_checks("gru_backward", fn, gru_backward, _backward_sequence_cases(),
               ("gradients",), ("da", "caches"), mistakes)
