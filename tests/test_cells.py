"""Tests for rnnlib.cells: the registry of cells and telling them apart by keys."""

import numpy as np
import pytest

from rnnlib import gru_forward, lstm_forward, rnn_forward
from rnnlib.cells import CELLS, cell_of, get_cell, random_parameters


def parameters(cell, n_x=3, n_a=4, n_y=2):
    return CELLS[cell].initialize(n_x, n_a, n_y, np.random.default_rng(0), scale=0.5)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_cell_of_reads_the_keys(cell):
    p = parameters(cell)
    assert cell_of(p) == cell == cell_of(p, cell)
    assert cell_of(dict(p, extra=np.zeros(1))) == cell      # extra keys are ignored


def test_cell_of_explains_what_it_could_not_tell():
    with pytest.raises(KeyError, match="keys of no cell"):
        cell_of({"Wf": np.zeros((1, 1))})
    with pytest.raises(KeyError, match="more than one cell"):
        cell_of({**parameters("rnn"), **parameters("lstm")})
    with pytest.raises(ValueError, match="parameters are those of an RNN"):
        cell_of(parameters("rnn"), "lstm")
    with pytest.raises(TypeError, match="must be a dict"):
        cell_of([1, 2])
    with pytest.raises(ValueError, match="cell must be 'rnn' or 'lstm' or 'gru'; got 'tanh'"):
        get_cell("tanh")


def test_entries_run_the_reference_functions():
    rng = np.random.default_rng(1)
    x, a0 = rng.standard_normal((3, 2, 5)), rng.standard_normal((4, 2))
    for name, forward in (("rnn", rnn_forward), ("lstm", lstm_forward),
                          ("gru", gru_forward)):
        cell, p = CELLS[name], parameters(name)
        assert cell.forward is forward and cell.hidden_size(p) == 4
        result = forward(x, a0, p)
        state = (a0,) + (np.zeros((4, 2)),) * (cell.n_states - 1)
        for t in range(5):                         # the step, one at a time
            y_hat, state = cell.step(x[:, :, t], state, p)
            np.testing.assert_allclose(state[0], result[0][:, :, t], rtol=1e-14)
            np.testing.assert_allclose(y_hat, result[1][:, :, t], rtol=1e-14)
        grads = cell.backward(np.ones_like(result[0]), result[-1])
        assert all("d" + k in grads for k in p if k not in (cell.output_weight, "by"))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_random_parameters_are_all_non_zero_with_the_cells_shapes(cell):
    p = random_parameters(cell, 3, 4, 2, np.random.default_rng(0), scale=0.7,
                          bias_scale=0.5)
    expected = parameters(cell)                    # the initializer's shapes
    assert list(p) == list(CELLS[cell].parameter_shapes)
    assert {k: v.shape for k, v in p.items()} == {k: v.shape for k, v in expected.items()}
    assert all(np.all(v != 0) for v in p.values())
    bias_std = np.std(np.concatenate([v.ravel() for k, v in p.items() if k[0] == "b"]))
    weight_std = np.std(np.concatenate([v.ravel() for k, v in p.items() if k[0] == "W"]))
    assert 0.3 < bias_std < 0.7 and 0.5 < weight_std < 0.9
    again = random_parameters(cell, 3, 4, 2, 0, scale=0.7, bias_scale=0.5)  # int seed
    assert all(np.array_equal(p[k], again[k]) for k in p)
