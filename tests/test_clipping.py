"""Tests for rnnlib.clipping: global-norm clipping keeps direction, caps length."""

import math

import numpy as np
import pytest

from rnnlib.clipping import clip_by_global_norm, global_norm


def make_gradients(rng, scale=1.0):
    return {"dWax": scale * rng.standard_normal((5, 3)),
            "dWaa": scale * rng.standard_normal((5, 5)),
            "dba": scale * rng.standard_normal((5, 1))}


def flat(gradients):
    return np.concatenate([gradients[k].ravel() for k in sorted(gradients)])


def test_global_norm_is_norm_of_concatenation():
    g = make_gradients(np.random.default_rng(0))
    assert global_norm(g) == pytest.approx(np.linalg.norm(flat(g)), rel=1e-12)


def test_global_norm_of_empty_dict_and_of_zeros():
    assert global_norm({}) == 0.0
    assert global_norm({"dW": np.zeros((2, 2))}) == 0.0


def test_global_norm_does_not_overflow_for_huge_entries():
    g = {"dW": np.full((3, 3), 1e200)}
    assert global_norm(g) == pytest.approx(3e200, rel=1e-12)


def test_large_gradient_is_scaled_to_max_norm_and_keeps_direction():
    g = make_gradients(np.random.default_rng(1), scale=100.0)
    clipped, norm = clip_by_global_norm(g, 5.0)
    assert norm == pytest.approx(np.linalg.norm(flat(g)), rel=1e-12)
    assert global_norm(clipped) == pytest.approx(5.0, rel=1e-12)
    cosine = flat(clipped) @ flat(g) / (np.linalg.norm(flat(clipped)) * norm)
    assert cosine == pytest.approx(1.0, abs=1e-12)
    for key in g:                                    # every array, same factor
        np.testing.assert_allclose(clipped[key], g[key] * 5.0 / norm, rtol=1e-12)


def test_small_gradient_is_returned_unchanged_as_a_copy():
    g = make_gradients(np.random.default_rng(2), scale=0.01)
    clipped, norm = clip_by_global_norm(g, 5.0)
    assert norm < 5.0
    for key in g:
        np.testing.assert_array_equal(clipped[key], g[key])
        assert clipped[key] is not g[key]


def test_input_dict_is_not_modified():
    g = make_gradients(np.random.default_rng(3), scale=100.0)
    before = {k: v.copy() for k, v in g.items()}
    clip_by_global_norm(g, 1.0)
    for key in g:
        np.testing.assert_array_equal(g[key], before[key])


def test_float32_stays_float32_and_ints_become_float():
    clipped, _ = clip_by_global_norm({"a": np.ones(4, np.float32), "b": [3, 4]}, 1.0)
    assert clipped["a"].dtype == np.float32
    assert clipped["b"].dtype == np.float64
    assert math.isclose(global_norm(clipped), 1.0, rel_tol=1e-6)


def test_zero_gradient_stays_zero():
    clipped, norm = clip_by_global_norm({"dW": np.zeros((2, 3))}, 1.0)
    assert norm == 0.0 and not clipped["dW"].any()


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), float("nan")])
def test_bad_max_norm_raises_value_error(bad):
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm({"dW": np.ones(2)}, bad)


@pytest.mark.parametrize("bad", ["5", None, True])
def test_non_numeric_max_norm_raises_type_error(bad):
    with pytest.raises(TypeError, match="max_norm"):
        clip_by_global_norm({"dW": np.ones(2)}, bad)


def test_non_finite_gradient_raises():
    with pytest.raises(ValueError, match="dW"):
        clip_by_global_norm({"dW": np.array([1.0, np.nan])}, 1.0)


def test_non_dict_raises_type_error():
    with pytest.raises(TypeError, match="dict"):
        clip_by_global_norm([np.ones(2)], 1.0)
