"""Compile the melodies of Ryan's Mammoth Collection into rnnlib/data/.

Reads the ABC files of "Ryan's Mammoth Collection" (Boston, 1883) that ship
in the corpus of music21, keeps the tunes that are one melody in one common
meter, and writes them, one tune a line, to ``rnnlib/data/ryans_mammoth.tsv``
(columns: file, title, meter, key, events). The counts of what was kept and
dropped are printed; the data card ``rnnlib/data/RYANS_MAMMOTH.md`` states
them. Run it once (about 2-3 minutes, music21 parses ~0.1-0.2 s a tune):

    nice -n 10 .venv/bin/python scripts/compile_tunes.py

One event per note or rest, as written (see ``rnnlib.music``):

    "7:1/4"   a note 7 semitones above the tonic's C4-octave position after
              the tune is transposed so that its tonic is C (shift in
              -6..+5 semitones), lasting 1/4 of a quarter note
    "r:1/2"   a rest of half a quarter note
    "|"       a bar line (between two measures as music21 reads them)
    "M:6/8"   the meter, first event of every tune

What is dropped, and counted: chord symbols, fingerings and other text
(never events); grace notes (no duration); the lower notes of a double stop
(the top note is kept); ties (tied notes become one event); repeat signs
(every written bar is played once, first and second endings both kept, as
printed). Tunes are dropped whole when they have several parts or voices,
a meter or key change, a meter used by fewer than ``MIN_METER_TUNES`` tunes,
no key, or a duration that is not a multiple of 1/12 quarter note.
"""

import collections
import fractions
import pathlib
import sys

OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "rnnlib" / "data"
DATA_FILE = OUTPUT / "ryans_mammoth.tsv"
MIN_METER_TUNES = 10
METER_NAMES = {"4/4": "4/4", "2/2": "2/2"}   # music21 calls C and C| so


def tune_files():
    """The collection's ABC files, sorted by name."""
    from music21 import corpus
    return sorted(corpus.getComposer("ryansMammoth"), key=lambda p: p.name)


def _duration_text(quarter_length):
    """'1/4', '1', '3/2': a quarter length as an exact fraction."""
    q = fractions.Fraction(quarter_length).limit_denominator(96)
    return str(q)


def compile_tune(path):
    """One ABC file -> (record or None, reason, counts).

    record -- dict with file, title, meter, key, events (list of str)
    reason -- why the tune was dropped ("" when kept)
    counts -- collections.Counter of what was dropped inside the tune
    """
    from music21 import chord, converter, key, meter, note, stream
    counts = collections.Counter()
    score = converter.parse(path)
    parts = list(score.parts)
    title = (score.metadata.title if score.metadata else "") or ""
    base = {"file": pathlib.Path(path).name, "title": title.strip()}
    if len(parts) != 1:
        return None, "several parts", counts
    part = parts[0]
    measures = list(part.getElementsByClass(stream.Measure))
    if any(m.hasVoices() for m in measures):
        return None, "several voices", counts
    flat = part.flatten()
    meters = {ts.ratioString for ts in flat.getElementsByClass(meter.TimeSignature)}
    if len(meters) != 1:
        return None, "meter change" if meters else "no meter", counts
    keys = flat.getElementsByClass(key.KeySignature)
    tonics = {(k.tonic.name, k.mode) for k in keys if isinstance(k, key.Key)}
    if len(tonics) != 1 or len(keys) != len(
            [k for k in keys if isinstance(k, key.Key)]):
        return None, "key change or no key" if tonics else "no key", counts
    (tonic_name, mode), = tonics
    tonic_pc = keys[0].tonic.pitchClass
    shift = (-tonic_pc) % 12
    if shift > 5:
        shift -= 12                            # move the tonic by -6..+5
    meter_text = meters.pop()
    events = ["M:" + meter_text]
    for number, measure in enumerate(measures):
        if number > 0 and events[-1] != "|":
            events.append("|")
        for element in measure.notesAndRests:
            if element.duration.isGrace or element.quarterLength == 0:
                counts["grace notes"] += 1
                continue
            q = fractions.Fraction(element.quarterLength).limit_denominator(96)
            if (q * 12).denominator != 1:
                return None, "odd duration", counts
            if isinstance(element, note.Rest):
                pitch = "r"
            else:
                if isinstance(element, chord.Chord):
                    counts["double stops (top note kept)"] += 1
                    top = max(element.pitches, key=lambda p: p.midi)
                else:
                    top = element.pitch
                pitch = str(top.midi + shift - 60)
            tie = element.tie.type if element.tie is not None else None
            if (tie in ("stop", "continue") and len(events) > 1
                    and events[-1] != "|" and events[-1].startswith(pitch + ":")):
                counts["tied notes merged"] += 1
                p, d = events[-1].split(":")
                events[-1] = f"{p}:{fractions.Fraction(d) + q}"
                continue
            if (tie in ("stop", "continue") and events[-1] == "|"
                    and len(events) > 2
                    and events[-2].startswith(pitch + ":")):
                # a tie across the bar line: the bar line stays, the note is
                # written once more (a tie is not an event of its own)
                counts["ties across bar lines (note repeated)"] += 1
            events.append(f"{pitch}:{q}")
    while events[-1] == "|":
        events.pop()
    if len(events) < 2:
        return None, "no notes", counts
    record = dict(base, meter=meter_text, key=f"{tonic_name} {mode}",
                  events=events)
    return record, "", counts


def compile_all(files=None, progress=True):
    """Compile every file; returns (records, dropped Counter, counts)."""
    files = tune_files() if files is None else files
    records, dropped, counts = [], collections.Counter(), collections.Counter()
    for i, path in enumerate(files):
        try:
            record, reason, c = compile_tune(path)
        except Exception as error:              # music21 cannot read it
            record, reason, c = None, f"unreadable ({type(error).__name__})", {}
        counts.update(c)
        if record is None:
            dropped[reason] += 1
        else:
            records.append(record)
        if progress and sys.stderr.isatty():
            print(f"\r{i + 1}/{len(files)}", end="", file=sys.stderr)
    meters = collections.Counter(r["meter"] for r in records)
    rare = {m for m, n in meters.items() if n < MIN_METER_TUNES}
    for r in records:
        if r["meter"] in rare:
            dropped["rare meter " + r["meter"]] += 1
    records = [r for r in records if r["meter"] not in rare]
    return records, dropped, counts


def format_record(record):
    """One line of the data file (tab-separated, no tabs inside fields)."""
    fields = [record["file"], record["title"].replace("\t", " "),
              record["meter"], record["key"], " ".join(record["events"])]
    return "\t".join(fields)


def main():
    records, dropped, counts = compile_all()
    header = "file\ttitle\tmeter\tkey\tevents"
    text = "\n".join([header] + [format_record(r) for r in records]) + "\n"
    DATA_FILE.write_text(text, encoding="utf-8")
    n_events = sum(len(r["events"]) for r in records)
    print(f"\nkept {len(records)} tunes, {n_events} events -> {DATA_FILE}")
    print("dropped tunes:", dict(dropped))
    print("inside kept and dropped tunes:", dict(counts))
    print("meters:", dict(collections.Counter(r["meter"] for r in records)))
    print("modes:", dict(collections.Counter(r["key"].split()[1]
                                            for r in records)))


if __name__ == "__main__":
    main()
