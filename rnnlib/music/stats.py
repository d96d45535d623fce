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
    """Longest run of a tune's events that occurs in a training tune."""

    def __init__(self, training_tunes):
        self.tunes = [tuple(t) for t in training_tunes]
        self._grams = {}

    def _has(self, run):
        n = len(run)
        if n not in self._grams:
            self._grams[n] = {t[i:i + n] for t in self.tunes
                              for i in range(len(t) - n + 1)}
        return run in self._grams[n]

    def longest(self, tune):
        """Length of the longest run of consecutive events of ``tune``
        that also occurs in a training tune (0 if no event does)."""
        tune = tuple(tune)
        lo, hi = 0, len(tune)                 # a run of lo events occurs
        while lo < hi:                        # binary search on the length
            n = (lo + hi + 1) // 2
            if any(self._has(tune[i:i + n]) for i in range(len(tune) - n + 1)):
                lo = n
            else:
                hi = n - 1
        return lo


def longest_copy(tunes, training_tunes):
    """For each tune, the longest run it shares with a training tune."""
    finder = CopyFinder(training_tunes)
    return [finder.longest(t) for t in tunes]


def total_variation(p, q):
    """0.5 * sum |p[k] - q[k]| over the keys of both dicts."""
    keys = set(p) | set(q)
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys)
