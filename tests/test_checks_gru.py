"""Tests for rnnlib.checks.gru, the checkers of chapter 4's GRU exercises.

Each checker must accept the library and an independent correct implementation
(written here in another style: the three weight matrices split into their
a and x halves, einsum), and reject each classic mistake with a message that
names it: every mistake the checker knows (its wrong copies, one at a time) and
the main ones written independently here.
"""

import numpy as np
import pytest

import rnnlib
from rnnlib.checks import CheckFailed
from rnnlib.checks import gru as gru_checks
from rnnlib.checks.gru import (check_gru_backward, check_gru_cell_backward,
                               check_gru_cell_forward, check_gru_forward)


def sigma(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))          # the same function, another route


# ------------------------------------------------ an independent implementation
#
# ``bug`` turns on one reader mistake at a time; bug=None is correct.


def gru_cell_forward(xt, a_prev, p, bug=None):
    n_a = a_prev.shape[0]
    half = {k: (p[k][:, :n_a], p[k][:, n_a:]) for k in ("Wu", "Wr", "Wc")}
    if bug == "x_on_top":
        n_x = xt.shape[0]
        half = {k: (p[k][:, n_x:], p[k][:, :n_x]) for k in ("Wu", "Wr", "Wc")}
    u = sigma(np.einsum("ij,jm->im", half["Wu"][0], a_prev) + half["Wu"][1] @ xt
              + p["bu"])
    r = sigma(half["Wr"][0] @ a_prev + half["Wr"][1] @ xt + p["br"])
    if bug == "torch_reset":
        c = np.tanh(half["Wc"][1] @ xt + r * (half["Wc"][0] @ a_prev) + p["bc"])
    else:
        c = np.tanh(half["Wc"][0] @ (r * a_prev) + half["Wc"][1] @ xt + p["bc"])
    a_next = a_prev + u * (c - a_prev)             # = u c + (1 - u) a_prev
    if bug == "d2l_update":
        a_next = c + u * (a_prev - c)              # = u a_prev + (1 - u) c
    z = p["Wy"] @ a_next + p["by"]
    y = np.exp(z) / np.exp(z).sum(axis=0)
    return a_next, y, (a_next, a_prev, u, r, c, xt, p)


def gru_forward(x, a0, p):
    steps = [gru_cell_forward(x[:, :, 0], a0, p)]
    for t in range(1, x.shape[2]):
        steps.append(gru_cell_forward(x[:, :, t], steps[-1][0], p))
    a = np.stack([s[0] for s in steps], axis=2)
    y = np.stack([s[1] for s in steps], axis=2)
    return a, y, ([s[2] for s in steps], x)


def gru_cell_backward(da_next, cache, bug=None):
    a_next, a_prev, u, r, c, xt, p = cache
    n_a = a_prev.shape[0]
    dc = da_next * u * (1.0 - c * c)
    du = da_next * (c - a_prev) * u * (1.0 - u)
    d_ra = np.einsum("ji,jm->im", p["Wc"][:, :n_a], dc)
    dr = d_ra * a_prev * r * (1.0 - r)
    paths = [da_next * (1.0 - u),
             p["Wu"][:, :n_a].T @ du + p["Wr"][:, :n_a].T @ dr,
             d_ra * r]
    if bug == "no_direct":
        paths.pop(0)
    elif bug == "no_gates":
        paths.pop(1)
    elif bug == "no_candidate":
        paths.pop(2)
    dxt = sum(p[k][:, n_a:].T @ d for k, d in (("Wu", du), ("Wr", dr), ("Wc", dc)))
    g = {"dxt": dxt, "da_prev": sum(paths)}
    for k, d, inp in (("u", du, np.vstack([a_prev, xt])),
                      ("r", dr, np.vstack([a_prev, xt])),
                      ("c", dc, np.vstack([r * a_prev, xt]))):
        g["dW" + k] = np.einsum("im,jm->ij", d, inp)
        g["db" + k] = d.sum(axis=1)[:, None]
    if bug == "dWc_from_concat":
        g["dWc"] = dc @ np.vstack([a_prev, xt]).T
    if bug == "dbr_axis0":
        g["dbr"] = dr.sum(axis=0, keepdims=True)
    return g


def gru_backward(da, caches, bug=None, cell_bug=None):
    steps, x = caches
    n_a, m, T_x = da.shape
    g = {"dx": np.zeros((x.shape[0], m, T_x)), "da0": np.zeros((n_a, m))}
    for t in range(T_x - 1, -1, -1):
        carried = 0.0 if bug == "no_carry" else g["da0"]
        step = gru_cell_backward(da[:, :, t] + carried, steps[t], bug=cell_bug)
        g["dx"][:, :, t], g["da0"] = step["dxt"], step["da_prev"]
        for k in ("dWu", "dbu", "dWr", "dbr", "dWc", "dbc"):
            g[k] = step[k] if bug == "overwrite" else g.get(k, 0.0) + step[k]
    return g


CHECKERS = {"gru_cell_forward": check_gru_cell_forward,
            "gru_forward": check_gru_forward,
            "gru_cell_backward": check_gru_cell_backward,
            "gru_backward": check_gru_backward}
MINE = {"gru_cell_forward": gru_cell_forward, "gru_forward": gru_forward,
        "gru_cell_backward": gru_cell_backward, "gru_backward": gru_backward}


@pytest.mark.parametrize("name", list(CHECKERS))
def test_library_passes(name, capsys):
    CHECKERS[name](getattr(rnnlib, name))
    out = capsys.readouterr().out
    assert out.startswith(f"{name}: all ") and out.strip().endswith("checks passed.")


@pytest.mark.parametrize("name", list(CHECKERS))
def test_independent_implementation_passes(name, capsys):
    CHECKERS[name](MINE[name])
    assert "checks passed." in capsys.readouterr().out


def test_the_checkers_wrong_copies_are_right_without_a_mistake(capsys):
    check_gru_cell_forward(gru_checks._gru_cell)
    check_gru_forward(gru_checks._gru_sequence)
    check_gru_cell_backward(gru_checks._gru_cell_backward)
    check_gru_backward(gru_checks._gru_sequence_backward)
    assert capsys.readouterr().out.count("checks passed.") == 4


def test_checks_include_one_example_one_step_and_square_sizes():
    assert any(m == 1 for *_, m in gru_checks.CELL_SIZES)
    assert any(n_x == n_a for n_x, n_a, *_ in gru_checks.CELL_SIZES)
    assert any(m == 1 for *_, m in gru_checks.BACKWARD_CELL_SIZES)
    assert any(T == 1 for *_, T in gru_checks.BACKWARD_SEQUENCE_SIZES)
    assert gru_checks.SHORT_DA[4] < gru_checks.SHORT_DA[3]


def assert_rejected(checker, fn, *fragments):
    with pytest.raises(CheckFailed) as info:
        checker(fn)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


# ------------------------------------- every mistake the checkers know, named


@pytest.mark.parametrize("mistake", list(gru_checks.FORWARD_CELL_MISTAKES))
def test_every_forward_cell_mistake_is_named(mistake):
    def reader(xt, a_prev, parameters):
        return gru_checks._gru_cell(xt, a_prev, parameters, mistake=mistake)
    explanation = gru_checks.FORWARD_CELL_MISTAKES[mistake][0]
    assert_rejected(check_gru_cell_forward, reader, explanation)


@pytest.mark.parametrize("mistake", list(gru_checks.BACKWARD_CELL_MISTAKES))
def test_every_backward_cell_mistake_is_named(mistake):
    def reader(da_next, cache):
        return gru_checks._gru_cell_backward(da_next, cache, mistake=mistake)
    explanation = gru_checks.BACKWARD_CELL_MISTAKES[mistake][0]
    assert_rejected(check_gru_cell_backward, reader, explanation)


@pytest.mark.parametrize("mistake", list(gru_checks.SEQUENCE_BACKWARD_MISTAKES))
def test_every_sequence_backward_mistake_is_named(mistake):
    def reader(da, caches):
        return gru_checks._gru_sequence_backward(da, caches, mistake=mistake)
    explanation = gru_checks.SEQUENCE_BACKWARD_MISTAKES[mistake][0]
    assert_rejected(check_gru_backward, reader, explanation)


@pytest.mark.parametrize("mistake, words", [
    ("start_zeros", "did you start from zeros"), ("no_carry", "starts again from a0"),
    ("store_prev", "one step late"), ("last", "only the last step's cache"),
    ("no_x", "the input x is missing")])
def test_forward_sequence_mistakes_are_named(mistake, words):
    def reader(x, a0, parameters):
        return gru_checks._gru_sequence(x, a0, parameters, mistake=mistake)
    assert_rejected(check_gru_forward, reader, words)


# ------------------------------------- the main mistakes, written independently


def with_bug(fn, **bug):
    def reader_fn(*args):
        return fn(*args, **bug)
    return reader_fn


@pytest.mark.parametrize("bug, words", [
    ("torch_reset", ["after the product with Wc", "PyTorch"]),
    ("d2l_update", ["update gate's convention is flipped"]),
    ("x_on_top", ["did you stack [xt; a_prev]?"]),
])
def test_independent_forward_mistakes_are_named(bug, words):
    assert_rejected(check_gru_cell_forward, with_bug(gru_cell_forward, bug=bug), *words)


def test_a_flipped_update_gate_is_named_in_the_sequence_too():
    def reader(x, a0, p):
        a, y, caches = gru_forward(x, a0, p)
        steps = [gru_cell_forward(x[:, :, 0], a0, p, bug="d2l_update")]
        for t in range(1, x.shape[2]):
            steps.append(gru_cell_forward(x[:, :, t], steps[-1][0], p,
                                          bug="d2l_update"))
        return np.stack([s[0] for s in steps], 2), y, caches
    assert_rejected(check_gru_forward, reader, "update gate's convention is flipped")


@pytest.mark.parametrize("bug, words", [
    ("no_direct", ["da_prev is missing the direct path", "(1 - Γu)"]),
    ("no_gates", ["da_prev is missing the path through the gates"]),
    ("no_candidate", ["da_prev is missing the path through the candidate"]),
    ("dWc_from_concat", ["dWc uses [a_prev; xt]"]),
    ("dbr_axis0", ["dbr has shape (1, 10): you summed over axis 0"]),
])
def test_independent_backward_mistakes_are_named(bug, words):
    assert_rejected(check_gru_cell_backward, with_bug(gru_cell_backward, bug=bug),
                    *words)


def test_sequence_mistakes_written_independently_are_named():
    assert_rejected(check_gru_backward, with_bug(gru_backward, bug="no_carry"),
                    "da_prev is not carried from step to step")
    assert_rejected(check_gru_backward, with_bug(gru_backward, bug="overwrite"),
                    "overwritten at each step instead of summed")
    assert_rejected(check_gru_backward, with_bug(gru_backward, cell_bug="no_direct"),
                    "T_x=1", "the mistake is in one step", "check_gru_cell_backward")


def test_same_message_every_run():
    messages = set()
    for _ in range(2):
        with pytest.raises(CheckFailed) as info:
            check_gru_cell_backward(with_bug(gru_cell_backward, bug="no_candidate"))
        messages.add(str(info.value))
    assert len(messages) == 1
