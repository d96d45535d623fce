"""Tests for rnnlib.optim: each optimiser's first steps, worked out by hand."""

import math

import numpy as np
import pytest

from rnnlib.optim import SGD, Adagrad, Adam


def one_parameter(value=1.0):
    return {"w": np.array([[value]])}


def test_sgd_step_by_hand():
    p = one_parameter(1.0)
    opt = SGD(p, learning_rate=0.1)
    opt.update(p, {"dw": np.array([[2.0]])})          # 1 - 0.1 * 2
    assert p["w"][0, 0] == pytest.approx(0.8, abs=1e-15)
    opt.update(p, {"dw": np.array([[-1.0]])})         # 0.8 + 0.1
    assert p["w"][0, 0] == pytest.approx(0.9, abs=1e-15)


def test_adagrad_steps_by_hand():
    p = one_parameter(1.0)
    opt = Adagrad(p, learning_rate=0.5, eps=0.0 + 1e-12)
    opt.update(p, {"dw": np.array([[3.0]])})          # v = 9: step 0.5 * 3 / 3
    assert p["w"][0, 0] == pytest.approx(0.5, rel=1e-11)
    opt.update(p, {"dw": np.array([[4.0]])})          # v = 25: step 0.5 * 4 / 5
    assert p["w"][0, 0] == pytest.approx(0.1, rel=1e-10)


def test_adam_first_two_steps_by_hand():
    p = one_parameter(1.0)
    opt = Adam(p, learning_rate=0.1, beta1=0.5, beta2=0.75, eps=1e-8)
    # step 1, g = 2: m = 1, v = 1; m̂ = 1 / 0.5 = 2, v̂ = 1 / 0.25 = 4
    opt.update(p, {"dw": np.array([[2.0]])})
    assert p["w"][0, 0] == pytest.approx(1 - 0.1 * 2 / (2 + 1e-8), rel=1e-15)
    # step 2, g = -1: m = 0.5 - 0.5 = 0; v = 0.75 + 0.25 = 1
    # m̂ = 0, so the parameter does not move
    before = p["w"][0, 0]
    opt.update(p, {"dw": np.array([[-1.0]])})
    assert p["w"][0, 0] == before
    assert opt.m["w"][0, 0] == 0.0 and opt.v["w"][0, 0] == pytest.approx(1.0)
    # step 3, g = 4: m = 2, v = 0.75 + 4 = 4.75
    # m̂ = 2 / (1 - 0.125) = 16/7, v̂ = 4.75 / (1 - 0.421875) = 8.2162...
    opt.update(p, {"dw": np.array([[4.0]])})
    m_hat, v_hat = 2 / 0.875, 4.75 / (1 - 0.75 ** 3)
    assert p["w"][0, 0] == pytest.approx(before - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8),
                                         rel=1e-14)


def test_adam_first_step_has_length_learning_rate_whatever_the_gradient_scale():
    for scale in (1e-6, 1.0, 1e6):
        p = {"w": np.zeros((2, 3))}
        g = scale * np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
        Adam(p, learning_rate=0.01, eps=0.0 + 1e-300).update(p, {"dw": g})
        np.testing.assert_allclose(p["w"], -0.01 * np.sign(g), rtol=1e-12)


def test_updates_are_in_place_and_learning_rate_can_change():
    p = one_parameter(1.0)
    array = p["w"]
    opt = SGD(p, learning_rate=1.0)
    opt.learning_rate = 0.5
    opt.update(p, {"dw": np.array([[1.0]])})
    assert p["w"] is array and array[0, 0] == 0.5


@pytest.mark.parametrize("make", [SGD, Adagrad, Adam])
def test_bad_settings_and_gradients_raise(make):
    p = one_parameter()
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0"):
        make(p, learning_rate=0)
    with pytest.raises(TypeError, match="parameters must be a non-empty dict"):
        make([], learning_rate=0.1)
    opt = make(p, learning_rate=0.1)
    with pytest.raises(KeyError, match="missing 'dw'"):
        opt.update(p, {"w": np.ones((1, 1))})
    with pytest.raises(ValueError, match=r"gradients\['dw'\] must have the shape"):
        opt.update(p, {"dw": np.ones((2, 1))})


def test_adam_rejects_betas_outside_zero_one():
    with pytest.raises(ValueError, match=r"beta1 must be a finite number >= 0 and < 1"):
        Adam(one_parameter(), beta1=1.0)
    with pytest.raises(ValueError, match=r"beta2"):
        Adam(one_parameter(), beta2=-0.1)
