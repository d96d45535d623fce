"""The music model: charlm on token sequences, n-grams, improvising."""

import importlib.util
import json
import math
import pathlib

import numpy as np
import pytest

from rnnlib import charlm
from rnnlib.initializers import initialize_lstm_parameters
from rnnlib.music import Vocabulary
from rnnlib.music.generate import improvise, next_event_probabilities
from rnnlib.music.ngram import BackoffNGram

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_bigram_by_hand():
    # sequences over V = 4 tokens (0 = end): [1, 2] and [1, 3]
    m = BackoffNGram(2, 4, alpha=2.0).fit([[1, 2], [1, 3]])
    # unigram counts: 1:2, 2:1, 3:1, 0:2 (ends), total 6
    p1 = (2 + 2 * 0.25) / (6 + 2)                 # P_1(1)
    p = (2 + 2 * p1) / (2 + 2)                     # after 0 (start): 1 twice
    assert m.probabilities([[1]])[0] == pytest.approx(p)
    # context 2 never seen before 3: count(2, 3) = 0, count(2) = 1
    p1_3 = (1 + 2 * 0.25) / 8
    assert m.probabilities([[2, 3]])[1] == pytest.approx((0 + 2 * p1_3) / 3)
    # an unseen context keeps the order below
    m2 = BackoffNGram(2, 5, alpha=2.0).fit([[1, 2]])
    p1_2 = (1 + 2 * 0.2) / (3 + 2)
    assert m2.probabilities([[4, 2]])[1] == pytest.approx(p1_2)


def test_ngram_probabilities_sum_to_one():
    rng = np.random.default_rng(0)
    seqs = [list(rng.integers(1, 6, size=rng.integers(3, 9))) for _ in range(30)]
    m = BackoffNGram(3, 6, alpha=0.7).fit(seqs)
    for context in ([], [3], [2, 5], [5, 5]):
        total = sum(m.probabilities([context + [w]])[len(context)]
                    for w in range(1, 6))
        total += m.probabilities([context])[len(context)]     # the end
        assert total == pytest.approx(1.0)


def test_ngram_nll_list_of_alphas_and_errors():
    m = BackoffNGram(2, 4, alpha=1.0).fit([[1, 2, 3]])
    assert m.nll([[1, 2]], alphas=[1.0])[0] == pytest.approx(m.nll([[1, 2]]))
    with pytest.raises(ValueError, match="order"):
        BackoffNGram(8, 4)
    with pytest.raises(ValueError, match="alpha"):
        BackoffNGram(2, 4, alpha=0)
    with pytest.raises(RuntimeError, match="fit"):
        BackoffNGram(2, 4).nll([[1]])


def test_charlm_trains_on_token_sequences():
    rng = np.random.default_rng(1)
    # a toy language of 6 tokens: 1 2 3 repeated, then the end
    seqs = [[1, 2, 3] * int(rng.integers(1, 4)) for _ in range(60)]
    history = []
    params = charlm.train(seqs, "lstm", vocab_size=6, n_a=8, batch_size=10,
                          max_epochs=25, dropout=0.0, learning_rate=0.05,
                          progress=False, history=history, patience=5)
    assert params["Wy"].shape == (6, 8) and params["Wf"].shape == (8, 14)
    nll = charlm.evaluate(params, seqs[:10])
    assert nll < 0.35 < history[0]["train_nll"]   # learnt the cycle
    with pytest.raises(ValueError, match="sequence 1 holds index 6"):
        charlm.train([[1], [6]], "lstm", vocab_size=6, progress=False)
    with pytest.raises(ValueError, match="sequence 0 holds index 0"):
        charlm.train([[0, 1], [1]], "lstm", vocab_size=6, progress=False)


def test_names_still_train_as_before():
    params = charlm.train(["abc", "abd", "abe", "xyz"] * 3, "rnn", n_a=4,
                          max_epochs=1, progress=False)
    assert params["Wax"].shape == (4, 27)


def _toy_model():
    vocab = Vocabulary([["M:2/4", "0:1", "|", "7:1"]])
    rng = np.random.default_rng(0)
    p = initialize_lstm_parameters(len(vocab), 5, len(vocab), rng, scale=0.5)
    return vocab, p


def test_improvise_shapes_prime_and_reproducibility():
    vocab, p = _toy_model()
    tunes = improvise(p, vocab, 4, rng=3, max_events=12)
    assert len(tunes) == 4 and all(len(t) <= 12 for t in tunes)
    assert tunes == improvise(p, vocab, 4, rng=3, max_events=12)
    primed = improvise(p, vocab, 2, rng=3, prime=["M:2/4", "0:1"],
                       max_events=5)
    assert all(t[:2] == ["M:2/4", "0:1"] for t in primed)
    with pytest.raises(ValueError, match=r"prime\[0\] = '5:1'"):
        improvise(p, vocab, 1, rng=0, prime=["5:1"])
    with pytest.raises(ValueError, match="temperature"):
        improvise(p, vocab, 1, rng=0, temperature=0)


def test_improvise_draws_from_the_cells_prediction():
    """With a model whose prediction is one event for sure, that event."""
    vocab, p = _toy_model()
    p["Wy"][:] = 0
    p["by"][:] = -50
    p["by"][vocab.index["7:1"]] = 50           # always '7:1', never the end
    assert improvise(p, vocab, 2, rng=0, max_events=3) == [["7:1"] * 3] * 2
    probs = next_event_probabilities(p, vocab, ["M:2/4"])
    assert probs.shape == (len(vocab),) and probs.argmax() == vocab.index["7:1"]


def test_temperature_matches_scaled_logits():
    vocab, p = _toy_model()
    from rnnlib.music.generate import apply_temperature
    y = np.array([[0.7], [0.2], [0.1]])
    z = np.log(y)
    want = np.exp(z / 0.5) / np.exp(z / 0.5).sum()
    assert np.allclose(apply_temperature(y, 0.5), want)
    assert np.allclose(apply_temperature(y, 1e-3)[:, 0], [1, 0, 0])


def test_train_script_quick(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "train_music", ROOT / "scripts" / "train_music.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "w.npz"
    params, history = module.main(["--quick", str(out)])
    loaded = charlm.load(out)
    assert loaded["Wy"].shape == (280, 8) and loaded["Wy"].dtype == np.float32
    assert len(history) == 1 and math.isfinite(history[0]["valid_nll"])
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["settings"]["n_a"] == 8 and len(record["history"]) == 1


def test_shipped_weights_match_the_vocabulary():
    path = ROOT / "rnnlib" / "data" / "music_lstm.npz"
    if not path.exists():
        pytest.skip("weights not trained yet")
    params = charlm.load(path)
    assert params["Wy"].shape[0] == 280
