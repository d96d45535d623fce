"""Events: one note, rest, bar line or meter, written as a short string.

A tune is a list of events, every tune transposed so that its tonic is C:

    "M:6/8"    the meter (first event of every tune of the collection)
    "7:1/2"    a note 7 semitones above the tonic C4 (that is G4), lasting
               half a quarter note; pitches may be negative (below C4)
    "r:1/4"    a rest of a quarter of a quarter note
    "|"        a bar line

Durations are exact fractions of a quarter note. ``parse_event`` turns an
event into (kind, pitch, duration); ``timeline`` lays a tune out in time.
"""

import fractions

__all__ = ["BAR", "parse_event", "note_event", "meter_of", "bar_length",
           "timeline", "check_tune"]

BAR = "|"
TONIC_MIDI = 60          # MIDI number of pitch 0 (C4, the common tonic)


def parse_event(event, name="event"):
    """(kind, pitch, duration) of one event.

    kind -- "note", "rest", "bar" or "meter"
    pitch -- int semitones above the tonic C4 (notes), else None
    duration -- fractions.Fraction in quarter notes (notes, rests), the
                bar length in quarter notes (meters), else None

    Raises ValueError naming ``name`` for text that is no event, and for a
    duration that is not > 0.
    """
    if not isinstance(event, str):
        raise TypeError(f"{name} must be a str such as '7:1/2'; "
                        f"got {type(event).__name__} {event!r}")
    if event == BAR:
        return "bar", None, None
    if event.startswith("M:"):
        try:
            top, bottom = (int(v) for v in event[2:].split("/"))
        except ValueError:
            top = bottom = 0
        if top <= 0 or bottom <= 0:
            raise ValueError(f"{name} {event!r} is not a meter such as 'M:6/8'")
        return "meter", None, fractions.Fraction(4 * top, bottom)
    head, sep, tail = event.partition(":")
    try:
        duration = fractions.Fraction(tail)
        pitch = None if head == "r" else int(head)
    except (ValueError, ZeroDivisionError):
        sep = ""
    if not sep:
        raise ValueError(f"{name} {event!r} is not an event: expected a note "
                         "'PITCH:DURATION' such as '7:1/2', a rest 'r:1/4', "
                         "a bar line '|' or a meter 'M:6/8'")
    if duration <= 0:
        raise ValueError(f"{name} {event!r} has duration {duration}; a note "
                         "or rest must last > 0 quarter notes")
    return ("rest" if pitch is None else "note"), pitch, duration


def note_event(pitch, duration):
    """The event of a note (``pitch`` an int) or a rest (``pitch`` None)."""
    duration = fractions.Fraction(duration).limit_denominator(96)
    event = f"{'r' if pitch is None else int(pitch)}:{duration}"
    parse_event(event, "note_event(...)")
    return event


def check_tune(tune, name="tune"):
    """Parse every event of ``tune``; returns the list of parsed triples.

    Raises ValueError naming the first bad event and its position, or when
    the tune has no note or rest at all.
    """
    if isinstance(tune, str) or not hasattr(tune, "__iter__"):
        raise TypeError(f"{name} must be a list of events such as "
                        f"['M:2/4', '7:1/2', '|']; got {type(tune).__name__}")
    parsed = [parse_event(e, f"{name}[{i}]") for i, e in enumerate(tune)]
    if not any(kind in ("note", "rest") for kind, _, _ in parsed):
        raise ValueError(f"{name} must hold at least one note or rest; "
                         f"got {list(tune)!r}")
    return parsed


def meter_of(tune):
    """The first meter event of ``tune`` (e.g. 'M:6/8'), or None."""
    return next((e for e in tune if isinstance(e, str) and e.startswith("M:")),
                None)


def bar_length(meter):
    """Quarter notes in one bar of ``meter``: 'M:6/8' -> Fraction(3)."""
    return parse_event(meter, "meter")[2]


def timeline(tune, name="tune"):
    """Notes and rests of ``tune`` laid out in time, in quarter notes.

    Returns a list of (onset, duration, pitch) with Fraction onsets and
    durations; pitch is None for a rest. Bar lines and meters take no time.
    """
    onset, out = fractions.Fraction(0), []
    for kind, pitch, duration in check_tune(tune, name):
        if kind in ("note", "rest"):
            out.append((onset, duration, pitch))
            onset += duration
    return out
