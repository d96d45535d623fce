"""Checkers for the forward-pass exercises of chapters 1 and 2.

    check_rnn_cell_forward(fn)     fn(xt, a_prev, parameters) -> (a_next, yt_pred, cache)
    check_rnn_forward(fn)          fn(x, a0, parameters) -> (a, y_pred, caches)
    check_lstm_cell_forward(fn)    fn(xt, a_prev, c_prev, parameters)
                                       -> (a_next, c_next, yt_pred, cache)
    check_lstm_forward(fn)         fn(x, a0, parameters) -> (a, y, c, caches)

Each runs ``fn`` on a handful of inputs (different sizes, a single example m = 1,
a single time step T_x = 1, n_x = n_a so that shapes alone hide nothing) and
compares it with the library. When the results differ it tries the classic
mistakes below, each written as a deliberately wrong copy of the function, and
names the one whose results the reader's function reproduces.
"""

from functools import partial

import numpy as np

from ..activations import sigmoid_unchecked
from ._core import Case, Mistake, Probe, compare, random_checker_parameters, run_checks

__all__ = ["check_rnn_cell_forward", "check_rnn_forward",
           "check_lstm_cell_forward", "check_lstm_forward"]

# The seed of the generated inputs: the same checks, and messages, every run.
SEED = 2024

RNN_CACHE = "(a_next, a_prev, xt, parameters)"
LSTM_CACHE = "(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)"


# (n_x, n_a, n_y, m) for the cells; T_x is added for the sequences.
CELL_SIZES = [(3, 5, 2, 10), (4, 3, 4, 1), (2, 4, 3, 3), (4, 4, 4, 4), (1, 2, 5, 6)]
SEQUENCE_SIZES = [(3, 5, 2, 10, 4), (2, 3, 4, 1, 1), (2, 4, 3, 3, 6), (4, 4, 4, 4, 5),
                  (1, 2, 5, 6, 3), (3, 2, 2, 2, 1)]


def _label(sizes):
    names = ("n_x", "n_a", "n_y", "m", "T_x")
    return ", ".join(f"{n}={s}" for n, s in zip(names, sizes))


def _cell_cases(lstm):
    rng = np.random.default_rng(SEED)
    cases = []
    for n_x, n_a, n_y, m in CELL_SIZES:
        draw = partial(random_checker_parameters, "lstm" if lstm else "rnn")
        params = draw(rng, n_x, n_a, n_y)
        xt = rng.standard_normal((n_x, m))
        a_prev = rng.standard_normal((n_a, m))
        if lstm:
            c_prev = 2.0 * rng.standard_normal((n_a, m))
            args = (xt, a_prev, c_prev, params)
        else:
            args = (xt, a_prev, params)
        cases.append(Case(_label((n_x, n_a, n_y, m)), args))
    return cases


def _sequence_cases(lstm):
    rng = np.random.default_rng(SEED + 1)
    cases = []
    for n_x, n_a, n_y, m, T_x in SEQUENCE_SIZES:
        draw = partial(random_checker_parameters, "lstm" if lstm else "rnn")
        params = draw(rng, n_x, n_a, n_y)
        x = rng.standard_normal((n_x, m, T_x))
        a0 = rng.standard_normal((n_a, m))
        cases.append(Case(_label((n_x, n_a, n_y, m, T_x)), (x, a0, params)))
    return cases


# ---------------------------------------------------------------- wrong copies
#
# One small configurable implementation per function; each classic mistake is
# that implementation with one switch turned.


def softmax_on_axis(z, axis=0):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _rnn_cell(xt, a_prev, p, y_from_prev=False, softmax_axis=0, bias=True,
              activation=np.tanh, order=(0, 1, 2), cache_order=(0, 1, 2, 3)):
    a_next = activation(p["Waa"] @ a_prev + p["Wax"] @ xt + (p["ba"] if bias else 0))
    source = a_prev if y_from_prev else a_next
    yt_pred = softmax_on_axis(p["Wya"] @ source + p["by"], axis=softmax_axis)
    full_cache = (a_next, a_prev, xt, p)
    cache = tuple(full_cache[i] for i in cache_order)
    out = (a_next, yt_pred, cache)
    return tuple(out[i] for i in order)


def _rnn_sequence(x, a0, p, cell=_rnn_cell, start="a0", carry=True, store_prev=False,
                  keep="all", with_x=True, order=(0, 1, 2)):
    n_x, m, T_x = x.shape
    n_y, n_a = p["Wya"].shape
    a, y = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    caches = []
    a_prev = a0 if start == "a0" else np.zeros_like(a0)
    for t in range(T_x):
        a_next, yt, cache = cell(x[:, :, t], a_prev if carry or t == 0 else a0, p)
        a[:, :, t] = a_prev if store_prev else a_next
        y[:, :, t] = yt
        caches.append(cache)
        a_prev = a_next
    kept = caches if keep == "all" else caches[-1] if keep == "last" else [caches[-1]]
    out = (a, y, (kept, x) if with_x else kept)
    return tuple(out[i] for i in order)


def _lstm_cell(xt, a_prev, c_prev, p, x_on_top=False, y_from_prev=False,
               softmax_axis=0, tanh_on_c=True, candidate=np.tanh,
               order=(0, 1, 2, 3), cache_order=tuple(range(10))):
    concat = np.concatenate((xt, a_prev) if x_on_top else (a_prev, xt), axis=0)
    ft = sigmoid_unchecked(p["Wf"] @ concat + p["bf"])
    it = sigmoid_unchecked(p["Wi"] @ concat + p["bi"])
    cct = candidate(p["Wc"] @ concat + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid_unchecked(p["Wo"] @ concat + p["bo"])
    a_next = ot * (np.tanh(c_next) if tanh_on_c else c_next)
    source = a_prev if y_from_prev else a_next
    yt_pred = softmax_on_axis(p["Wy"] @ source + p["by"], axis=softmax_axis)
    full_cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p)
    cache = tuple(full_cache[i] for i in cache_order)
    out = (a_next, c_next, yt_pred, cache)
    return tuple(out[i] for i in order)


def _lstm_sequence(x, a0, p, cell=_lstm_cell, start="a0", c_start="zeros",
                   carry_a=True, carry_c=True, keep="all", with_x=True,
                   order=(0, 1, 2, 3)):
    n_x, m, T_x = x.shape
    n_y, n_a = p["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches = []
    a_prev = a0 if start == "a0" else np.zeros_like(a0)
    c0 = np.zeros_like(a0) if c_start == "zeros" else a0
    c_prev = c0
    for t in range(T_x):
        a_next, c_next, yt, cache = cell(x[:, :, t], a_prev, c_prev, p)
        a[:, :, t], y[:, :, t], c[:, :, t] = a_next, yt, c_next
        caches.append(cache)
        a_prev = a_next if carry_a else a0
        c_prev = c_next if carry_c else c0
    kept = caches if keep == "all" else caches[-1] if keep == "last" else [caches[-1]]
    out = (a, y, c, (kept, x) if with_x else kept)
    return tuple(out[i] for i in order)


def only_wrong(field_name, others, layout, example):
    """A probe: every output but ``field_name`` is right, so its layout is wrong.

    ``example`` is a function that makes this mistake (for the catalogue test).
    """
    def probe(got, expected, case):
        names = list(others) + [field_name]
        rest_right = all(compare(g, e, n) is None
                         for n, g, e in zip(names[:-1], got[:-1], expected[:-1]))
        if rest_right and compare(got[-1], expected[-1], field_name) is not None:
            right = ", ".join(others[:-1]) + " and " + others[-1]
            return (f"{right} are right, but {field_name} is not laid out as "
                    f"expected: it should be {layout}, in this order.")
        return None
    return Probe(probe, [(example, "is not laid out as expected")])


# ---------------------------------------------------------------- messages

SOFTMAX_AXIS = ("the predictions do not sum to 1 over the classes: did you take the "
                "softmax over the wrong axis? Each column is one example, so normalise "
                "over axis 0 (the classes).")
Y_FROM_PREV = ("the prediction is computed from a_prev: ŷ<t> should be "
               "softmax(W a<t> + b) with the NEW hidden state a<t>.")
START_ZEROS = ("a<1> does not depend on a0: did you start from zeros instead of a0? "
               "The first step must use the a0 you were given.")
NO_CARRY = ("every step starts again from a0: did you forget to pass a<t> on as the "
            "a_prev of the next step?")
STORE_PREV = ("a[:, :, t] holds a<t-1>, one step late: store the hidden state the cell "
              "just returned (a_next), not the one it started from.")
ONE_CACHE = ("caches holds only the last step's cache: keep every step's cache in a "
             "list (one per time step), and return (list_of_caches, x).")
NO_X = "caches should be the pair (list_of_caches, x); the input x is missing."


def return_order(names):
    return (f"the outputs come back in the wrong order: return ({', '.join(names)}) "
            "in exactly this order.")


# ---------------------------------------------------------------- checkers


def check_rnn_cell_forward(fn):
    """Check a reader's ``rnn_cell_forward(xt, a_prev, parameters)``.

    Prints ``"rnn_cell_forward: all 5 checks passed."`` or raises ``CheckFailed``
    saying what is wrong.
    """
    from ..rnn import rnn_cell_forward
    outputs = ("a_next", "yt_pred", "cache")
    mistakes = [
        Mistake(return_order(outputs), partial(_rnn_cell, order=(1, 0, 2))),
        Mistake("a_next is wrong because the bias ba is missing: "
                "a<t> = tanh(Waa a<t-1> + Wax x<t> + ba).",
                partial(_rnn_cell, bias=False), ["a_next"]),
        Mistake("a_next is not squashed by tanh: a<t> = tanh(Waa a<t-1> + Wax x<t> + ba).",
                partial(_rnn_cell, activation=lambda z: z), ["a_next"]),
        Mistake(Y_FROM_PREV, partial(_rnn_cell, y_from_prev=True), ["yt_pred"]),
        Mistake(SOFTMAX_AXIS, partial(_rnn_cell, softmax_axis=1), ["yt_pred"]),
        only_wrong("cache", outputs[:-1], RNN_CACHE,
                    partial(_rnn_cell, cache_order=(1, 0, 2, 3))),
    ]
    run_checks("rnn_cell_forward", fn, rnn_cell_forward, _cell_cases(lstm=False),
               outputs, ("xt", "a_prev", "parameters"), mistakes)


def check_rnn_forward(fn):
    """Check a reader's ``rnn_forward(x, a0, parameters)``.

    Prints ``"rnn_forward: all 6 checks passed."`` or raises ``CheckFailed``.
    """
    from ..rnn import rnn_forward
    outputs = ("a", "y_pred", "caches")
    mistakes = [
        Mistake(return_order(outputs), partial(_rnn_sequence, order=(1, 0, 2))),
        Mistake(START_ZEROS, partial(_rnn_sequence, start="zeros"), ["a"]),
        Mistake(NO_CARRY, partial(_rnn_sequence, carry=False), ["a"]),
        Mistake(STORE_PREV, partial(_rnn_sequence, store_prev=True), ["a"]),
        Mistake(Y_FROM_PREV.replace("ŷ<t>", "y_pred[:, :, t]"),
                partial(_rnn_sequence, cell=partial(_rnn_cell, y_from_prev=True)),
                ["y_pred"]),
        Mistake(SOFTMAX_AXIS, partial(_rnn_sequence,
                                      cell=partial(_rnn_cell, softmax_axis=1)),
                ["y_pred"]),
        Mistake(ONE_CACHE, partial(_rnn_sequence, keep="last"), ["caches"]),
        Mistake(ONE_CACHE, partial(_rnn_sequence, keep="last_in_list"), ["caches"]),
        Mistake(NO_X, partial(_rnn_sequence, with_x=False), ["caches"]),
        only_wrong("caches", outputs[:-1],
                    f"(list_of_caches, x) with one cache {RNN_CACHE} per time step",
                    partial(_rnn_sequence,
                            cell=partial(_rnn_cell, cache_order=(0, 2, 1, 3)))),
    ]
    run_checks("rnn_forward", fn, rnn_forward, _sequence_cases(lstm=False),
               outputs, ("x", "a0", "parameters"), mistakes)


STACK_ORDER = ("the gates do not match: did you stack [xt; a_prev]? The hidden state "
               "goes on top: concat = [a_prev; xt], because the weights' first n_a "
               "columns multiply a_prev.")


def check_lstm_cell_forward(fn):
    """Check a reader's ``lstm_cell_forward(xt, a_prev, c_prev, parameters)``.

    Prints ``"lstm_cell_forward: all 5 checks passed."`` or raises ``CheckFailed``.
    """
    from ..lstm import lstm_cell_forward
    outputs = ("a_next", "c_next", "yt_pred", "cache")
    mistakes = [
        Mistake(return_order(outputs), partial(_lstm_cell, order=(0, 2, 1, 3))),
        Mistake(return_order(outputs), partial(_lstm_cell, order=(1, 0, 2, 3))),
        Mistake(STACK_ORDER, partial(_lstm_cell, x_on_top=True), ["c_next"]),
        Mistake("c_next is right but a_next is not: did you forget the tanh? "
                "a<t> = Γo * tanh(c<t>).",
                partial(_lstm_cell, tanh_on_c=False), ["a_next"]),
        Mistake("the candidate c̃ should use tanh (values in -1..1), not the sigmoid.",
                partial(_lstm_cell, candidate=sigmoid_unchecked), ["c_next"]),
        Mistake(Y_FROM_PREV, partial(_lstm_cell, y_from_prev=True), ["yt_pred"]),
        Mistake(SOFTMAX_AXIS, partial(_lstm_cell, softmax_axis=1), ["yt_pred"]),
        only_wrong("cache", outputs[:-1], LSTM_CACHE,
                    partial(_lstm_cell, cache_order=(1, 0, 2, 3, 4, 5, 6, 7, 8, 9))),
    ]
    run_checks("lstm_cell_forward", fn, lstm_cell_forward, _cell_cases(lstm=True),
               outputs, ("xt", "a_prev", "c_prev", "parameters"), mistakes)


def check_lstm_forward(fn):
    """Check a reader's ``lstm_forward(x, a0, parameters)``.

    Prints ``"lstm_forward: all 6 checks passed."`` or raises ``CheckFailed``.
    """
    from ..lstm import lstm_forward
    outputs = ("a", "y", "c", "caches")
    mistakes = [
        Mistake(return_order(outputs), partial(_lstm_sequence, order=(0, 2, 1, 3))),
        Mistake(return_order(outputs), partial(_lstm_sequence, order=(1, 0, 2, 3))),
        Mistake("c<1> depends on a0: the memory cell must start empty, c<0> = 0 "
                "(zeros of shape (n_a, m)), not at a0.",
                partial(_lstm_sequence, c_start="a0"), ["c"]),
        Mistake(START_ZEROS, partial(_lstm_sequence, start="zeros"), ["a"]),
        Mistake(NO_CARRY, partial(_lstm_sequence, carry_a=False), ["a"]),
        Mistake("every step starts again from an empty memory cell: did you forget to "
                "pass c<t> on as the c_prev of the next step?",
                partial(_lstm_sequence, carry_c=False), ["c"]),
        Mistake(STACK_ORDER, partial(_lstm_sequence,
                                     cell=partial(_lstm_cell, x_on_top=True)), ["c"]),
        Mistake(Y_FROM_PREV.replace("ŷ<t>", "y[:, :, t]"),
                partial(_lstm_sequence, cell=partial(_lstm_cell, y_from_prev=True)),
                ["y"]),
        Mistake(SOFTMAX_AXIS, partial(_lstm_sequence,
                                      cell=partial(_lstm_cell, softmax_axis=1)), ["y"]),
        Mistake(ONE_CACHE, partial(_lstm_sequence, keep="last"), ["caches"]),
        Mistake(ONE_CACHE, partial(_lstm_sequence, keep="last_in_list"), ["caches"]),
        Mistake(NO_X, partial(_lstm_sequence, with_x=False), ["caches"]),
        only_wrong("caches", outputs[:-1],
                    f"(list_of_caches, x) with one cache {LSTM_CACHE} per time step",
                    partial(_lstm_sequence, cell=partial(
                        _lstm_cell, cache_order=(0, 1, 2, 3, 5, 4, 6, 7, 8, 9)))),
    ]
    run_checks("lstm_forward", fn, lstm_forward, _sequence_cases(lstm=True),
               outputs, ("x", "a0", "parameters"), mistakes)
