"""The name model with the GRU: charlm.train/evaluate(..., "gru") (chapters 4, 5)."""

import numpy as np
import pytest
from test_charlm import NAMES, SMALL

from rnnlib import charlm, gradcheck, initialize_gru_parameters
from rnnlib.charlm.batching import make_batch
from rnnlib.charlm.training import batch_loss_and_gradients


@pytest.mark.parametrize("dropout", [False, True])
def test_masked_batch_gradients_match_finite_differences(dropout):
    parameters = initialize_gru_parameters(27, 3, 27, np.random.default_rng(0),
                                           scale=0.5)
    x, Y, mask = make_batch(["ab", "rex", "z"])            # padding in two columns
    keep = None
    if dropout:
        keep = (np.random.default_rng(2).random((3,) + Y.shape) >= 0.3) / 0.7
    _, gradients = batch_loss_and_gradients(parameters, "gru", x, Y, mask, keep)
    assert sorted(gradients) == sorted("d" + k for k in parameters)
    # eps = 1e-5: the reset gate's gradients are tiny here (a<0> = 0 and one-hot
    # inputs), and at eps = 1e-6 rounding in the loss alone reaches 1e-7 of them
    report = gradcheck.gradient_check(
        lambda: batch_loss_and_gradients(parameters, "gru", x, Y, mask, keep)[0],
        parameters, gradients, eps=1e-5)
    assert report.passed, report.details()


def test_train_learns_is_deterministic_and_engines_agree():
    history = []
    first = charlm.train(NAMES, "gru", progress=False, history=history, **SMALL)
    again = charlm.train(NAMES, "gru", progress=False, **SMALL)
    fast = charlm.train(NAMES, "gru", progress=False, engine="fast", **SMALL)
    assert sorted(first) == ["Wc", "Wr", "Wu", "Wy", "bc", "br", "bu", "by"]
    for k in first:
        assert np.array_equal(first[k], again[k])
        np.testing.assert_allclose(fast[k], first[k], rtol=1e-9, atol=1e-12)
    assert history[-1]["train_nll"] < history[0]["train_nll"]
    nll = charlm.evaluate(first, NAMES, "gru")
    assert nll < np.log(27)
    assert charlm.evaluate(first, NAMES) == nll                  # cell from the keys
    assert charlm.evaluate(first, NAMES, engine="fast") == pytest.approx(nll, rel=1e-12)


def test_save_load_and_sampling(tmp_path):
    parameters = charlm.train(NAMES, "gru", progress=False, **dict(SMALL, max_epochs=1))
    path = tmp_path / "gru.npz"
    charlm.save(path, parameters)
    loaded = charlm.load(path)
    for k in parameters:
        np.testing.assert_array_equal(loaded[k], parameters[k])
    names = charlm.sample_names(parameters, 3, np.random.default_rng(0))
    assert len(names) == 3 and all(isinstance(name, str) for name in names)
    probabilities = charlm.next_char_probabilities(parameters, "tyr")
    assert probabilities.shape == (27,)
    assert probabilities.sum() == pytest.approx(1.0)
