"""Tests of rnnlib.gradcheck, the finite-difference gradient checker."""

import numpy as np
import pytest

from rnnlib import (GradCheckReport, gradcheck_lstm_backward,
                    gradcheck_lstm_cell_backward, gradcheck_rnn_backward,
                    gradcheck_rnn_cell_backward, gradient_check, numerical_gradient)


def cubic_setup():
    """L = sum(w * u**3) + sum(v), so dL/du = 3 w u**2 and dL/dv = 1."""
    rng = np.random.default_rng(0)
    u, v = rng.standard_normal((3, 2)), rng.standard_normal(4)
    w = rng.standard_normal((3, 2))

    def loss():
        return np.sum(w * u ** 3) + np.sum(v)

    return loss, u, v, w


def test_numerical_gradient_of_a_known_function():
    loss, u, v, w = cubic_setup()
    np.testing.assert_allclose(numerical_gradient(loss, u), 3 * w * u ** 2, rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(loss, v), np.ones(4), rtol=1e-8)


def test_numerical_gradient_restores_the_array_even_on_error():
    loss, u, _, _ = cubic_setup()
    before = u.copy()
    numerical_gradient(loss, u)
    np.testing.assert_array_equal(u, before)
    calls = []

    def failing():
        calls.append(1)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(failing, u)
    np.testing.assert_array_equal(u, before)


def test_numerical_gradient_bad_arguments():
    loss, u, _, _ = cubic_setup()
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(loss, u.astype(np.float32))
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(loss, [1.0, 2.0])
    with pytest.raises(TypeError, match="single real number"):
        numerical_gradient(lambda: u * 2, u)
    with pytest.raises(ValueError, match="must be finite"):
        numerical_gradient(lambda: np.nan, u)
    with pytest.raises(ValueError, match="eps must be positive"):
        numerical_gradient(loss, u, eps=0.0)
    frozen = u.copy()
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        numerical_gradient(loss, frozen)


def test_gradient_check_passes_right_gradients_and_accepts_d_prefixed_keys():
    loss, u, v, w = cubic_setup()
    analytic = {"du": 3 * w * u ** 2, "v": np.ones(4)}     # keyed "du" or plain "v"
    report = gradient_check(loss, {"u": u, "v": v}, analytic)
    assert isinstance(report, GradCheckReport)
    assert report.passed and report.max_rel_error < 1e-8
    assert [row.name for row in report.rows] == ["du", "v"]
    assert report["du"].shape == (3, 2)


def test_gradient_check_finds_the_wrong_entry():
    loss, u, v, w = cubic_setup()
    wrong = 3 * w * u ** 2
    wrong[2, 1] += 0.5                                      # one planted mistake
    report = gradient_check(loss, {"u": u, "v": v}, {"du": wrong, "dv": np.ones(4)})
    assert not report.passed
    row = report["du"]
    assert row.worst_index == (2, 1) and row.rel_error > 1e-3
    assert row.worst_analytic == pytest.approx(row.worst_numeric + 0.5, rel=1e-6)
    text = str(report)
    assert "FAIL" in text and "worst entry [2, 1]" in text and "FAILED for du" in text
    assert report["dv"].rel_error < 1e-8


def test_report_text_is_deterministic_and_readable():
    loss, u, v, w = cubic_setup()
    analytic = {"du": 3 * w * u ** 2, "dv": np.ones(4)}
    report = gradient_check(loss, {"u": u, "v": v}, analytic, title="cubic")
    assert repr(report) == str(report)
    assert str(report) == (
        "cubic\n"
        "centred differences, eps = 1e-06; pass if relative error < 1e-07\n"
        "array  shape         rel. error  result\n"
        "du     (3, 2)        < 1e-07     ok\n"
        "dv     (4,)          < 1e-07     ok\n"
        "all 2 arrays pass")
    assert "e-" in report.details().splitlines()[3]         # the exact error is there
    assert "0x" not in str(report)


def test_zero_gradients_count_as_equal():
    x = np.ones(3)
    report = gradient_check(lambda: 1.0, {"x": x}, {"dx": np.zeros(3)})
    assert report.passed and report["dx"].rel_error == 0.0


def test_gradient_check_bad_arguments():
    loss, u, v, w = cubic_setup()
    with pytest.raises(KeyError, match="no gradient for 'u'"):
        gradient_check(loss, {"u": u}, {"dv": np.ones(4)})
    with pytest.raises(ValueError, match=r"analytic\['du'\] has shape \(2, 3\)"):
        gradient_check(loss, {"u": u}, {"du": np.ones((2, 3))})
    with pytest.raises(TypeError, match="dicts"):
        gradient_check(loss, [u], {"du": u})
    report = gradient_check(loss, {"u": u}, {"du": 3 * w * u ** 2})
    with pytest.raises(KeyError, match="no array named 'x'"):
        report["x"]


@pytest.mark.parametrize("check, args", [
    (gradcheck_rnn_cell_backward, (2, 3, 2)),
    (gradcheck_lstm_cell_backward, (2, 3, 2)),
    (gradcheck_rnn_backward, (2, 3, 2, 2)),
    (gradcheck_lstm_backward, (2, 3, 2, 2)),
])
def test_library_checks_pass_and_reject_bad_rng(check, args):
    report = check(*args, np.random.default_rng(1))
    assert report.passed, report.details()
    assert str(report).endswith("arrays pass")
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        check(*args, np.random.RandomState(1))


def test_library_checks_are_reproducible_and_titled():
    first = gradcheck_lstm_backward(2, 3, 1, 2, np.random.default_rng(5), T_da=1)
    second = gradcheck_lstm_backward(2, 3, 1, 2, np.random.default_rng(5), T_da=1)
    assert first.rows == second.rows
    assert str(first).startswith(
        "lstm_backward (n_x=2, n_a=3, m=1, T_x=2, da over 1 steps)\n")
    with pytest.raises(ValueError, match="T_da must be between 1 and T_x = 2"):
        gradcheck_rnn_backward(2, 3, 1, 2, np.random.default_rng(5), T_da=3)


def test_a_reader_backward_with_a_sign_error_fails_clearly():
    from rnnlib import rnn_cell_backward

    def wrong_backward(da_next, cache):
        g = dict(rnn_cell_backward(da_next, cache))
        g["dba"] = -g["dba"]                                # classic sign slip
        return g

    report = gradcheck_rnn_cell_backward(2, 3, 2, np.random.default_rng(2),
                                         backward=wrong_backward)
    assert not report.passed
    assert [row.name for row in report.rows if row.rel_error >= report.tol] == ["dba"]
    assert report["dba"].rel_error == pytest.approx(1.0)    # opposite vectors
