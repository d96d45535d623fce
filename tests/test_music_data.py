"""The shipped tunes: re-derived from the music21 corpus, and their shape."""

import importlib.util
import pathlib

import pytest

from rnnlib.music import Vocabulary, load_tune_table, load_tunes, split_tunes
from rnnlib.music.stats import bar_regularity

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _compiler():
    spec = importlib.util.spec_from_file_location(
        "compile_tunes", ROOT / "scripts" / "compile_tunes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_sample_of_tunes_rederived_from_the_corpus():
    compiler = _compiler()
    files = {p.name: p for p in compiler.tune_files()}
    assert len(files) == 1059
    table = load_tune_table()
    shipped = {row["file"]: row for row in table}
    # five kept tunes spread over the file, and one the compiler drops
    for row in table[::len(table) // 4][:5]:
        record, reason, _ = compiler.compile_tune(files[row["file"]])
        assert reason == ""
        assert compiler.format_record(record).split("\t") == [
            row["file"], row["title"], row["meter"], row["key"],
            " ".join(row["events"])]
    dropped = sorted(set(files) - set(shipped))[0]
    record, reason, _ = compiler.compile_tune(files[dropped])
    assert record is None and reason


def test_shipped_tunes_shape():
    tunes = load_tunes()
    assert len(tunes) == 981
    assert sum(len(t) for t in tunes) == 129414
    assert all(t[0].startswith("M:") for t in tunes)
    assert all(t[-1] != "|" for t in tunes)
    assert len(Vocabulary(tunes)) == 280
    assert bar_regularity(tunes) == pytest.approx(0.9066, abs=1e-4)


def test_split_is_fixed_and_disjoint():
    tunes = [[f"{i}:1"] for i in range(50)]
    kept, held = split_tunes(tunes, 0.1, seed=0)
    assert len(held) == 5 and len(kept) == 45
    assert split_tunes(tunes, 0.1, seed=0) == (kept, held)
    assert not {t[0] for t in kept} & {t[0] for t in held}
    with pytest.raises(ValueError, match="fraction"):
        split_tunes(tunes, 1.0)
