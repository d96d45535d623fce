"""Events as numbers: the vocabulary of the music chapter.

Index 0 is the end-of-tune token ``END``; the other indices are the events
that occur in the tunes, sorted (meters first, then the bar line, rests and
notes by pitch and duration). ``encode`` and ``decode`` convert a tune
(a list of events) to indices and back.
"""

import fractions

from .events import parse_event

__all__ = ["END", "Vocabulary"]

END = "<end>"


def _sort_key(event):
    kind, pitch, duration = parse_event(event)
    order = {"meter": 0, "bar": 1, "rest": 2, "note": 3}[kind]
    return (order, -999 if pitch is None else pitch,
            duration or fractions.Fraction(0), event)


class Vocabulary:
    """The events of ``tunes`` (a list of lists of events), plus END.

    Attributes:
    events -- list of str; events[i] is the event of index i, events[0] END
    index -- dict event -> index
    """

    def __init__(self, tunes):
        seen = set()
        for t, tune in enumerate(tunes):
            for i, event in enumerate(tune):
                if event not in seen:
                    parse_event(event, f"tunes[{t}][{i}]")
                    seen.add(event)
        if not seen:
            raise ValueError("tunes hold no events: cannot build a vocabulary")
        self.events = [END] + sorted(seen, key=_sort_key)
        self.index = {e: i for i, e in enumerate(self.events)}

    def __len__(self):
        return len(self.events)

    def __repr__(self):
        return f"Vocabulary({len(self)} tokens: END + {len(self) - 1} events)"

    def encode(self, tune, name="tune"):
        """Indices of the events of ``tune`` (no END added).

        Raises ValueError naming the first event (and its position) that is
        not in the vocabulary.
        """
        if isinstance(tune, str):
            raise TypeError(f"{name} must be a list of events, not a str")
        out = []
        for i, event in enumerate(tune):
            if event not in self.index:
                raise ValueError(f"{name}[{i}] = {event!r} is not in the "
                                 f"vocabulary ({len(self)} tokens)")
            out.append(self.index[event])
        return out

    def decode(self, indices, name="indices"):
        """Events of a list of indices; stops at the first END (index 0)."""
        out = []
        for i, ix in enumerate(indices):
            ix = int(ix)
            if not 0 <= ix < len(self):
                raise ValueError(f"{name}[{i}] = {ix} is outside 0..{len(self) - 1}")
            if ix == 0:
                break
            out.append(self.events[ix])
        return out
