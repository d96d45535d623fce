"""The forward-pass checkers accept right answers and name each classic mistake.

Every "reader" function below is written the way a student would write it, on
its own (not from the checkers' internal wrong copies), so these tests show that
the checkers recognise the mistake from its effect on the outputs.
"""

import numpy as np
import pytest

import rnnlib
from rnnlib.checks import (CheckFailed, check_lstm_cell_forward, check_lstm_forward,
                           check_rnn_cell_forward, check_rnn_forward)


# ---------------------------------------------------------------- helpers


def softmax_cols(z):
    e = np.exp(z - np.max(z, axis=0))
    return e / np.sum(e, axis=0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def verdict(checker, fn):
    """The checker's failure message; fails the test if the checker accepts fn."""
    with pytest.raises(CheckFailed) as info:
        checker(fn)
    return str(info.value)


# ---------------------------------------------------------------- RNN cell


def my_rnn_cell(xt, a_prev, parameters, *, bug=None):
    """An independent RNN cell; ``bug`` switches on one classic mistake."""
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    z = np.dot(Wax, xt) + np.dot(Waa, a_prev)
    if bug != "no bias":
        z = z + ba
    a_next = z if bug == "no tanh" else np.tanh(z)
    h = a_prev if bug == "y from a_prev" else a_next
    logits = np.dot(Wya, h) + by
    if bug == "softmax axis":
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        yt_pred = e / e.sum(axis=1, keepdims=True)
    else:
        yt_pred = softmax_cols(logits)
    cache = (a_next, a_prev, xt, parameters)
    if bug == "cache order":
        cache = (a_prev, a_next, xt, parameters)
    if bug == "cache without parameters":
        cache = (a_next, a_prev, xt)
    if bug == "return order":
        return yt_pred, a_next, cache
    if bug == "no cache":
        return a_next, yt_pred
    if bug == "no return":
        return None
    return a_next, yt_pred, cache


def test_rnn_cell_checker_accepts_library_and_independent_version(capsys):
    check_rnn_cell_forward(rnnlib.rnn_cell_forward)
    check_rnn_cell_forward(my_rnn_cell)
    assert capsys.readouterr().out == ("rnn_cell_forward: all 5 checks passed.\n" * 2)


@pytest.mark.parametrize("bug, message", [
    ("y from a_prev", "the prediction is computed from a_prev"),
    ("softmax axis", "did you take the softmax over the wrong axis?"),
    ("return order", "return (a_next, yt_pred, cache) in exactly this order"),
    ("no bias", "the bias ba is missing"),
    ("no tanh", "a_next is not squashed by tanh"),
    ("cache order", "cache is not laid out as expected: it should be "
                    "(a_next, a_prev, xt, parameters)"),
    ("cache without parameters", "cache is not laid out as expected"),
    ("no cache", "should return 3 values (a_next, yt_pred, cache); it returned 2"),
    ("no return", "returned None: did you forget the return statement?"),
])
def test_rnn_cell_checker_names_the_mistake(bug, message):
    text = verdict(check_rnn_cell_forward, lambda xt, a, p: my_rnn_cell(xt, a, p, bug=bug))
    assert text.startswith("rnn_cell_forward, check 1 of 5 (n_x=3, n_a=5, n_y=2, m=10)")
    assert message in text


# ---------------------------------------------------------------- RNN sequence


def my_rnn_forward(x, a0, parameters, *, bug=None, cell=my_rnn_cell):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = np.zeros((n_a, m)) if bug == "start from zeros" else a0
    for t in range(T_x):
        a_start = a0 if bug == "no carry" else a_next
        a_next, yt, cache = cell(x[:, :, t], a_start, parameters)
        a[:, :, t] = a_start if bug == "store a_prev" else a_next
        y_pred[:, :, t] = yt
        if bug == "one cache":
            caches = [cache]
        else:
            caches.append(cache)
    if bug == "no x":
        return a, y_pred, caches
    if bug == "return order":
        return y_pred, a, (caches, x)
    return a, y_pred, (caches, x)


def test_rnn_forward_checker_accepts_library_and_independent_version(capsys):
    check_rnn_forward(rnnlib.rnn_forward)
    check_rnn_forward(my_rnn_forward)
    # a forward pass built on the library's cell is also right
    check_rnn_forward(lambda x, a0, p: my_rnn_forward(x, a0, p, cell=rnnlib.rnn_cell_forward))
    assert capsys.readouterr().out == ("rnn_forward: all 6 checks passed.\n" * 3)


@pytest.mark.parametrize("bug, message", [
    ("start from zeros", "a<1> does not depend on a0: did you start from zeros"),
    ("no carry", "every step starts again from a0"),
    ("store a_prev", "a[:, :, t] holds a<t-1>, one step late"),
    ("one cache", "caches holds only the last step's cache"),
    ("no x", "the input x is missing"),
    ("return order", "return (a, y_pred, caches) in exactly this order"),
])
def test_rnn_forward_checker_names_the_mistake(bug, message):
    text = verdict(check_rnn_forward, lambda x, a0, p: my_rnn_forward(x, a0, p, bug=bug))
    assert message in text


@pytest.mark.parametrize("cell_bug, message", [
    ("y from a_prev", "the prediction is computed from a_prev"),
    ("softmax axis", "did you take the softmax over the wrong axis?"),
])
def test_rnn_forward_checker_sees_a_wrong_cell_through_the_loop(cell_bug, message):
    def cell(xt, a_prev, p):
        return my_rnn_cell(xt, a_prev, p, bug=cell_bug)
    text = verdict(check_rnn_forward, lambda x, a0, p: my_rnn_forward(x, a0, p, cell=cell))
    assert message in text


# ---------------------------------------------------------------- LSTM cell


def my_lstm_cell(xt, a_prev, c_prev, parameters, *, bug=None):
    p = parameters
    n_a = a_prev.shape[0]
    if bug == "x on top":
        concat = np.vstack([xt, a_prev])
    else:
        concat = np.vstack([a_prev, xt])
    assert concat.shape[0] == n_a + xt.shape[0]
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = sigmoid(p["Wc"] @ concat + p["bc"]) if bug == "sigmoid candidate" \
        else np.tanh(p["Wc"] @ concat + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    a_next = ot * c_next if bug == "no tanh" else ot * np.tanh(c_next)
    h = a_prev if bug == "y from a_prev" else a_next
    logits = p["Wy"] @ h + p["by"]
    if bug == "softmax axis":
        yt_pred = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    else:
        yt_pred = softmax_cols(logits)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    if bug == "cache gate order":
        cache = (a_next, c_next, a_prev, c_prev, ft, it, ot, cct, xt, parameters)
    if bug == "return order":
        return a_next, yt_pred, c_next, cache
    return a_next, c_next, yt_pred, cache


def test_lstm_cell_checker_accepts_library_and_independent_version(capsys):
    check_lstm_cell_forward(rnnlib.lstm_cell_forward)
    check_lstm_cell_forward(my_lstm_cell)
    assert capsys.readouterr().out == ("lstm_cell_forward: all 5 checks passed.\n" * 2)


@pytest.mark.parametrize("bug, message", [
    ("x on top", "did you stack [xt; a_prev]? The hidden state goes on top"),
    ("no tanh", "did you forget the tanh? a<t> = Γo * tanh(c<t>)"),
    ("sigmoid candidate", "the candidate c̃ should use tanh"),
    ("y from a_prev", "the prediction is computed from a_prev"),
    ("softmax axis", "did you take the softmax over the wrong axis?"),
    ("return order", "return (a_next, c_next, yt_pred, cache) in exactly this order"),
    ("cache gate order", "cache is not laid out as expected: it should be (a_next, c_next, "
                         "a_prev, c_prev, ft, it, cct, ot, xt, parameters)"),
])
def test_lstm_cell_checker_names_the_mistake(bug, message):
    text = verdict(check_lstm_cell_forward,
                   lambda xt, a, c, p: my_lstm_cell(xt, a, c, p, bug=bug))
    assert message in text


# ---------------------------------------------------------------- LSTM sequence


def my_lstm_forward(x, a0, parameters, *, bug=None, cell=my_lstm_cell):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    a_next = np.zeros_like(a0) if bug == "a starts at zeros" else a0
    c_next = a0.copy() if bug == "c starts at a0" else np.zeros((n_a, m))
    c_first = c_next
    caches = []
    for t in range(T_x):
        c_start = c_first if bug == "no c carry" else c_next
        a_next, c_next, yt, cache = cell(x[:, :, t], a_next, c_start, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    if bug == "last cache":
        return a, y, c, (cache, x)
    if bug == "return order":
        return a, c, y, (caches, x)
    return a, y, c, (caches, x)


def test_lstm_forward_checker_accepts_library_and_independent_version(capsys):
    check_lstm_forward(rnnlib.lstm_forward)
    check_lstm_forward(my_lstm_forward)
    check_lstm_forward(lambda x, a0, p: my_lstm_forward(x, a0, p,
                                                        cell=rnnlib.lstm_cell_forward))
    assert capsys.readouterr().out == ("lstm_forward: all 6 checks passed.\n" * 3)


@pytest.mark.parametrize("bug, message", [
    ("c starts at a0", "the memory cell must start empty, c<0> = 0"),
    ("a starts at zeros", "a<1> does not depend on a0: did you start from zeros"),
    ("no c carry", "every step starts again from an empty memory cell"),
    ("last cache", "caches holds only the last step's cache"),
    ("return order", "return (a, y, c, caches) in exactly this order"),
])
def test_lstm_forward_checker_names_the_mistake(bug, message):
    text = verdict(check_lstm_forward, lambda x, a0, p: my_lstm_forward(x, a0, p, bug=bug))
    assert message in text


def test_lstm_forward_checker_sees_stacking_order_through_the_loop():
    def cell(xt, a_prev, c_prev, p):
        return my_lstm_cell(xt, a_prev, c_prev, p, bug="x on top")
    text = verdict(check_lstm_forward, lambda x, a0, p: my_lstm_forward(x, a0, p, cell=cell))
    assert "did you stack [xt; a_prev]?" in text


# ---------------------------------------------------------------- general behaviour


def test_checker_reports_an_exception_with_its_type_and_the_case():
    def broken(xt, a_prev, parameters):
        return np.tanh(parameters["Wax"] @ a_prev)  # wrong matrix: shapes clash
    text = verdict(check_rnn_cell_forward, broken)
    assert text.startswith("rnn_cell_forward, check 1 of 5 (n_x=3, n_a=5, n_y=2, m=10): "
                           "your function raised ValueError:")


def test_checker_rejects_a_function_that_changes_its_arguments():
    def in_place(xt, a_prev, parameters):
        result = rnnlib.rnn_cell_forward(xt, a_prev, parameters)
        a_prev *= 0
        return result
    assert "changed its argument a_prev in place" in verdict(check_rnn_cell_forward,
                                                              in_place)


def test_unrecognised_error_says_where_values_differ():
    def off(xt, a_prev, parameters):
        a_next, yt, cache = rnnlib.rnn_cell_forward(xt, a_prev, parameters)
        return a_next * 1.01, yt, cache
    text = verdict(check_rnn_cell_forward, off)
    assert "a_next has the right shape (5, 10) but wrong values: a_next[0, 0] is" in text


def test_checker_needs_a_function():
    assert "expects your function itself" in verdict(check_rnn_forward, "rnn_forward")


def test_messages_are_deterministic():
    def wrong(x, a0, p):
        return my_rnn_forward(x, a0, p, bug="start from zeros")
    assert verdict(check_rnn_forward, wrong) == verdict(check_rnn_forward, wrong)
