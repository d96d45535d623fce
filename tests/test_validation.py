"""Tests of rnnlib.validation, the shared input checks."""

import re

import numpy as np
import pytest

from rnnlib.validation import (Dims, as_float_array, as_generator, check_number,
                               check_parameters, check_shape, format_shape)


def test_format_shape():
    assert format_shape(("n_x", "m")) == "(n_x, m)"
    assert format_shape((5,)) == "(5,)"
    assert format_shape(("n_a", 1)) == "(n_a, 1)"


def test_as_float_array_keeps_floats_and_converts_ints():
    x32 = np.ones((2, 3), dtype=np.float32)
    assert as_float_array("x", x32) is x32                 # no copy
    assert as_float_array("x", [[1, 2]]).dtype == np.float64
    assert as_float_array("x", np.arange(3)).dtype == np.float64


@pytest.mark.parametrize("bad, word", [
    (np.array([True, False]), "bool"),
    (np.array(["a", "b"]), "text"),
    (np.array([1j]), "complex"),
    (np.array([None, 1.0], dtype=object), "Python objects"),
    ([[1.0], [2.0, 3.0]], "numeric array"),               # ragged list
])
def test_as_float_array_rejects_non_numeric(bad, word):
    with pytest.raises(TypeError, match=f"xt must be .*{word}"):
        as_float_array("xt", bad)


def test_as_float_array_ndim_message_names_argument_and_shape():
    with pytest.raises(ValueError) as info:
        as_float_array("xt", np.ones(3), shape=("n_x", "m"))
    assert str(info.value) == ("xt must be a 2-D array of shape (n_x, m); "
                               "got a 1-D array of shape (3,)")
    with pytest.raises(ValueError, match="x must be a 3-D array"):
        as_float_array("x", np.ones((2, 2)), ndim=3)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_as_float_array_rejects_non_finite_unless_allowed(value):
    x = np.array([[0.0, value]])
    with pytest.raises(ValueError, match="a_prev contains NaN or infinite"):
        as_float_array("a_prev", x)
    assert as_float_array("a_prev", x, finite=False) is x


def test_check_shape_learns_then_compares():
    dims = Dims()
    check_shape("parameters['Wax']", np.ones((5, 3)), ("n_a", "n_x"), dims)
    assert (dims["n_a"], dims["n_x"]) == (5, 3)
    check_shape("xt", np.ones((3, 10)), ("n_x", "m"), dims)
    assert dims["m"] == 10 and "m" in dims
    with pytest.raises(ValueError) as info:
        check_shape("a_prev", np.ones((4, 10)), ("n_a", "m"), dims)
    assert str(info.value) == ("a_prev must have shape (n_a, m) = (5, 10) to match "
                               "parameters['Wax'] (5, 3) and xt (3, 10); got (4, 10)")


def test_check_shape_sums_and_literals():
    dims = Dims()
    check_shape("Wf", np.ones((5, 8)), ("n_a", "n_a + n_x"), dims)
    assert dims["n_x"] == 3                                # 8 = 5 + n_x
    check_shape("bf", np.ones((5, 1)), ("n_a", 1), dims)
    message = (r"Wi must have shape \(n_a, n_a \+ n_x\) = \(5, 8\) "
               r"to match Wf \(5, 8\); got \(5, 9\)")
    with pytest.raises(ValueError, match=message):
        check_shape("Wi", np.ones((5, 9)), ("n_a", "n_a + n_x"), dims)
    with pytest.raises(ValueError, match=r"bi must have shape \(n_a, 1\) = \(5, 1\)"):
        check_shape("bi", np.ones((5, 2)), ("n_a", 1), dims)


def test_check_shape_flat_bias_hint_and_empty_dimension():
    with pytest.raises(ValueError, match=r"reshape\(5, 1\)"):
        check_shape("ba", np.ones(5), ("n_a", 1), Dims())
    with pytest.raises(ValueError, match="empty dimension: m = 0"):
        check_shape("xt", np.ones((3, 0)), ("n_x", "m"), Dims())


SHAPES = {"Wax": ("n_a", "n_x"), "Waa": ("n_a", "n_a"), "ba": ("n_a", 1)}


def good_parameters():
    return {"Wax": np.ones((5, 3)), "Waa": np.ones((5, 5)), "ba": np.zeros((5, 1))}


def test_check_parameters_returns_dims_and_allows_extra_keys():
    dims = check_parameters(dict(good_parameters(), note=np.ones(2)), SHAPES)
    assert (dims["n_a"], dims["n_x"]) == (5, 3)


def test_check_parameters_missing_key():
    p = good_parameters()
    del p["Waa"]
    message = r"parameters is missing 'Waa' \(shape \(n_a, n_a\)\)"
    with pytest.raises(KeyError, match=message):
        check_parameters(p, SHAPES)


def test_check_parameters_flat_bias_is_rejected_with_advice():
    p = dict(good_parameters(), ba=np.zeros(5))
    with pytest.raises(ValueError) as info:
        check_parameters(p, SHAPES)
    message = str(info.value)
    assert "parameters['ba']" in message and "(n_a, 1)" in message
    assert "(5,)" in message and "column vector" in message


def test_check_parameters_wrong_shape_names_key_actual_and_expected():
    p = dict(good_parameters(), Waa=np.ones((5, 4)))
    with pytest.raises(ValueError) as info:
        check_parameters(p, SHAPES)
    assert str(info.value) == ("parameters['Waa'] must have shape (n_a, n_a) = (5, 5) "
                               "to match parameters['Wax'] (5, 3); got (5, 4)")


@pytest.mark.parametrize("bad, error, pattern", [
    ([("Wax", 1)], TypeError, "parameters must be a dict"),
    ({"Wax": [[1.0]], "Waa": np.ones((1, 1)), "ba": np.ones((1, 1))}, TypeError,
     r"parameters\['Wax'\] must be a numpy array; got list"),
    (dict(good_parameters(), Wax=np.ones((5, 3), dtype=bool)), TypeError, "bool"),
    (dict(good_parameters(), ba=np.full((5, 1), np.nan)), ValueError,
     r"parameters\['ba'\] contains NaN"),
])
def test_check_parameters_bad_values(bad, error, pattern):
    with pytest.raises(error, match=pattern):
        check_parameters(bad, SHAPES)


def test_check_parameters_extends_given_dims():
    dims = Dims()
    dims.learn("n_x", 4, "xt (4, 2)")
    with pytest.raises(ValueError, match=r"to match xt \(4, 2\)"):
        check_parameters(good_parameters(), SHAPES, dims)
    assert "n_x=4" in repr(dims)


# ------------------------------------------------ check_number and as_generator

@pytest.mark.parametrize("value, kwargs, error, message", [
    (0, dict(low=0, low_open=True), ValueError, "x must be a finite number > 0; got 0"),
    (1.0, dict(low=0, high=1, high_open=True), ValueError,
     "x must be a finite number >= 0 and < 1; got 1.0"),
    (float("nan"), {}, ValueError, "x must be a finite number; got nan"),
    (float("inf"), dict(low=0), ValueError, "x must be a finite number >= 0; got inf"),
    (True, {}, TypeError, "x must be a number; got bool"),
    ("1", {}, TypeError, "x must be a number; got str"),
    (2.0, dict(integer=True), TypeError, "x must be an int; got float"),
    (0, dict(low=1, integer=True), ValueError, "x must be an int >= 1; got 0"),
])
def test_check_number_has_one_rule_and_one_message_shape(value, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        check_number("x", value, **kwargs)


def test_check_number_returns_plain_python_numbers():
    assert check_number("x", np.float32(0.5), 0, 1) == 0.5
    assert type(check_number("n", np.int64(3), 1, integer=True)) is int
    assert check_number("x", 1, 0, 1) == 1.0             # the bounds themselves are in


def test_as_generator_takes_a_generator_or_a_seed():
    rng = np.random.default_rng(3)
    assert as_generator(rng) is rng                        # shared, not copied
    assert as_generator(3).random() == np.random.default_rng(3).random()
    assert as_generator(np.int64(3)).random() == np.random.default_rng(3).random()
    for bad in (None, 3.0, True, np.random.RandomState(3), np.random):
        with pytest.raises(TypeError, match="rng must be a numpy Generator or an int seed"):
            as_generator(bad)
    with pytest.raises(ValueError, match="seed must be a numpy Generator or an int seed >= 0"):
        as_generator(-1, "seed")
