"""Tunes as Standard MIDI Files, written byte by byte (numpy-free).

A format-0 file with one track: a tempo event (from ``bar_seconds``, as in
``synthesize``), a time signature from the tune's meter, the General MIDI
program 111 "Fiddle" (110 counted from 0), then for each note a note-on and
a note-off of MIDI key 60 + pitch. Times are in ticks, ``TICKS_PER_QUARTER``
to a quarter note, each written as a variable-length quantity (7 bits a
byte, the high bit set on every byte but the last).

``read_midi`` reads such a file back (used by the tests and the book).
"""

import struct

from .events import TONIC_MIDI, meter_of, timeline
from .sound import quarter_seconds

__all__ = ["TICKS_PER_QUARTER", "midi_bytes", "write_midi", "read_midi"]

TICKS_PER_QUARTER = 480        # a multiple of 12: every duration is whole
FIDDLE = 110                   # General MIDI program 111, counted from 0


def _vlq(n):
    """Variable-length quantity: 0 -> b'\\x00', 128 -> b'\\x81\\x00'."""
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def midi_bytes(tune, bar_seconds=1.2, velocity=80):
    """The bytes of a MIDI file of ``tune`` (see the module docstring)."""
    notes = timeline(tune)
    usec = int(round(quarter_seconds(tune, bar_seconds) * 1e6))
    meter = (meter_of(tune) or "M:2/4")[2:]
    top, bottom = (int(v) for v in meter.split("/"))
    events = [(0, b"\xff\x51\x03" + usec.to_bytes(3, "big")),
              (0, bytes([0xFF, 0x58, 4, top, bottom.bit_length() - 1, 24, 8])),
              (0, bytes([0xC0, FIDDLE]))]
    for onset, duration, pitch in notes:
        if pitch is None:
            continue
        key = TONIC_MIDI + pitch
        if not 0 <= key <= 127:
            raise ValueError(f"pitch {pitch} is outside MIDI's range "
                             f"({-TONIC_MIDI}..{127 - TONIC_MIDI})")
        start = int(onset * TICKS_PER_QUARTER)
        stop = int((onset + duration) * TICKS_PER_QUARTER)
        events.append((start, bytes([0x90, key, velocity])))
        events.append((stop, bytes([0x80, key, 0])))
    events.sort(key=lambda e: (e[0], e[1][0] != 0x80))   # offs before ons
    track, now = bytearray(), 0
    for tick, data in events:
        track += _vlq(tick - now) + data
        now = tick
    track += _vlq(0) + b"\xff\x2f\x00"                     # end of track
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, TICKS_PER_QUARTER)
    return header + b"MTrk" + struct.pack(">I", len(track)) + bytes(track)


def write_midi(tune, path, bar_seconds=1.2):
    """Write ``tune`` (a list of events) to ``path`` as a MIDI file."""
    data = midi_bytes(tune, bar_seconds)
    with open(path, "wb") as out:
        out.write(data)


def read_midi(path_or_bytes):
    """Notes of a format-0 MIDI file as written by ``write_midi``.

    Returns a dict: ticks_per_quarter, usec_per_quarter, program and notes,
    a list of (start_tick, duration_ticks, midi_key, velocity).
    """
    data = path_or_bytes
    if not isinstance(data, (bytes, bytearray)):
        with open(data, "rb") as f:
            data = f.read()
    if data[:4] != b"MThd":
        raise ValueError("not a MIDI file: it does not start with 'MThd'")
    _, fmt, ntracks, division = struct.unpack(">IHHH", data[4:14])
    if data[14:18] != b"MTrk":
        raise ValueError("no track chunk after the header")
    (length,) = struct.unpack(">I", data[18:22])
    track = data[22:22 + length]
    out = {"format": fmt, "tracks": ntracks, "ticks_per_quarter": division,
           "usec_per_quarter": None, "program": None, "notes": []}
    pos, now, on = 0, 0, {}
    while pos < len(track):
        delta = 0
        while True:
            byte = track[pos]
            pos += 1
            delta = (delta << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        now += delta
        status = track[pos]
        if status == 0xFF:
            kind, size = track[pos + 1], track[pos + 2]
            body = track[pos + 3:pos + 3 + size]
            if kind == 0x51:
                out["usec_per_quarter"] = int.from_bytes(body, "big")
            pos += 3 + size
        elif status & 0xF0 == 0xC0:
            out["program"] = track[pos + 1]
            pos += 2
        elif status & 0xF0 in (0x80, 0x90):
            key, vel = track[pos + 1], track[pos + 2]
            if status & 0xF0 == 0x90 and vel > 0:
                on[key] = (now, vel)
            else:
                start, v = on.pop(key)
                out["notes"].append((start, now - start, key, v))
            pos += 3
        else:
            raise ValueError(f"unexpected MIDI status byte {status:#x}")
    out["notes"].sort()
    return out
