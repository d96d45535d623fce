"""Tests for rnnlib.checks.backward, the checkers of chapter 3's exercises.

Each checker must accept the library and an independent correct implementation
(written here in another style: gates stacked into one matrix, einsum), and
reject each classic mistake with a message that names it.
"""

import numpy as np
import pytest

import rnnlib
from rnnlib.checks import CheckFailed
from rnnlib.checks.backward import (check_lstm_backward, check_lstm_cell_backward,
                                    check_rnn_backward, check_rnn_cell_backward)


# ------------------------------------------------ an independent implementation
#
# ``bug`` turns on one reader mistake at a time; bug=None is correct.


def rnn_cell_backward(da_next, cache, bug=None):
    a_next, a_prev, xt, p = cache
    dz = np.einsum("im,im->im", 1.0 - a_next * a_next, da_next)   # through tanh
    if bug == "no_tanh_derivative":
        dz = da_next
    if bug == "tanh_twice":
        dz = (1.0 - np.tanh(a_next) ** 2) * da_next
    dWaa = np.einsum("im,jm->ij", dz, a_prev)
    dWax = np.einsum("im,jm->ij", dz, xt)
    da_prev = np.einsum("ij,im->jm", p["Waa"], dz)
    dba = dz.sum(axis=1)[:, None]
    if bug == "Waa_not_transposed":
        da_prev = p["Waa"] @ dz
    elif bug == "dWaa_transposed":
        dWaa = dWaa.T
    elif bug == "dWax_transposed":
        dWax = dWax.T
    elif bug == "dWaa_from_a_next":
        dWaa = dz @ a_next.T
    elif bug == "dba_axis0":
        dba = dz.sum(axis=0, keepdims=True)
    elif bug == "dba_no_keepdims":
        dba = dz.sum(axis=1)
    elif bug == "dba_not_summed":
        dba = dz
    return {"dxt": np.einsum("ij,im->jm", p["Wax"], dz), "da_prev": da_prev,
            "dWax": dWax, "dWaa": dWaa, "dba": dba}


def lstm_cell_backward(da_next, dc_next, cache, bug=None):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_prev.shape[0]
    W = np.vstack([p["Wf"], p["Wi"], p["Wc"], p["Wo"]])    # (4 n_a, n_a + n_x)
    th = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1.0 - th ** 2)
    if bug == "dc_without_dc_next":
        dc = da_next * ot * (1.0 - th ** 2)
    elif bug == "dc_without_tanh_derivative":
        dc = dc_next + da_next * ot
    dgates = np.vstack([dc * c_prev * ft * (1.0 - ft),
                        dc * cct * it * (1.0 - it),
                        dc * it * (1.0 - cct ** 2),
                        da_next * th * ot * (1.0 - ot)])    # (4 n_a, m)
    if bug == "o_without_sigmoid_derivative":
        dgates[3 * n_a:] = da_next * th
    elif bug == "o_with_c_next":
        dgates[3 * n_a:] = da_next * c_next * ot * (1.0 - ot)
    elif bug == "c_without_tanh_derivative":
        dgates[2 * n_a:3 * n_a] = dc * it
    elif bug == "f_without_sigmoid_derivative":
        dgates[:n_a] = dc * c_prev
    elif bug == "i_without_sigmoid_derivative":
        dgates[n_a:2 * n_a] = dc * cct
    concat = np.concatenate([a_prev, xt])
    if bug == "concat_x_on_top":
        concat = np.concatenate([xt, a_prev])
    dW = dgates @ concat.T
    dconcat = W.T @ dgates                                   # (n_a + n_x, m)
    da_prev, dxt = dconcat[:n_a], dconcat[n_a:]
    if bug == "halves_swapped":
        n_x = xt.shape[0]
        da_prev = W[:, n_a:].T @ dgates
        dxt = W[:, :n_a].T @ dgates
        assert da_prev.shape == (n_x, xt.shape[1])
    elif bug == "da_prev_without_o":
        da_prev = W[:3 * n_a, :n_a].T @ dgates[:3 * n_a]
    dc_prev = dc * ft
    if bug == "dc_prev_without_forget_gate":
        dc_prev = dc
    g = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev}
    for k, gate in enumerate("fico"):
        g["dW" + gate] = dW[k * n_a:(k + 1) * n_a]
        g["db" + gate] = dgates[k * n_a:(k + 1) * n_a].sum(axis=1, keepdims=True)
    if bug == "dbo_axis0":
        g["dbo"] = dgates[3 * n_a:].sum(axis=0, keepdims=True)
    return g


def rnn_backward(da, caches, bug=None, cell_bug=None):
    steps, x = caches
    n_a, m, T_x = da.shape
    g = {"dx": np.zeros(x[:, :, :T_x].shape), "da0": np.zeros((n_a, m))}
    if bug == "dx_from_x":
        g["dx"] = np.zeros(x.shape)                   # T_x taken from x, not da
    if bug == "loop_from_x":
        T_x = x.shape[2]
    p = steps[0][3]
    for k in ("Wax", "Waa", "ba"):
        g["d" + k] = np.zeros(p[k].shape)
    order = range(T_x) if bug == "forward_in_time" else range(T_x - 1, -1, -1)
    for t in order:
        upstream = da[:, :, t] + g["da0"]
        if bug == "no_carry":
            upstream = da[:, :, t]
        elif bug == "only_last_da":
            upstream = g["da0"] + (da[:, :, t] if t == T_x - 1 else 0)
        step = rnn_cell_backward(upstream, steps[t], bug=cell_bug)
        g["da0"] = step["da_prev"]
        g["dx"][:, :, t] = step["dxt"]
        for k in ("dWax", "dWaa", "dba"):
            g[k] = step[k] if bug == "overwrite" else g[k] + step[k]
    return g


def lstm_backward(da, caches, bug=None, cell_bug=None):
    steps, x = caches
    n_a, m, T_x = da.shape
    g = {"dx": np.zeros(x.shape if bug == "dx_from_x" else x[:, :, :T_x].shape)}
    for k in "fico":
        g["dW" + k] = np.zeros(steps[0][9]["W" + k].shape)
        g["db" + k] = np.zeros((n_a, 1))
    da_prev, dc_prev = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        da_in = da[:, :, t] + (0 if bug in ("no_carry_a", "no_carry") else da_prev)
        dc_in = 0 * dc_prev if bug in ("no_carry_c", "no_carry") else dc_prev
        step = lstm_cell_backward(da_in, dc_in, steps[t], bug=cell_bug)
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        g["dx"][:, :, t] = step["dxt"]
        for k in g:
            if k != "dx":
                g[k] = step[k] if bug == "overwrite" else g[k] + step[k]
    g["da0"] = da_prev
    return g


def with_bug(fn, **bugs):
    def reader_fn(*args):
        return fn(*args, **bugs)
    return reader_fn


# ------------------------------------------------ correct functions pass

CHECKERS = {"rnn_cell_backward": check_rnn_cell_backward,
            "rnn_backward": check_rnn_backward,
            "lstm_cell_backward": check_lstm_cell_backward,
            "lstm_backward": check_lstm_backward}
MINE = {"rnn_cell_backward": rnn_cell_backward, "rnn_backward": rnn_backward,
        "lstm_cell_backward": lstm_cell_backward, "lstm_backward": lstm_backward}


@pytest.mark.parametrize("name", list(CHECKERS))
def test_library_passes(name, capsys):
    CHECKERS[name](getattr(rnnlib, name))
    out = capsys.readouterr().out
    assert out.startswith(f"{name}: all ") and out.strip().endswith("checks passed.")


@pytest.mark.parametrize("name", list(CHECKERS))
def test_independent_implementation_passes(name, capsys):
    CHECKERS[name](MINE[name])
    assert "checks passed." in capsys.readouterr().out


def test_checks_include_one_example_and_one_time_step(capsys):
    from rnnlib.checks.backward import CELL_SIZES, SEQUENCE_SIZES
    assert any(m == 1 for _, _, m in CELL_SIZES)
    assert any(m == 1 for _, _, m, _ in SEQUENCE_SIZES)
    assert any(T == 1 for _, _, _, T in SEQUENCE_SIZES)
    assert any(n_x == n_a for n_x, n_a, _ in CELL_SIZES)
    from rnnlib.checks.backward import SHORT_DA
    assert SHORT_DA[4] < SHORT_DA[3]                   # da shorter than the run


# ------------------------------------------------ each mistake, its message


def assert_rejected(checker, fn, *fragments):
    with pytest.raises(CheckFailed) as info:
        checker(fn)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


RNN_CELL_MISTAKES = {
    "no_tanh_derivative": ["forgot the derivative of tanh", "(1 - a_next**2)"],
    "tanh_twice": ["applied tanh to a_next again"],
    "Waa_not_transposed": ["da_prev uses Waa instead of its transpose"],
    "dWaa_transposed": ["dWaa is transposed"],
    "dWax_transposed": ["dWax has shape (3, 5), the transpose"],
    "dWaa_from_a_next": ["dWaa uses a_next"],
    "dba_axis0": ["summed over axis 0, the hidden units, instead of axis 1"],
    "dba_no_keepdims": ["dba has shape (5,) instead of (5, 1)", "keepdims=True"],
    "dba_not_summed": ["one column per example"],
}


@pytest.mark.parametrize("bug", list(RNN_CELL_MISTAKES))
def test_rnn_cell_mistake_is_named(bug):
    assert_rejected(check_rnn_cell_backward, with_bug(rnn_cell_backward, bug=bug),
                    *RNN_CELL_MISTAKES[bug])


RNN_MISTAKES = {
    "no_carry": ["da_prev is not carried from step to step"],
    "only_last_da": ["only the last step's da"],
    "forward_in_time": ["you walk forwards in time"],
    "overwrite": ["overwritten at each step instead of summed"],
}


@pytest.mark.parametrize("bug", list(RNN_MISTAKES))
def test_rnn_sequence_mistake_is_named(bug):
    message = assert_rejected(check_rnn_backward, with_bug(rnn_backward, bug=bug),
                              *RNN_MISTAKES[bug])
    assert "T_x=1" not in message.splitlines()[0]   # only longer sequences show these


def test_rnn_sequence_taking_T_x_from_x_is_named():
    assert_rejected(check_rnn_backward, with_bug(rnn_backward, bug="dx_from_x"),
                    "da covers the first 3 of 5 steps",
                    "take T_x from da.shape")


def test_rnn_sequence_looping_over_x_reports_the_short_da_case():
    assert_rejected(check_rnn_backward, with_bug(rnn_backward, bug="loop_from_x"),
                    "da covers the first 3 of 5 steps", "raised IndexError")


def test_rnn_sequence_with_a_wrong_cell_points_to_the_cell():
    fn = with_bug(rnn_backward, cell_bug="no_tanh_derivative")
    assert_rejected(check_rnn_backward, fn, "T_x=1", "the mistake is in one step",
                    "check_rnn_cell_backward")


def test_rnn_sequence_bias_axis_is_named():
    assert_rejected(check_rnn_backward, with_bug(rnn_backward, cell_bug="dba_axis0"),
                    "dba has shape (5, 4), one column per example",
                    "summed over axis 0, of shape (1, m)")


LSTM_CELL_MISTAKES = {
    "halves_swapped": ["swapped halves", "W[:, :n_a]"],
    "concat_x_on_top": ["concat = [xt; a_prev]"],
    "dc_without_dc_next": ["dc ignores dc_next"],
    "dc_without_tanh_derivative": ["dc is missing the derivative of tanh(c_next)"],
    "o_without_sigmoid_derivative": ["output gate's gradient is wrong",
                                     "sigmoid's derivative"],
    "o_with_c_next": ["output gate's gradient is wrong", "not c_next"],
    "c_without_tanh_derivative": ["candidate's gradient is missing the tanh"],
    "f_without_sigmoid_derivative": ["forget gate's gradient is missing"],
    "i_without_sigmoid_derivative": ["update gate's gradient is missing"],
    "dc_prev_without_forget_gate": ["dc_prev is missing the forget gate"],
    "da_prev_without_o": ["da_prev is missing the contribution of the output gate"],
    "dbo_axis0": ["dbo has shape (1, 10): you summed over axis 0"],
}


@pytest.mark.parametrize("bug", list(LSTM_CELL_MISTAKES))
def test_lstm_cell_mistake_is_named(bug):
    assert_rejected(check_lstm_cell_backward, with_bug(lstm_cell_backward, bug=bug),
                    *LSTM_CELL_MISTAKES[bug])


def test_lstm_cell_output_gate_named_even_with_a_second_mistake():
    def two_mistakes(da_next, dc_next, cache):
        g = lstm_cell_backward(da_next, dc_next, cache, bug="o_with_c_next")
        g["dc_prev"] = g["dc_prev"] * 2.0                  # an unrelated error
        return g
    assert_rejected(check_lstm_cell_backward, two_mistakes, "output gate")


LSTM_MISTAKES = {
    "no_carry": ["neither da_prev nor dc_prev is carried"],
    "no_carry_c": ["dc_prev is not carried from step to step", "highway"],
    "no_carry_a": ["da_prev is not carried from step to step"],
    "overwrite": ["overwritten at each step instead of summed"],
}


@pytest.mark.parametrize("bug", list(LSTM_MISTAKES))
def test_lstm_sequence_mistake_is_named(bug):
    assert_rejected(check_lstm_backward, with_bug(lstm_backward, bug=bug),
                    *LSTM_MISTAKES[bug])


def test_lstm_sequence_taking_T_x_from_x_is_named():
    assert_rejected(check_lstm_backward, with_bug(lstm_backward, bug="dx_from_x"),
                    "dx has 5 time steps", "take T_x from da.shape")


def test_lstm_sequence_with_a_wrong_cell_points_to_the_cell():
    fn = with_bug(lstm_backward, cell_bug="o_with_c_next")
    assert_rejected(check_lstm_backward, fn, "T_x=1", "check_lstm_cell_backward")


# ------------------------------------------------ the plumbing


def test_missing_key_is_named():
    def no_bias(da_next, cache):
        g = rnn_cell_backward(da_next, cache)
        del g["dba"]
        return g
    assert_rejected(check_rnn_cell_backward, no_bias, "missing the keys ['dba']")


def test_returning_none_is_named():
    assert_rejected(check_rnn_cell_backward, lambda da_next, cache: None,
                    "returned None")


def test_changing_an_argument_in_place_is_named():
    def in_place(da_next, cache):
        g = rnn_cell_backward(da_next, cache)
        da_next *= 0.0
        return g
    assert_rejected(check_rnn_cell_backward, in_place, "changed its argument da_next")


def test_raising_is_reported_with_the_case():
    def broken(da, caches):
        raise IndexError("list index out of range")
    assert_rejected(check_lstm_backward, broken, "lstm_backward, check 1 of",
                    "IndexError: list index out of range")


def test_passing_the_result_instead_of_the_function():
    assert_rejected(check_rnn_backward, {"dx": 0}, "expects your function itself")


def test_same_message_every_run():
    fn = with_bug(lstm_backward, bug="no_carry_c")
    assert assert_rejected(check_lstm_backward, fn) == \
        assert_rejected(check_lstm_backward, fn)
