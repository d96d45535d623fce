"""Tests for rnnlib.charlm: masked minibatches, evaluation, sampling, save/load."""

import dataclasses
import sys

import numpy as np
import pytest

from rnnlib import charlm, gradcheck
from rnnlib.charlm.batching import make_batch
from rnnlib.charlm.classic import loss_and_gradients as classic_loss
from rnnlib.charlm.training import batch_loss_and_gradients
from rnnlib.charlm.vocab import char_to_ix, make_example
from rnnlib.initializers import initialize_lstm_parameters, initialize_rnn_parameters

NAMES = ["tyrannosaurus", "allosaurus", "rex", "troodon", "minmi", "iguanodon",
         "stegosaurus", "diplodocus", "velociraptor", "triceratops", "apatosaurus",
         "brachiosaurus", "ankylosaurus", "spinosaurus", "baryonyx", "coelophysis",
         "oviraptor", "gallimimus", "herrerasaurus", "plateosaurus", "protoceratops",
         "carnotaurus", "microraptor", "maiasaura", "eoraptor", "giganotosaurus"]
SMALL = dict(n_a=8, batch_size=8, max_epochs=3)


def parameters_for(cell, seed=0, n_a=5, scale=0.5):
    init = initialize_rnn_parameters if cell == "rnn" else initialize_lstm_parameters
    return init(27, n_a, 27, np.random.default_rng(seed), scale=scale)


def test_evaluate_of_a_uniform_model_is_log_27():
    parameters = {k: np.zeros_like(v) for k, v in parameters_for("lstm").items()}
    assert charlm.evaluate(parameters, NAMES) == pytest.approx(np.log(27), rel=1e-12)


def test_evaluate_counts_every_character_and_the_end_token():
    parameters = parameters_for("rnn")
    total = sum(classic_loss(*make_example(name), np.zeros((5, 1)), parameters)[0]
                for name in NAMES)
    n_predictions = sum(len(name) + 1 for name in NAMES)
    assert charlm.evaluate(parameters, NAMES, "rnn") == pytest.approx(
        total / n_predictions, rel=1e-10)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
@pytest.mark.parametrize("dropout", [False, True])
def test_masked_batch_gradients_match_finite_differences(cell, dropout):
    parameters = parameters_for(cell, n_a=3)
    x, Y, mask = make_batch(["ab", "rex", "z"])            # padding in two columns
    keep = None
    if dropout:                                               # a fixed dropout mask
        keep = (np.random.default_rng(2).random((3,) + Y.shape) >= 0.3) / 0.7
    _, gradients = batch_loss_and_gradients(parameters, cell, x, Y, mask, keep)
    assert sorted(gradients) == sorted("d" + k for k in parameters)
    report = gradcheck.gradient_check(
        lambda: batch_loss_and_gradients(parameters, cell, x, Y, mask, keep)[0],
        parameters, gradients)
    assert report.passed, report.details()


def test_padding_does_not_change_the_loss():
    parameters = parameters_for("lstm")
    alone = batch_loss_and_gradients(parameters, "lstm", *make_batch(["rex"]))[0]
    x, Y, mask = make_batch(["rex", "tyrannosaurus"])
    x, Y, mask = x[:, :1], Y[:1], mask[:1]                 # rex, padded to 14 steps
    padded = batch_loss_and_gradients(parameters, "lstm", x, Y, mask)[0]
    assert padded == pytest.approx(alone, rel=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_train_learns_and_is_deterministic(cell):
    history = []
    first = charlm.train(NAMES, cell, progress=False, history=history, **SMALL)
    second = charlm.train(NAMES, cell, progress=False, **SMALL)
    assert sorted(first) == sorted(parameters_for(cell))
    for k in first:
        assert np.array_equal(first[k], second[k])
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert history[-1]["train_nll"] < history[0]["train_nll"]
    assert charlm.evaluate(first, NAMES, cell) < np.log(27)
    other = charlm.train(NAMES, cell, progress=False, seed=1, **SMALL)
    assert not np.array_equal(first["by"], other["by"])


def test_train_shows_progress_only_when_asked(capsys):
    charlm.train(NAMES, "rnn", progress=False, **dict(SMALL, max_epochs=1))
    assert capsys.readouterr().err == ""
    charlm.train(NAMES, "rnn", progress=True, **dict(SMALL, max_epochs=1))
    err = capsys.readouterr().err                     # a tqdm bar, on stderr
    assert "rnn:" in err and "/1 [" in err and "valid=" in err


def test_no_progress_means_tqdm_is_never_imported():
    import subprocess
    code = ("import sys; from rnnlib import charlm; "
            "charlm.train(%r, 'rnn', progress=False, n_a=4, batch_size=8, max_epochs=1); "
            "print('tqdm' in sys.modules)" % (NAMES,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False" and out.stderr == ""


def test_early_stopping_decays_the_rate_restores_the_best_and_stops(monkeypatch):
    """Scripted validation losses: better, better, worse, worse (patience 2)."""
    from rnnlib.charlm import training
    scripted = iter([3.0, 2.0, 2.5, 2.6, 1.0, 1.0])
    seen, rates, starts, updates = [], [], [], []
    real_optimizer = training._optimizer

    def optimizer(parameters, config):
        made = real_optimizer(parameters, config)
        real_update = made.update

        def update(parameters, gradients):                   # record what it starts from
            updates.append({k: v.copy() for k, v in parameters.items()})
            real_update(parameters, gradients)
        made.update = update
        rates.append(made)
        return made

    def evaluate_batch(parameters, cell, x, Y, mask, engine="reference"):
        seen.append({k: v.copy() for k, v in parameters.items()})
        rates.append(rates[0].learning_rate)
        starts.append(len(updates))                          # the next pass's first update
        return next(scripted)

    monkeypatch.setattr(training, "_optimizer", optimizer)
    monkeypatch.setattr(training, "_evaluate_batch", evaluate_batch)
    history = []
    best = charlm.train(NAMES, "rnn", progress=False, history=history, patience=2,
                        lr_decay=0.5, learning_rate=0.02, **dict(SMALL, max_epochs=6))
    assert [h["epoch"] for h in history] == [1, 2, 3, 4]       # the break ran
    assert [h["valid_nll"] for h in history] == [3.0, 2.0, 2.5, 2.6]
    assert rates[1:] == [0.02, 0.02, 0.02, 0.01]                # halved after pass 3
    for k in best:                                             # returned: the best, pass 2
        assert np.array_equal(best[k], seen[1][k])
        assert not np.array_equal(best[k], seen[3][k])
    restart = updates[starts[2]]                               # pass 4 began from the best
    assert all(np.array_equal(restart[k], seen[1][k]) for k in restart)
    after_pass_2 = updates[starts[1]]                          # pass 3 from pass 2's end
    assert all(np.array_equal(after_pass_2[k], seen[1][k]) for k in after_pass_2)


def test_without_decay_training_goes_on_from_the_last_weights(monkeypatch):
    from rnnlib.charlm import training
    scripted = iter([2.0, 2.5, 2.4, 2.3])
    seen = []

    def evaluate_batch(parameters, cell, x, Y, mask, engine="reference"):
        seen.append({k: v.copy() for k, v in parameters.items()})
        return next(scripted)

    monkeypatch.setattr(training, "_evaluate_batch", evaluate_batch)
    history = []
    best = charlm.train(NAMES, "rnn", progress=False, history=history, patience=3,
                        lr_decay=1.0, **dict(SMALL, max_epochs=10))
    assert len(history) == 4                       # three passes without progress
    assert all(np.array_equal(best[k], seen[0][k]) for k in best)


def test_train_rejects_bad_settings():
    with pytest.raises(ValueError, match="cell must be 'rnn' or 'lstm'"):
        charlm.train(NAMES, "tanh")
    with pytest.raises(ValueError, match="optimizer"):
        charlm.train(NAMES, "rnn", optimizer="sgd")
    with pytest.raises(TypeError):
        charlm.train(NAMES, "rnn", hidden_units=8)            # not a TrainConfig field
    with pytest.raises(dataclasses.FrozenInstanceError):
        charlm.TrainConfig().n_a = 3                          # settings are frozen


def test_adagrad_also_trains():
    parameters = charlm.train(NAMES, "rnn", progress=False, optimizer="adagrad",
                              learning_rate=0.1, **SMALL)
    assert charlm.evaluate(parameters, NAMES) < np.log(27)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_save_load_round_trip_loses_nothing(tmp_path, cell):
    parameters = parameters_for(cell)
    parameters["by"] = parameters["by"].astype(np.float32)   # dtypes survive too
    path = tmp_path / "model.npz"
    charlm.save(path, parameters)
    loaded = charlm.load(path)
    assert sorted(loaded) == sorted(parameters)
    for k in parameters:
        assert loaded[k].dtype == parameters[k].dtype
        assert np.array_equal(loaded[k], parameters[k])
    assert charlm.evaluate(loaded, NAMES) == charlm.evaluate(parameters, NAMES)


def test_evaluate_checks_cell_against_parameters():
    with pytest.raises(ValueError, match="parameters are those of an RNN"):
        charlm.evaluate(parameters_for("rnn"), NAMES, "lstm")


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_sample_names_and_next_char_probabilities(cell):
    parameters = parameters_for(cell, scale=1.0)
    names = charlm.sample_names(parameters, 20, np.random.default_rng(0))
    assert len(names) == 20 and all(isinstance(n, str) and "\n" not in n for n in names)
    assert all(len(n) <= 50 for n in names)
    assert charlm.sample_names(parameters, 20, 0) == names
    p = charlm.next_char_probabilities(parameters, "rex")
    assert p.shape == (27,) and p.sum() == pytest.approx(1)
    with pytest.raises(ValueError, match="temperature"):
        charlm.sample_names(parameters, 2, 0, temperature=0)


def test_sample_names_matches_next_char_probabilities_at_low_temperature():
    rng = np.random.default_rng(5)
    parameters = {k: rng.standard_normal(v.shape)
                  for k, v in parameters_for("lstm").items()}
    name = charlm.sample_names(parameters, 1, 0, temperature=1e-3, max_length=8)[0]
    prefix = ""
    for ch in name:                              # greedy: always the argmax
        p = charlm.next_char_probabilities(parameters, prefix)
        assert np.argmax(p) == char_to_ix[ch]
        prefix += ch


@pytest.mark.parametrize("setting, message", [
    (dict(dropout=1.0), "dropout must be a finite number >= 0 and < 1; got 1.0"),
    (dict(n_a=0), "n_a must be an int >= 1"),
    (dict(learning_rate=-0.1), "learning_rate must be a finite number > 0"),
    (dict(valid_fraction=1.0), "valid_fraction must be a finite number > 0 and < 1"),
    (dict(lr_decay=0.0), "lr_decay must be a finite number > 0 and <= 1"),
    (dict(patience=0), "patience must be an int >= 1"),
    (dict(engine="gpu"), "engine must be one of"),
])
def test_train_config_is_checked_when_made(setting, message):
    with pytest.raises(ValueError, match=message):
        charlm.TrainConfig(**setting)
    with pytest.raises(ValueError, match=message):           # also through train()
        charlm.train(NAMES, "rnn", progress=False, **setting)


def test_train_config_rejects_wrong_types():
    with pytest.raises(TypeError, match="batch_size must be an int"):
        charlm.TrainConfig(batch_size=8.0)
    with pytest.raises(TypeError, match="max_norm must be a number"):
        charlm.TrainConfig(max_norm="5")


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_engine_is_an_option_with_the_same_results(cell):
    parameters = parameters_for(cell, n_a=4)
    x, Y, mask = make_batch(["ab", "rex", "z"])
    reference = batch_loss_and_gradients(parameters, cell, x, Y, mask)
    fast = batch_loss_and_gradients(parameters, cell, x, Y, mask, engine="fast")
    assert fast[0] == pytest.approx(reference[0], rel=1e-13)
    for k in reference[1]:
        np.testing.assert_allclose(fast[1][k], reference[1][k], rtol=1e-10, atol=1e-14)
    settings = dict(SMALL, max_epochs=1)
    a = charlm.train(NAMES, cell, progress=False, **settings)
    b = charlm.train(NAMES, cell, progress=False, engine="fast", **settings)
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-8, atol=1e-12)
