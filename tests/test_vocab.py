"""Tests for rnnlib.charlm.vocab: the 27-symbol vocabulary and the name loaders."""

import pytest

from rnnlib.charlm import vocab
from rnnlib.charlm.vocab import (VOCAB_SIZE, char_to_ix, decode, encode, ix_to_char,
                          load_dinosaurs, load_names, make_example, split_names)


def test_vocabulary_is_end_token_then_letters():
    assert VOCAB_SIZE == 27
    assert char_to_ix["\n"] == 0 and char_to_ix["a"] == 1 and char_to_ix["z"] == 26
    assert all(ix_to_char[char_to_ix[ch]] == ch for ch in vocab.VOCAB)


def test_encode_decode_round_trip():
    assert encode("rex") == [18, 5, 24]
    assert decode([18, 5, 24, 0]) == "rex\n"


def test_encode_names_the_bad_character():
    with pytest.raises(ValueError, match=r"'R' \(U\+0052\) at position 0"):
        encode("Rex")


def test_decode_rejects_index_outside_vocabulary():
    with pytest.raises(ValueError, match="index 27 at position 1"):
        decode([1, 27])


def test_make_example_shifts_by_one_and_ends_with_newline():
    X, Y = make_example("rex")
    assert X == [None, 18, 5, 24]
    assert Y == [18, 5, 24, 0]


def test_load_names_lower_cases_and_skips_blank_lines(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Tyrannosaurus\n\n  Rex \r\nAPATOSAURUS\n", encoding="utf-8")
    assert load_names(path) == ["tyrannosaurus", "rex", "apatosaurus"]


def test_load_names_skips_a_byte_order_mark(tmp_path):
    path = tmp_path / "names.txt"
    path.write_bytes("\ufeffMinmi\r\nRex\r\n".encode("utf-8"))
    assert load_names(path) == ["minmi", "rex"]


def test_load_names_error_names_line_and_character(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Allosaurus\nTyrannosaurus rex\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: character ' ' \(U\+0020\) in "
                                         r"'tyrannosaurus rex'.*drop_unknown=True"):
        load_names(path)


def test_load_names_error_for_accented_letter(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Allosaurus\nBarosaurus\nDelapparentia\nNgexisaurus\nÉoraptor\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 5: character 'é' \(U\+00E9\)"):
        load_names(path)


def test_load_names_drops_unknown_characters_only_when_asked(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Tyrannosaurus rex\nÉoraptor\n---\n", encoding="utf-8")
    assert load_names(path, drop_unknown=True) == ["tyrannosaurusrex", "oraptor"]


def test_load_dinosaurs_ships_enough_clean_distinct_names():
    names = load_dinosaurs()
    assert len(names) >= 1000
    assert len(set(names)) == len(names)
    letters = set("abcdefghijklmnopqrstuvwxyz")
    assert all(name and set(name) <= letters for name in names)
    assert "tyrannosaurus" in names


def test_split_names_is_fixed_by_seed_and_disjoint():
    names = [f"name{chr(97 + i % 26)}{i}" for i in range(50)]
    kept, held_out = split_names(names, 0.1, seed=0)
    assert len(held_out) == 5 and len(kept) == 45
    assert set(kept).isdisjoint(held_out) and set(kept) | set(held_out) == set(names)
    assert split_names(names, 0.1, seed=0) == (kept, held_out)
    assert split_names(names, 0.1, seed=1) != (kept, held_out)
    with pytest.raises(ValueError, match="fraction"):
        split_names(names, 1.5)
