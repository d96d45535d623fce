"""Numbers to judge tunes by, as a musician would listen for them.

Each function takes a list of tunes (lists of events) so that samples and
held-out tunes are measured the same way:

``pitch_distribution``     share of notes on each of the 12 degrees of the
                           chromatic scale above the tonic (0 = the tonic)
``interval_distribution``  share of each step between consecutive notes, in
                           semitones, clipped to -12..12 (rests and bar
                           lines skipped)
``duration_distribution``  share of each note or rest duration
``ends_on_tonic``          share of tunes whose last note is a tonic (any
                           octave)
``bar_regularity``         share of inner bars (not the first or last of a
                           tune) that last exactly one bar of the tune's
                           meter
``longest_copy``           length of the longest run of consecutive events
                           that also occurs in one of the training tunes
``total_variation``        half the L1 distance between two distributions:
                           0 for equal ones, 1 for disjoint ones
"""

import collections

import numpy as np

from .events import bar_length, meter_of, parse_event

__all__ = ["pitch_distribution", "interval_distribution",
           "duration_distribution", "ends_on_tonic", "bar_regularity",
           "longest_copy", "total_variation"]


def _notes(tune):
    return [parse_event(e) for e in tune]


def _shares(counter, keys):
    total = sum(counter.values())
    return {k: (counter[k] / total if total else 0.0) for k in keys}


def pitch_distribution(tunes):
    """dict degree (0..11) -> share of notes (tonic C = 0, G = 7, ...)."""
    c = collections.Counter(p % 12 for t in tunes for k, p, _ in _notes(t)
                            if k == "note")
    return _shares(c, range(12))


def interval_distribution(tunes):
    """dict step (-12..12 semitones) -> share of steps between notes."""
    c = collections.Counter()
    for tune in tunes:
        pitches = [p for k, p, _ in _notes(tune) if k == "note"]
        c.update(int(np.clip(b - a, -12, 12))
                 for a, b in zip(pitches, pitches[1:]))
    return _shares(c, range(-12, 13))


def duration_distribution(tunes, durations=None):
    """dict duration (Fraction, quarter notes) -> share of notes and rests.

    ``durations`` fixes the keys (default: those that occur).
    """
    c = collections.Counter(d for t in tunes for k, _, d in _notes(t)
                            if k in ("note", "rest"))
    return _shares(c, sorted(c) if durations is None else durations)


def ends_on_tonic(tunes):
    """Share of tunes whose last note is a tonic (pitch % 12 == 0)."""
    ends = []
    for tune in tunes:
        pitches = [p for k, p, _ in _notes(tune) if k == "note"]
        if pitches:
            ends.append(pitches[-1] % 12 == 0)
    return float(np.mean(ends)) if ends else 0.0


def bar_lengths(tune):
    """Lengths (quarter notes) of the bars of ``tune``, in order."""
    lengths, current = [], 0
    for kind, _, duration in _notes(tune):
        if kind == "bar":
            lengths.append(current)
            current = 0
        elif kind in ("note", "rest"):
            current += duration
    lengths.append(current)
    return lengths


def bar_regularity(tunes):
    """Share of inner bars that last one bar of the tune's meter.

    Tunes without a meter, or with fewer than 3 bars, add nothing.
    """
    full, total = 0, 0
    for tune in tunes:
        meter = meter_of(tune)
        inner = bar_lengths(tune)[1:-1]
        if meter is None or not inner:
            continue
        length = bar_length(meter)
        full += sum(b == length for b in inner)
        total += len(inner)
    return full / total if total else 0.0


class CopyFinder:
    """Longest run of a tune's events that occurs in a training tune.

    Every run of n events is reduced to one 64-bit number (a polynomial
    hash, computed for all positions at once from prefix sums that wrap
    around modulo 2**64); runs of the training tunes that cross from one
    tune into the next are left out. A binary search on n then finds the
    longest run of a tune whose number is among the training runs' numbers.
    Two different runs share a number with probability about 2**-64 per
    pair: negligible here.
    """

    _BASE = np.uint64(1_000_003)

    def __init__(self, training_tunes):
        self._ids = {}
        tunes = [self._encode(t) for t in training_tunes]
        self._flat = np.concatenate(tunes) if tunes else np.zeros(0, np.uint64)
        self._tune_of = np.repeat(np.arange(len(tunes)),
                                  [len(t) for t in tunes])
        self._known = {}

    def _encode(self, tune, add=True):
        out = []
        for e in tune:
            if e not in self._ids:
                if not add:
                    out.append(0)                   # never in training
                    continue
                self._ids[e] = len(self._ids) + 1
            out.append(self._ids[e])
        return np.array(out, dtype=np.uint64)

    def _hashes(self, ids, n):
        """Hash of every run of n consecutive entries of ``ids``."""
        with np.errstate(over="ignore"):
            powers = np.cumprod(np.full(len(ids), self._BASE, np.uint64))
            prefix = np.concatenate([[np.uint64(0)],
                                     np.cumsum(ids * powers[::-1])])
            # run i..i+n-1: sum ids[k] B^(L - k), times B^i below
            runs = (prefix[n:] - prefix[:-n]) * np.concatenate(
                [[np.uint64(1)], powers])[:len(ids) - n + 1]
            # now sum ids[k] B^(L - (k - i)); times B^-L (B is odd, so it
            # has an inverse modulo 2**64): the same number in any array
            inverse = pow(int(self._BASE), -1, 2 ** 64)
            return runs * np.uint64(pow(inverse, len(ids), 2 ** 64))

    def _training(self, n):
        if n not in self._known:
            runs = self._hashes(self._flat, n)
            first = np.arange(len(runs))
            inside = self._tune_of[first] == self._tune_of[first + n - 1]
            self._known[n] = np.unique(runs[inside])
        return self._known[n]

    def longest(self, tune):
        """Length of the longest run of consecutive events of ``tune``
        that also occurs in a training tune (0 if no event does)."""
        ids = self._encode(tune, add=False)
        lo, hi = 0, len(ids)                  # a run of lo events occurs
        while lo < hi:                        # binary search on the length
            n = (lo + hi + 1) // 2
            runs = self._hashes(ids, n)
            runs = runs[_no_unknown(ids, n)]
            known = self._training(n)
            at = np.minimum(np.searchsorted(known, runs), len(known) - 1)
            if len(known) and np.any(known[at] == runs):
                lo = n
            else:
                hi = n - 1
        return lo


def _no_unknown(ids, n):
    """Mask of the runs of n entries of ``ids`` that hold no 0 (unknown)."""
    zeros = np.concatenate([[0], np.cumsum(ids == 0)])
    return (zeros[n:] - zeros[:-n]) == 0


def longest_copy(tunes, training_tunes):
    """For each tune, the longest run it shares with a training tune."""
    finder = CopyFinder(training_tunes)
    return [finder.longest(t) for t in tunes]


def total_variation(p, q):
    """0.5 * sum |p[k] - q[k]| over the keys of both dicts."""
    keys = set(p) | set(q)
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys)
