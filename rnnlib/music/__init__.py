"""Music for chapter 6: fiddle tunes as events, sound and MIDI files.

- ``rnnlib.music.events``: what an event is ('7:1/2', 'r:1/4', '|',
  'M:6/8'), parsing and timing
- ``rnnlib.music.vocabulary``: events <-> token indices (``Vocabulary``)
- ``rnnlib.music.data``: ``load_tunes()``, the 1883 Ryan's Mammoth
  Collection as compiled from the music21 corpus, and a seeded split
- ``rnnlib.music.sound``: ``synthesize`` (numpy additive synthesiser),
  ``write_wav``
- ``rnnlib.music.midi``: ``write_midi`` (bytes written by hand), ``read_midi``
- ``rnnlib.music.stats``: the numbers the chapter judges samples by
- ``rnnlib.music.plots``: ``piano_roll`` (matplotlib, imported on use)
"""

from .data import load_tune_table, load_tunes, split_tunes
from .events import BAR, bar_length, meter_of, parse_event, timeline
from .midi import read_midi, write_midi
from .sound import synthesize, write_wav
from .vocabulary import END, Vocabulary

__all__ = ["BAR", "END", "Vocabulary", "bar_length", "load_tune_table",
           "load_tunes", "meter_of", "parse_event", "piano_roll", "read_midi",
           "split_tunes", "synthesize", "timeline", "write_midi", "write_wav"]


def __getattr__(name):
    if name == "piano_roll":
        from .plots import piano_roll
        return piano_roll
    raise AttributeError(f"module 'rnnlib.music' has no attribute {name!r}")
