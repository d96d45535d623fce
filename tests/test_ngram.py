"""Tests for rnnlib.charlm.ngram: smoothed count models and their held-out NLL."""

import math

import numpy as np
import pytest

from rnnlib.charlm.ngram import NGramModel, choose_alpha
from rnnlib.charlm.vocab import split_names

NAMES = ["ab", "abc", "ba", "cab"]


def test_unigram_nll_by_hand():
    # 10 letters (a x4, b x4, c x2) and 4 end tokens: 14 predictions
    model = NGramModel(1, alpha=1.0).fit(NAMES)
    counts = model.counts
    assert counts.sum() == 14 and counts[0] == 4 and counts[1] == 4
    p_a = (4 + 1) / (14 + 27)
    assert model.nll(["a"]) == pytest.approx(-(math.log(p_a) + math.log(5 / 41)) / 2)


def test_bigram_counts_start_context_is_end_token():
    model = NGramModel(2, alpha=0.5).fit(NAMES)
    assert model.counts[0, 1] == 2          # 'a' starts two names
    assert model.counts[2, 0] == 2          # 'b' ends two names (ab, cab)
    p = model.next_char_probabilities("")
    assert p[1] == pytest.approx((2 + 0.5) / (4 + 27 * 0.5))


def test_probabilities_sum_to_one_and_nothing_is_impossible():
    for order in (1, 2, 3):
        probs = NGramModel(order, alpha=0.01).fit(NAMES).probabilities()
        assert np.allclose(probs.sum(axis=-1), 1)
        assert (probs > 0).all()
        assert np.isfinite(NGramModel(order, 0.01).fit(NAMES).nll(["zzz"]))


def test_trigram_uses_two_characters_of_context():
    model = NGramModel(3, alpha=1e-6).fit(["abc", "xbd"])
    assert model.next_char_probabilities("ab")[3] == pytest.approx(1, abs=1e-4)
    assert model.next_char_probabilities("xb")[4] == pytest.approx(1, abs=1e-4)


def _validation_nll(order, names, alpha):
    kept, valid = split_names(names, 0.1, 0)        # choose_alpha's own split
    return NGramModel(order, alpha).fit(kept).nll(valid)


@pytest.mark.parametrize("names", [
    ["ab"] * 19 + ["ab"],                           # validation like training: small alpha
    ["ab"] * 19 + ["zq"],                           # validation unseen: large alpha
])
def test_choose_alpha_picks_the_lowest_validation_nll(names):
    alphas = (0.001, 0.1, 10.0)
    scores = [_validation_nll(2, names, alpha) for alpha in alphas]
    assert len(set(scores)) == 3                    # the choice matters
    assert choose_alpha(2, names, alphas=alphas) == alphas[scores.index(min(scores))]


def test_choose_alpha_prefers_little_smoothing_for_seen_and_much_for_unseen_data():
    alphas = (0.001, 0.1, 10.0)
    assert choose_alpha(2, ["ab"] * 20, alphas=alphas) == 0.001
    names = ["ab"] * 19 + ["zq"]
    assert "zq" in split_names(names, 0.1, 0)[1]    # the unseen name is held out
    assert choose_alpha(2, names, alphas=alphas) > 0.001


def test_ngram_rejects_bad_settings():
    with pytest.raises(ValueError, match="alpha"):
        NGramModel(2, alpha=0)
    with pytest.raises(ValueError, match="order"):
        NGramModel(0)
