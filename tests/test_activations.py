"""Tests of rnnlib.activations: softmax over axis 0 and the safe sigmoid."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnnlib import sigmoid, softmax

LN3 = np.log(3.0)


def test_softmax_by_hand():
    # column 0: logits (0, ln 3) -> exp = (1, 3) -> (1/4, 3/4)
    # column 1: equal logits -> (1/2, 1/2)
    z = np.array([[0.0, 7.0], [LN3, 7.0]])
    expected = np.array([[0.25, 0.5], [0.75, 0.5]])
    np.testing.assert_allclose(softmax(z), expected, rtol=1e-15)


def test_softmax_is_over_axis_0_not_the_whole_array():
    z = np.array([[0.0, 100.0], [LN3, 100.0 + LN3]])
    # each column alone is (1/4, 3/4); a softmax over all entries would not be
    np.testing.assert_allclose(softmax(z), [[0.25, 0.25], [0.75, 0.75]], rtol=1e-14)


def test_softmax_survives_huge_logits_without_warning():
    z = np.array([[1000.0, -1000.0, 1000.0], [1000.0 + LN3, -1000.0 + LN3, -1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(z)
    # shifting by a constant changes nothing: (1/4, 3/4) for the first two
    # columns (up to the rounding of 1000 + ln 3); the third is exp(0)=1
    # against exp(-2000)=0 -> (1, 0)
    np.testing.assert_allclose(p, [[0.25, 0.25, 1.0], [0.75, 0.75, 0.0]], rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)),
              elements=st.floats(-1000, 1000)))
def test_softmax_columns_are_probabilities(z):
    p = softmax(z)
    assert p.shape == z.shape
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=0), 1.0, rtol=1e-12)
    # the largest logit of each column gets the largest probability
    assert np.all(p[z.argmax(axis=0), np.arange(z.shape[1])] == p.max(axis=0))


def test_softmax_shift_invariance_and_3d():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 3, 2))
    np.testing.assert_allclose(softmax(z + 50.0), softmax(z), rtol=1e-12)
    np.testing.assert_allclose(softmax(z).sum(axis=0), 1.0, rtol=1e-12)


def test_sigmoid_by_hand():
    # σ(0) = 1/2, σ(ln 3) = 1/(1 + 1/3) = 3/4, σ(-ln 3) = 1/(1 + 3) = 1/4
    z = np.array([[0.0, LN3, -LN3]])
    np.testing.assert_allclose(sigmoid(z), [[0.5, 0.75, 0.25]], rtol=1e-15)


def test_sigmoid_extremes_do_not_overflow_or_warn():
    z = np.array([-1e308, -1000.0, -745.0, 1000.0, 1e308, -np.inf, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
    np.testing.assert_array_equal(s[[0, 1, 5]], 0.0)
    np.testing.assert_array_equal(s[[3, 4, 6]], 1.0)
    assert 0 < s[2] < 1e-300                      # σ(-745) = e^-745: tiny but not 0
    # for very negative z, σ(z) = e^z to full relative precision
    np.testing.assert_allclose(sigmoid(np.array([-40.0])), np.exp(-40.0), rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-700, 700)))
def test_sigmoid_matches_definition_and_symmetry(z):
    s = sigmoid(z)
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-z)), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(s + sigmoid(-z), 1.0, rtol=1e-15)   # σ(z) + σ(-z) = 1


@pytest.mark.parametrize("f", [softmax, sigmoid])
def test_dtypes(f):
    z32 = np.array([[1.0, -2.0], [3.0, 0.5]], dtype=np.float32)
    assert f(z32).dtype == np.float32
    assert f(z32.astype(np.float64)).dtype == np.float64
    assert f(np.array([[1, 2], [3, 4]])).dtype == np.float64    # ints become float64
    np.testing.assert_allclose(f(z32), f(z32.astype(np.float64)), rtol=1e-6)


@pytest.mark.parametrize("f", [softmax, sigmoid])
@pytest.mark.parametrize("bad", [
    np.array([[True], [False]]), np.array([["a"], ["b"]]),
    np.array([[1 + 2j]]), np.array([[None]], dtype=object)])
def test_non_numeric_input_is_a_type_error(f, bad):
    with pytest.raises(TypeError, match="z must be an array of real numbers"):
        f(bad)


@pytest.mark.parametrize("f", [softmax, sigmoid])
def test_nan_is_rejected(f):
    with pytest.raises(ValueError, match="z contains NaN"):
        f(np.array([[0.0], [np.nan]]))


def test_softmax_rejects_inf_and_empty():
    with pytest.raises(ValueError, match="NaN or infinite"):
        softmax(np.array([[np.inf], [0.0]]))
    with pytest.raises(ValueError, match="at least one class"):
        softmax(np.zeros((0, 3)))
