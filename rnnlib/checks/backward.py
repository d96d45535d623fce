"""Checkers for the backward-pass exercises of chapter 3 (backpropagation through time).

    check_rnn_cell_backward(fn)    fn(da_next, cache) -> gradients
    check_rnn_backward(fn)         fn(da, caches) -> gradients
    check_lstm_cell_backward(fn)   fn(da_next, dc_next, cache) -> gradients
    check_lstm_backward(fn)        fn(da, caches) -> gradients

``gradients`` is a dict keyed ``dxt``/``dx``, ``da_prev``/``da0``, ``dWax``, ...
exactly as in the library. Each checker builds caches with the library's forward
functions on a handful of sizes (a single example m = 1, a single time step
T_x = 1, n_x = n_a so that shapes alone hide nothing), calls ``fn`` and the
library's backward function on the same upstream gradients and compares every
array. When they differ it tries the classic mistakes below, each written as a
deliberately wrong copy of the maths, and names the one the reader's function
reproduces: not carrying da_prev (or dc_prev) from step to step, mixing up the
W[:, :n_a] and W[:, n_a:] halves, summing a bias gradient over the wrong axis,
forgetting the tanh derivative (1 - a**2), a wrong output-gate derivative, ...
"""

import numpy as np

from ._core import Case, Mistake, Probe, compare, random_checker_parameters, run_checks

__all__ = ["check_rnn_cell_backward", "check_rnn_backward",
           "check_lstm_cell_backward", "check_lstm_backward"]

# The seed of the generated inputs: the same checks, and messages, every run.
SEED = 3033

GATES = "fico"          # forget, update (input), candidate, output
GATE_NAMES = {"f": "forget gate Γf", "i": "update gate Γi", "c": "candidate c̃",
              "o": "output gate Γo"}


# (n_x, n_a, m) for the cells, (n_x, n_a, m, T_x) for the sequences. The first
# sequence has T_x = 1: if that one fails, the problem is in one step, not in the
# carrying. n_a >= 2 everywhere, so that a bias summed over the wrong axis shows.
CELL_SIZES = [(3, 5, 10), (2, 4, 1), (4, 4, 3), (1, 2, 6)]
SEQUENCE_SIZES = [(3, 5, 4, 1), (3, 5, 4, 6), (2, 3, 1, 5), (4, 4, 3, 4), (2, 2, 1, 1)]
# A last case runs the forward pass for 5 steps but gives da for the first 3 only:
# T_x is taken from da, as in the library (the later steps do not reach the loss).
SHORT_DA = (3, 4, 2, 5, 3)        # n_x, n_a, m, steps run forwards, T_x of da


def _label(sizes):
    return ", ".join(f"{n}={s}" for n, s in zip(("n_x", "n_a", "m", "T_x"), sizes))


def _cell_cases(lstm):
    from .. import lstm_cell_forward, rnn_cell_forward

    rng = np.random.default_rng(SEED)
    cases = []
    for n_x, n_a, m in CELL_SIZES:
        xt = rng.standard_normal((n_x, m))
        a_prev = np.tanh(rng.standard_normal((n_a, m)))
        da_next = rng.standard_normal((n_a, m))
        if lstm:
            params = random_checker_parameters("lstm", rng, n_x, n_a, 2)
            c_prev = rng.standard_normal((n_a, m))
            dc_next = rng.standard_normal((n_a, m))
            cache = lstm_cell_forward(xt, a_prev, c_prev, params)[3]
            args = (da_next, dc_next, cache)
        else:
            params = random_checker_parameters("rnn", rng, n_x, n_a, 2)
            cache = rnn_cell_forward(xt, a_prev, params)[2]
            args = (da_next, cache)
        cases.append(Case(_label((n_x, n_a, m)), args))
    return cases


def _sequence_cases(lstm):
    from .. import lstm_forward, rnn_forward

    rng = np.random.default_rng(SEED + 1)
    cases = []
    sizes = [(n_x, n_a, m, T_x, T_x) for n_x, n_a, m, T_x in SEQUENCE_SIZES]
    for n_x, n_a, m, steps, T_x in sizes + [SHORT_DA]:
        x = rng.standard_normal((n_x, m, steps))
        a0 = np.tanh(rng.standard_normal((n_a, m)))
        params = random_checker_parameters("lstm" if lstm else "rnn", rng, n_x, n_a, 2)
        caches = (lstm_forward if lstm else rnn_forward)(x, a0, params)[-1]
        da = rng.standard_normal((n_a, m, T_x))
        label = _label((n_x, n_a, m, T_x))
        if steps > T_x:
            label += f", da covers the first {T_x} of {steps} steps run"
        cases.append(Case(label, (da, caches)))
    return cases


# ---------------------------------------------------------------- wrong copies
#
# One small implementation per function, written independently of the library;
# each classic mistake is that implementation with one switch turned. With no
# switch turned they compute the right gradients.


def _rnn_cell(da_next, cache, mistake=None):
    a_next, a_prev, xt, p = cache
    Wax, Waa = p["Wax"], p["Waa"]
    if mistake == "no_tanh_derivative":
        dz = da_next
    elif mistake == "tanh_twice":
        dz = (1 - np.tanh(a_next) ** 2) * da_next
    else:
        dz = (1 - a_next ** 2) * da_next                 # through tanh: (n_a, m)
    g = {"dxt": Wax.T @ dz,
         "da_prev": (Waa if mistake == "Waa_not_transposed" else Waa.T) @ dz,
         "dWax": dz @ xt.T,
         "dWaa": dz @ (a_next if mistake == "dWaa_from_a_next" else a_prev).T,
         "dba": dz.sum(axis=1, keepdims=True)}
    if mistake == "dWaa_transposed":
        g["dWaa"] = a_prev @ dz.T
    return g


def _sequence(cell, da, caches, lstm, carry_a=True, carry_c=True, add_da=True,
              accumulate=True, forward_in_time=False):
    """BPTT over a sequence with the cell ``cell``; switches make mistakes."""
    steps, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    names = (["Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo"] if lstm
             else ["Wax", "Waa", "ba"])
    p = steps[0][-1]
    total = {"d" + k: np.zeros_like(p[k]) for k in names}
    dx = np.zeros((n_x, m, T_x))
    da_prev = np.zeros((n_a, m))
    dc_prev = np.zeros((n_a, m))
    order = range(T_x) if forward_in_time else reversed(range(T_x))
    for t in order:
        da_next = (da[:, :, t] if add_da or t == T_x - 1 else 0) + \
                  (da_prev if carry_a else 0)
        if lstm:
            g = cell(da_next, dc_prev if carry_c else np.zeros((n_a, m)), steps[t])
            dc_prev = g["dc_prev"]
        else:
            g = cell(da_next, steps[t])
        da_prev = g["da_prev"]
        dx[:, :, t] = g["dxt"]
        for k in names:
            total["d" + k] = total["d" + k] + g["d" + k] if accumulate else g["d" + k]
    return {"dx": dx, "da0": da_prev, **total}


def _lstm_cell(da_next, dc_next, cache, mistake=None):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    # gradient reaching the memory cell: from the next step, and through a_next
    if mistake == "dc_without_dc_next":
        dc = da_next * ot * (1 - tanh_c ** 2)
    elif mistake == "dc_without_da_next":
        dc = dc_next
    elif mistake == "dc_without_tanh_derivative":
        dc = dc_next + da_next * ot
    else:
        dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    # gradients before each gate's nonlinearity, (n_a, m) each
    d = {"o": da_next * tanh_c * ot * (1 - ot),
         "c": dc * it * (1 - cct ** 2),
         "i": dc * cct * it * (1 - it),
         "f": dc * c_prev * ft * (1 - ft)}
    if mistake == "o_without_sigmoid_derivative":
        d["o"] = da_next * tanh_c
    elif mistake == "o_with_c_not_tanh_c":
        d["o"] = da_next * c_next * ot * (1 - ot)
    elif mistake == "o_with_dc":
        d["o"] = dc * tanh_c * ot * (1 - ot)
    elif mistake == "c_without_tanh_derivative":
        d["c"] = dc * it
    elif mistake == "i_without_sigmoid_derivative":
        d["i"] = dc * cct
    elif mistake == "f_without_sigmoid_derivative":
        d["f"] = dc * c_prev
    elif mistake == "f_with_c_next":
        d["f"] = dc * c_next * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)          # [a_prev; xt]
    if mistake == "concat_x_on_top":
        concat = np.concatenate((xt, a_prev), axis=0)
    top, bottom = slice(None, n_a), slice(n_a, None)       # a half, x half
    a_half, x_half = top, bottom
    if mistake in ("halves_swapped", "da_prev_from_x_half"):
        a_half = bottom
    if mistake in ("halves_swapped", "dxt_from_a_half"):
        x_half = top
    gates = GATES
    missing = mistake[len("da_prev_without_"):] if mistake and \
        mistake.startswith("da_prev_without_") else None
    g = {"dxt": sum(p["W" + k][:, x_half].T @ d[k] for k in gates),
         "da_prev": sum(p["W" + k][:, a_half].T @ d[k] for k in gates if k != missing),
         "dc_prev": dc * ft}
    if mistake == "dc_prev_without_forget_gate":
        g["dc_prev"] = dc
    elif mistake == "dc_prev_from_dc_next_only":
        g["dc_prev"] = dc_next * ft
    for k in gates:
        g["dW" + k] = d[k] @ concat.T
        g["db" + k] = d[k].sum(axis=1, keepdims=True)
    return g


# ---------------------------------------------------------------- diagnoses


def _dict_of(got):
    """The reader's gradients dict, or None if it is not a dict."""
    return got[0] if got and isinstance(got[0], dict) else None


def key_mistake(explanation, wrong_fn, keys):
    """A Probe: the reader's ``keys`` equal ``wrong_fn``'s (and not the right ones).

    Unlike a ``Mistake`` it looks only at some arrays of the returned dict, so
    it still names this mistake when the reader made another one elsewhere.
    """
    def probe(got, expected, case):
        mine = _dict_of(got)
        if mine is None or any(k not in mine for k in keys):
            return None
        wrong = wrong_fn(*case.args)
        right = expected[0]
        if all(compare(wrong[k], right[k], k) is None for k in keys):
            return None                  # this case cannot show the mistake
        try:
            if all(compare(np.asarray(mine[k]), wrong[k], k) is None for k in keys):
                return explanation
        except Exception:
            return None
        return None
    return Probe(probe, [(wrong_fn, explanation)])


def _altered(reference, key, change):
    """A wrong function for a probe's catalogue: ``reference`` with
    ``gradients[key]`` replaced by ``change(gradient, m)``."""
    def wrong(*args):
        gradients = dict(reference(*args))
        gradients[key] = change(gradients[key], args[0].shape[1])
        return gradients
    return wrong


def bias_probe(bias_keys, reference):
    """Diagnose a bias gradient summed over the wrong axis, or without keepdims.

    ``reference`` (the right function) makes the probe's catalogue examples.
    """
    def probe(got, expected, case):
        mine = _dict_of(got)
        if mine is None:
            return None
        m = case.args[0].shape[1]            # da_next (n_a, m) or da (n_a, m, T_x)
        for key in bias_keys:
            if key not in mine:
                continue
            shape = np.shape(mine[key])
            n_a = expected[0][key].shape[0]           # the right shape is (n_a, 1)
            if shape == (n_a, 1):
                continue
            if shape == (n_a,):
                return (f"{key} has shape ({n_a},) instead of ({n_a}, 1): sum over the "
                        "examples with keepdims=True, so that the bias gradient stays "
                        "a column like the bias itself.")
            if shape in ((1, m), (m,)):
                return (f"{key} has shape {shape}: you summed over axis 0, the hidden "
                        "units, instead of axis 1, the examples. A bias gradient adds "
                        "up every example's contribution: np.sum(..., axis=1, "
                        "keepdims=True).")
            if shape == (n_a, m):
                return (f"{key} has shape {shape}, one column per example: sum over "
                        "the examples (axis=1, keepdims=True). The bias is shared by "
                        "all examples, so its gradient is the sum of theirs. (A bias "
                        "gradient summed over axis 0, of shape (1, m), also ends up "
                        "like this once added to an (n_a, 1) array.)")
            if shape == ():
                return (f"{key} is a single number: you summed over every axis. Sum "
                        "over the examples only: np.sum(..., axis=1, keepdims=True).")
        return None
    key = bias_keys[0]
    examples = [
        (_altered(reference, key, lambda g, m: g.ravel()), "keepdims=True, so that"),
        (_altered(reference, key, lambda g, m: np.full((1, m), g.sum() / m)),
         "you summed over axis 0"),
        (_altered(reference, key, lambda g, m: np.tile(g / m, (1, m))),
         "one column per example"),
        (_altered(reference, key, lambda g, m: g.sum()), "a single number"),
    ]
    return Probe(probe, examples)


def transposed_probe(keys, reference):
    """Diagnose a weight gradient with the shape of its transpose."""
    def probe(got, expected, case):
        mine = _dict_of(got)
        if mine is None:
            return None
        for key in keys:
            if key in mine:
                shape = np.shape(mine[key])
                right = expected[0][key].shape
                if shape != right and shape == right[::-1]:
                    return (f"{key} has shape {shape}, the transpose of the expected "
                            f"{right}: a weight's gradient has the weight's shape, so "
                            "write it as (gradient before the nonlinearity) @ "
                            "(input it multiplies).T.")
        return None
    return Probe(probe, [(_altered(reference, keys[0], lambda g, m: g.T),
                          "the transpose of the expected")])


def short_da_probe(got, expected, case):
    """dx as long as the forward pass although da is shorter: T_x not from da."""
    mine = _dict_of(got)
    if mine is None or "dx" not in mine:
        return None
    T_x, steps = case.args[0].shape[2], len(case.args[1][0])
    shape = np.shape(mine["dx"])
    if T_x < steps and len(shape) == 3 and shape[2] == steps:
        return (f"dx has {steps} time steps, as many as the forward pass ran, but da "
                f"has only T_x = {T_x}: take T_x from da.shape, and back-propagate "
                "through the first T_x steps only (the later ones do not reach the "
                "loss).")
    return None


def padded_da(reference):
    """The catalogue's example of the short-da mistake: T_x taken from caches."""
    def wrong(da, caches):
        steps = len(caches[0])
        n_a, m, T_x = da.shape
        full = np.zeros((n_a, m, steps))
        full[:, :, :T_x] = da
        return reference(full, caches)
    return wrong


def one_step_probe(cell_name, example):
    """At T_x = 1 nothing is carried: a failure there is a mistake inside one step.

    ``example`` is a sequence backward with a mistake inside its step.
    """
    def probe(got, expected, case):
        if expected[0]["dx"].shape[2] == 1:
            return (f"with a single time step (T_x = 1) nothing is carried from step "
                    f"to step, yet the result differs: the mistake is in one step. "
                    f"Check your {cell_name} with check_{cell_name} first.")
        return None
    return Probe(probe, [(example, "the mistake is in one step")])


# ---------------------------------------------------------------- checkers


def _rnn_cell_mistakes():
    def wrong(mistake):
        return lambda da_next, cache: _rnn_cell(da_next, cache, mistake)
    right = wrong(None)
    return [
        bias_probe(["dba"], right),
        transposed_probe(["dWax", "dWaa"], right),
        Mistake("you forgot the derivative of tanh: before multiplying by the "
                "weights, da_next must go through tanh, i.e. be multiplied by "
                "(1 - a_next**2).", wrong("no_tanh_derivative")),
        Mistake("you applied tanh to a_next again: a_next is already tanh(z), so "
                "the derivative of tanh there is 1 - a_next**2, not "
                "1 - np.tanh(a_next)**2.",
                wrong("tanh_twice")),
        key_mistake("da_prev uses Waa instead of its transpose: going backwards, the "
                     "gradient flows through Waa.T (da_prev = Waa.T @ dtanh).",
                     wrong("Waa_not_transposed"), ["da_prev"]),
        key_mistake("dWaa is transposed: it should be dtanh @ a_prev.T (row i, "
                     "column j: from unit j of a_prev to unit i of a_next), not "
                     "a_prev @ dtanh.T.", wrong("dWaa_transposed"), ["dWaa"]),
        key_mistake("dWaa uses a_next; Waa multiplies a_prev in the forward pass, so "
                     "dWaa = dtanh @ a_prev.T.", wrong("dWaa_from_a_next"), ["dWaa"]),
    ]


def _sequence_mistakes(cell, cell_name, lstm):
    def wrong(**switches):
        return lambda da, caches: _sequence(cell, da, caches, lstm, **switches)

    def wrong_step(da, caches):      # a mistake inside each step, for the catalogue
        step_mistake = "o_without_sigmoid_derivative" if lstm else "no_tanh_derivative"

        def bad_cell(*args):
            return cell(*args, mistake=step_mistake)
        return _sequence(bad_cell, da, caches, lstm)
    weights = "dWf, dWi, dWc, dWo and the biases" if lstm else "dWax, dWaa and dba"
    right = wrong()
    mistakes = [bias_probe(["dbf", "dbi", "dbc", "dbo"] if lstm else ["dba"], right),
                transposed_probe(["dWf", "dWi", "dWc", "dWo"] if lstm
                                  else ["dWax", "dWaa"], right)]
    if lstm:
        mistakes.append(Mistake(
            "neither da_prev nor dc_prev is carried from step to step: each step "
            "gets only da[:, :, t] and a zero dc_next. Feed step t-1 with "
            "da[:, :, t-1] + da_prev and with dc_next = dc_prev from step t.",
            wrong(carry_a=False, carry_c=False)))
        mistakes.append(Mistake(
            "dc_prev is not carried from step to step: the memory cell's gradient "
            "(its highway through time) must flow back too. Pass the dc_prev that "
            "step t returns as dc_next into step t-1, instead of zeros.",
            wrong(carry_c=False)))
    mistakes += [
        Mistake("da_prev is not carried from step to step: step t-1 must receive "
                "da[:, :, t-1] + da_prev, where da_prev is what step t returned, not "
                "da[:, :, t-1] alone.", wrong(carry_a=False)),
        Mistake("only the last step's da[:, :, T_x-1] enters: every step t must also "
                "add its own da[:, :, t] to the da_prev coming from step t+1.",
                wrong(add_da=False)),
        Mistake("you walk forwards in time: back-propagation starts at the last step "
                "and goes back to the first (for t in reversed(range(T_x))), because "
                "each step needs the da_prev of the step after it.",
                wrong(forward_in_time=True)),
        key_mistake(f"{weights} are overwritten at each step instead of summed: the "
                     "same weights are used at every time step, so their gradient is "
                     "the sum over all steps (use +=).",
                     wrong(accumulate=False),
                     ["dWf", "dbf"] if lstm else ["dWax", "dWaa", "dba"]),
        Probe(short_da_probe, [(padded_da(right), "take T_x from da.shape")]),
        one_step_probe(cell_name, wrong_step),
    ]
    return mistakes


def _lstm_cell_mistakes():
    def wrong(mistake):
        def fn(da_next, dc_next, cache):
            return _lstm_cell(da_next, dc_next, cache, mistake)
        return fn
    right = wrong(None)
    mistakes = [
        bias_probe(["dbf", "dbi", "dbc", "dbo"], right),
        transposed_probe(["dWf", "dWi", "dWc", "dWo"], right),
        Mistake("dc ignores dc_next: the memory cell's gradient has two sources, the "
                "next step's dc_next and the path through a_next = Γo * tanh(c_next): "
                "dc = dc_next + da_next * Γo * (1 - tanh(c_next)**2).",
                wrong("dc_without_dc_next")),
        Mistake("dc ignores the path through a_next: a_next = Γo * tanh(c_next) also "
                "depends on c_next, so dc = dc_next + da_next * Γo * "
                "(1 - tanh(c_next)**2).", wrong("dc_without_da_next")),
        Mistake("dc is missing the derivative of tanh(c_next): dc = dc_next + "
                "da_next * Γo * (1 - tanh(c_next)**2).",
                wrong("dc_without_tanh_derivative")),
        Mistake("da_prev and dxt are swapped halves: in concat = [a_prev; xt] the "
                "hidden state is on top, so da_prev uses W[:, :n_a] and dxt uses "
                "W[:, n_a:].", wrong("halves_swapped")),
        key_mistake("da_prev uses the x half of the weights: in concat = [a_prev; xt] "
                     "the hidden state is on top, so da_prev = sum of W[:, :n_a].T @ "
                     "dgate (n_a rows), not W[:, n_a:].",
                     wrong("da_prev_from_x_half"), ["da_prev"]),
        key_mistake("dxt uses the a half of the weights: in concat = [a_prev; xt] "
                     "the input is at the bottom, so dxt = sum of W[:, n_a:].T @ "
                     "dgate, not W[:, :n_a].", wrong("dxt_from_a_half"), ["dxt"]),
        key_mistake("the weight gradients use concat = [xt; a_prev]; the forward pass "
                     "stacks [a_prev; xt] (hidden state on top), and dW = dgate @ "
                     "concat.T must use the same order.", wrong("concat_x_on_top"),
                     ["dWf", "dWi", "dWc", "dWo"]),
        key_mistake("the output gate's gradient is wrong: you left out the sigmoid's "
                     "derivative. dΓo = da_next * tanh(c_next) * Γo * (1 - Γo).",
                     wrong("o_without_sigmoid_derivative"), ["dWo", "dbo"]),
        key_mistake("the output gate's gradient is wrong: a_next = Γo * "
                     "tanh(c_next), so it is da_next * tanh(c_next) * Γo * (1 - Γo), "
                     "with tanh(c_next), not c_next.", wrong("o_with_c_not_tanh_c"),
                     ["dWo", "dbo"]),
        key_mistake("the output gate's gradient uses dc; Γo only acts on a_next, "
                     "so it is da_next * tanh(c_next) * Γo * (1 - Γo).",
                     wrong("o_with_dc"), ["dWo", "dbo"]),
        key_mistake("the candidate's gradient is missing the tanh derivative: "
                     "dc̃ = dc * Γi * (1 - c̃**2).", wrong("c_without_tanh_derivative"),
                     ["dWc", "dbc"]),
        key_mistake("the update gate's gradient is missing the sigmoid derivative: "
                     "dΓi = dc * c̃ * Γi * (1 - Γi).",
                     wrong("i_without_sigmoid_derivative"), ["dWi", "dbi"]),
        key_mistake("the forget gate's gradient is missing the sigmoid derivative: "
                     "dΓf = dc * c_prev * Γf * (1 - Γf).",
                     wrong("f_without_sigmoid_derivative"), ["dWf", "dbf"]),
        key_mistake("the forget gate's gradient uses c_next; Γf multiplies c_prev, so "
                     "dΓf = dc * c_prev * Γf * (1 - Γf).", wrong("f_with_c_next"),
                     ["dWf", "dbf"]),
        key_mistake("dc_prev is missing the forget gate: c_next = Γf * c_prev + "
                     "..., so dc_prev = dc * Γf.", wrong("dc_prev_without_forget_gate"),
                     ["dc_prev"]),
        key_mistake("dc_prev only passes dc_next back: it must carry all of dc, "
                     "including the part that came through a_next: dc_prev = dc * Γf.",
                     wrong("dc_prev_from_dc_next_only"), ["dc_prev"]),
    ]
    for gate in GATES:
        mistakes.append(key_mistake(
            f"da_prev is missing the contribution of the {GATE_NAMES[gate]}: a_prev "
            "feeds all four gates, so da_prev is the sum of four terms "
            "W[:, :n_a].T @ dgate.", wrong("da_prev_without_" + gate), ["da_prev"]))
    return mistakes


def check_rnn_cell_backward(fn):
    """Check ``fn(da_next, cache) -> gradients`` against ``rnnlib.rnn_cell_backward``.

    ``gradients`` must hold dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x),
    dWaa (n_a, n_a) and dba (n_a, 1). Prints ``"rnn_cell_backward: all 4 checks
    passed."`` or raises ``CheckFailed`` saying what is wrong.
    """
    from .. import rnn_cell_backward

    run_checks("rnn_cell_backward", fn, rnn_cell_backward, _cell_cases(lstm=False),
               ("gradients",), ("da_next", "cache"), _rnn_cell_mistakes())


def check_rnn_backward(fn):
    """Check ``fn(da, caches) -> gradients`` against ``rnnlib.rnn_backward``.

    ``gradients`` must hold dx (n_x, m, T_x), da0 (n_a, m), dWax, dWaa and dba.
    The checks include T_x = 1 (a mistake inside one step) and longer sequences
    (not carrying da_prev, overwriting instead of summing the weight gradients).
    """
    from .. import rnn_backward

    run_checks("rnn_backward", fn, rnn_backward, _sequence_cases(lstm=False),
               ("gradients",), ("da", "caches"),
               _sequence_mistakes(_rnn_cell, "rnn_cell_backward", lstm=False))


def check_lstm_cell_backward(fn):
    """Check ``fn(da_next, dc_next, cache) -> gradients`` against the library.

    The reference is ``rnnlib.lstm_cell_backward``; ``gradients`` must hold
    dxt, da_prev, dc_prev and dW*, db* for the four gates f, i, c, o.
    Recognises, among others, swapped W[:, :n_a] / W[:, n_a:] halves, a wrong
    output-gate derivative and a dc_prev without Γf.
    """
    from .. import lstm_cell_backward

    run_checks("lstm_cell_backward", fn, lstm_cell_backward, _cell_cases(lstm=True),
               ("gradients",), ("da_next", "dc_next", "cache"), _lstm_cell_mistakes())


def check_lstm_backward(fn):
    """Check ``fn(da, caches) -> gradients`` against ``rnnlib.lstm_backward``.

    ``gradients`` must hold dx, da0 and dW*, db* for the four gates. Recognises
    in particular the widely copied version that does not carry da_prev and
    dc_prev from step to step.
    """
    from .. import lstm_backward

    run_checks("lstm_backward", fn, lstm_backward, _sequence_cases(lstm=True),
               ("gradients",), ("da", "caches"),
               _sequence_mistakes(_lstm_cell, "lstm_cell_backward", lstm=True))
