"""Characters as numbers: the 27-symbol vocabulary of the dinosaur chapter.

The vocabulary is the end-of-name token ``'\\n'`` (index 0) followed by the
letters ``a``-``z`` (indices 1-26). A name becomes a list of indices with
``encode`` and comes back with ``decode``; ``make_example`` builds the pair
(X, Y) that the classic model trains on:

    X = [None] + indices(name)       None is the zero vector x<1> = 0
    Y = indices(name) + [0]          0 is the index of '\\n' (end of name)

so that at every step the model predicts the next character, and after the
last letter it predicts the end of the name.

Names are read from plain-text files, one per line: ``load_dinosaurs()``
reads the list that ships with rnnlib, ``load_names(path)`` a reader's own.
"""

from importlib import resources

import numpy as np

from ..validation import as_generator, check_number

__all__ = ["VOCAB", "VOCAB_SIZE", "END", "char_to_ix", "ix_to_char",
           "encode", "decode", "make_example", "load_names", "load_dinosaurs",
           "split_names"]

END = "\n"                                        # end-of-name token
VOCAB = END + "abcdefghijklmnopqrstuvwxyz"        # index = position in this string
VOCAB_SIZE = len(VOCAB)                           # 27
char_to_ix = {ch: ix for ix, ch in enumerate(VOCAB)}
ix_to_char = {ix: ch for ix, ch in enumerate(VOCAB)}


def _describe(ch):
    """A character as a reader can see it: repr plus its code point."""
    return f"{ch!r} (U+{ord(ch):04X})"


def encode(name):
    """Indices of the characters of ``name``, e.g. ``"abc" -> [1, 2, 3]``.

    The name is not lower-cased and no end token is added. Raises ValueError
    naming the first character (and its position) outside the vocabulary.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str; got {type(name).__name__}")
    indices = []
    for position, ch in enumerate(name):
        if ch not in char_to_ix:
            raise ValueError(f"character {_describe(ch)} at position {position} of "
                             f"{name!r} is not in the vocabulary ('\\n' and a-z)")
        indices.append(char_to_ix[ch])
    return indices


def decode(indices):
    """The text of a list of indices, e.g. ``[1, 2, 3, 0] -> "abc\\n"``.

    Raises ValueError for an index outside 0..26.
    """
    chars = []
    for position, ix in enumerate(indices):
        if isinstance(ix, (bool, np.bool_)) or not isinstance(ix, (int, np.integer)):
            raise TypeError(f"indices must be ints; got {type(ix).__name__} "
                            f"at position {position}")
        if not 0 <= ix < VOCAB_SIZE:
            raise ValueError(f"index {ix} at position {position} is outside the "
                             f"vocabulary (0..{VOCAB_SIZE - 1})")
        chars.append(ix_to_char[int(ix)])
    return "".join(chars)


def make_example(name):
    """The training pair of one name: ``X = [None] + indices``, ``Y = indices + [0]``.

    ``make_example("rex")`` gives ``([None, 18, 5, 24], [18, 5, 24, 0])``.
    """
    indices = encode(name)
    return [None] + indices, indices + [char_to_ix[END]]


def load_names(path, drop_unknown=False):
    """Read names from a text file, one per line, and lower-case them.

    Arguments:
    path -- a file path (str or path-like), UTF-8 text (with or without BOM)
    drop_unknown -- if False (default), a character outside a-z raises; if
                    True, such characters are removed from the name (and a
                    line with nothing left is skipped)

    Returns the list of names in file order. Blank lines and surrounding
    whitespace are ignored; duplicates are kept.

    Raises ValueError naming the file, the line number, the character and the
    line, e.g. ``names.txt, line 3: character ' ' (U+0020) in 'tyrannosaurus
    rex' is not in the vocabulary``.
    """
    with open(path, encoding="utf-8-sig") as file:   # a BOM is skipped
        lines = file.read().splitlines()
    return _clean(lines, str(path), drop_unknown)


def _clean(lines, source, drop_unknown):
    """Lower-case, strip and check each line; see ``load_names``."""
    names = []
    for number, line in enumerate(lines, start=1):
        name = line.strip().lower()
        if not name:
            continue
        unknown = [ch for ch in name if ch not in char_to_ix or ch == END]
        if unknown and not drop_unknown:
            raise ValueError(
                f"{source}, line {number}: character {_describe(unknown[0])} in "
                f"{name!r} is not in the vocabulary (a-z); fix the line or pass "
                "drop_unknown=True to drop such characters")
        if unknown:
            name = "".join(ch for ch in name if ch not in unknown)
            if not name:
                continue
        names.append(name)
    return names


def load_dinosaurs():
    """The dinosaur genus names that ship with rnnlib, lower-cased, in file order.

    The list and how it was compiled are described in rnnlib/data/DATACARD.md.
    """
    path = resources.files("rnnlib").joinpath("data", "dinosaurs.txt")
    text = path.read_text("utf-8")
    return _clean(text.splitlines(), "rnnlib/data/dinosaurs.txt", drop_unknown=False)


def split_names(names, fraction=0.1, seed=0):
    """Split names at random into (kept, held_out), ``fraction`` of them held out.

    The split depends only on the list, ``fraction`` and ``seed``: the names
    are shuffled with ``np.random.default_rng(seed)`` (or the Generator
    ``seed``) and the first
    ``round(fraction * len(names))`` of the shuffled list are held out (at
    least one and never all, for two or more names). Both parts keep the
    order of ``names``.
    """
    check_number("fraction", fraction, 0, 1, low_open=True, high_open=True)
    if len(names) < 2:
        raise ValueError(f"need at least 2 names to split; got {len(names)}")
    n_held_out = min(max(1, round(fraction * len(names))), len(names) - 1)
    order = as_generator(seed, "seed").permutation(len(names))
    held_out = set(order[:n_held_out].tolist())
    kept = [name for i, name in enumerate(names) if i not in held_out]
    return kept, [name for i, name in enumerate(names) if i in held_out]
