"""The tunes that ship with rnnlib: Ryan's Mammoth Collection (1883).

``rnnlib/data/ryans_mammoth.tsv`` holds one tune a line, compiled from the
ABC files of the music21 corpus by ``scripts/compile_tunes.py`` (see the
data card ``rnnlib/data/RYANS_MAMMOTH.md``): file, title, meter, key and the
events, separated by spaces.
"""

from importlib import resources

import numpy as np

__all__ = ["load_tune_table", "load_tunes", "split_tunes"]

DATA_FILE = "ryans_mammoth.tsv"


def load_tune_table():
    """Every compiled tune as a dict: file, title, meter, key, events."""
    text = resources.files("rnnlib").joinpath("data", DATA_FILE).read_text(
        encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        row["events"] = row["events"].split(" ")
        rows.append(row)
    return rows


def load_tunes():
    """The tunes, each a list of events (str), in the order of the file.

    Every tune starts with its meter ('M:2/4', ...) and is transposed so
    that its tonic is C; see ``rnnlib.music.events``.
    """
    return [row["events"] for row in load_tune_table()]


def split_tunes(tunes, fraction, seed=0):
    """Split ``tunes`` into (kept, held_out) by a seeded permutation.

    round(fraction * len(tunes)) tunes are held out; both lists keep the
    original order. The same seed always gives the same split.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be in (0, 1); got {fraction!r}")
    tunes = list(tunes)
    n_out = int(round(fraction * len(tunes)))
    order = np.random.default_rng(seed).permutation(len(tunes))
    out = set(order[:n_out].tolist())
    return ([t for i, t in enumerate(tunes) if i not in out],
            [t for i, t in enumerate(tunes) if i in out])
