"""Tunes as sound: a small additive synthesiser and a WAV writer (numpy only).

Each note is a sum of harmonics of its fundamental frequency

    f = 440 Hz * 2 ** ((midi - 69) / 12),   midi = 60 + pitch

(A4 = MIDI 69 = 440 Hz, equal temperament), with amplitudes 1, 1/2, 1/4,
1/8 (a bright, reedy tone) under an envelope: a 10 ms linear attack, an
exponential decay, a 20 ms linear release at the end of the note. Rests are
silence. The whole clip is scaled so that its peak is ``peak``.

Tempo: a bar lasts ``bar_seconds`` whatever the meter (so a reel written in
2/4 with sixteenth notes and one written in 2/2 with eighth notes sound at
the same speed); a tune without a meter is timed as 2/4.
"""

import fractions
import wave

import numpy as np

from .events import TONIC_MIDI, bar_length, meter_of, timeline

__all__ = ["HARMONICS", "midi_frequency", "quarter_seconds", "synthesize",
           "write_wav"]

HARMONICS = (1.0, 0.5, 0.25, 0.125)     # amplitude of harmonic k = 1, 2, ...


def midi_frequency(midi):
    """Frequency in Hz of MIDI note ``midi`` (69 -> 440.0)."""
    return 440.0 * 2.0 ** ((np.asarray(midi, dtype=float) - 69) / 12)


def quarter_seconds(tune, bar_seconds=1.2):
    """Seconds per quarter note: ``bar_seconds`` / quarter notes per bar."""
    meter = meter_of(tune) or "M:2/4"
    return float(bar_seconds / bar_length(meter))


def _check_positive(name, value):
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")


def synthesize(tune, sample_rate=22050, bar_seconds=1.2, peak=0.8):
    """Render ``tune`` (a list of events) to mono audio.

    Arguments:
    tune -- list of events (see ``rnnlib.music.events``), at least one note
            or rest
    sample_rate -- samples per second (int > 0)
    bar_seconds -- seconds per bar (> 0)
    peak -- largest absolute sample of the result, in (0, 1]

    Returns a float64 array of shape (n_samples,), values in [-1, 1], where
    n_samples = round(total duration in seconds * sample_rate).
    """
    if isinstance(sample_rate, bool) or int(sample_rate) != sample_rate \
            or sample_rate <= 0:
        raise ValueError(f"sample_rate must be an int > 0; got {sample_rate!r}")
    _check_positive("bar_seconds", bar_seconds)
    if not (0 < peak <= 1):
        raise ValueError(f"peak must be in (0, 1]; got {peak!r}")
    notes = timeline(tune)
    q = quarter_seconds(tune, bar_seconds)
    end = notes[-1][0] + notes[-1][1]
    audio = np.zeros(int(round(float(end) * q * sample_rate)))
    attack, release = int(0.010 * sample_rate), int(0.020 * sample_rate)
    for onset, duration, pitch in notes:
        if pitch is None:
            continue
        start = int(round(float(onset) * q * sample_rate))
        stop = int(round(float(onset + duration) * q * sample_rate))
        n = stop - start
        t = np.arange(n) / sample_rate                      # (n,) seconds
        f0 = midi_frequency(TONIC_MIDI + pitch)
        tone = sum(a * np.sin(2 * np.pi * (k + 1) * f0 * t)
                   for k, a in enumerate(HARMONICS)
                   if (k + 1) * f0 < sample_rate / 2)       # below Nyquist
        envelope = np.exp(-3.0 * t)                         # decay
        envelope[:attack] *= np.linspace(0, 1, attack, endpoint=False)[:n]
        tail = min(release, n)
        envelope[n - tail:] *= np.linspace(1, 0, tail)
        audio[start:stop] += tone * envelope
    largest = np.max(np.abs(audio)) if audio.size else 0.0
    if largest > 0:
        audio *= peak / largest
    return audio


def write_wav(path, audio, sample_rate=22050):
    """Write mono ``audio`` (shape (n,), values in [-1, 1]) as 16-bit PCM WAV.

    Raises ValueError for non-finite samples or samples outside [-1, 1].
    """
    audio = np.asarray(audio, dtype=float)
    if audio.ndim != 1:
        raise ValueError(f"audio must have shape (n_samples,); got {audio.shape}")
    if not np.all(np.isfinite(audio)):
        bad = int(np.flatnonzero(~np.isfinite(audio))[0])
        raise ValueError(f"audio must be finite; audio[{bad}] = {audio[bad]}")
    if audio.size and np.max(np.abs(audio)) > 1:
        raise ValueError("audio must lie in [-1, 1]; its peak is "
                         f"{np.max(np.abs(audio)):.4g}")
    if isinstance(sample_rate, bool) or int(sample_rate) != sample_rate \
            or sample_rate <= 0:
        raise ValueError(f"sample_rate must be an int > 0; got {sample_rate!r}")
    pcm = np.round(audio * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(sample_rate))
        out.writeframes(pcm.tobytes())


def _duration_seconds(tune, bar_seconds=1.2):
    notes = timeline(tune)
    end = notes[-1][0] + notes[-1][1]
    return float(fractions.Fraction(end)) * quarter_seconds(tune, bar_seconds)
