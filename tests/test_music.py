"""rnnlib.music: events, vocabulary, synthesiser, WAV and MIDI files."""

import fractions
import wave

import numpy as np
import pytest

from rnnlib.music import (Vocabulary, bar_length, parse_event, read_midi,
                          synthesize, timeline, write_midi, write_wav)
from rnnlib.music.midi import _vlq, midi_bytes
from rnnlib.music.sound import midi_frequency, quarter_seconds
from rnnlib.music import stats

F = fractions.Fraction


def test_parse_event_kinds():
    assert parse_event("7:1/2") == ("note", 7, F(1, 2))
    assert parse_event("-5:3/2") == ("note", -5, F(3, 2))
    assert parse_event("r:1/4") == ("rest", None, F(1, 4))
    assert parse_event("|") == ("bar", None, None)
    assert parse_event("M:6/8") == ("meter", None, F(3))
    assert bar_length("M:2/2") == 4 and bar_length("M:9/8") == F(9, 2)


@pytest.mark.parametrize("bad", ["x:1/2", "7", "7:", "7:a", "M:6", "M:0/8",
                                 "7:1/0", ""])
def test_parse_event_rejects_unknown_text(bad):
    with pytest.raises(ValueError, match="tune\\[2\\]"):
        timeline(["M:2/4", "0:1/2", bad])


@pytest.mark.parametrize("bad", ["0:0", "0:-1/2", "r:0"])
def test_non_positive_duration_is_rejected(bad):
    with pytest.raises(ValueError, match="duration"):
        parse_event(bad)


def test_empty_tune_is_rejected():
    for tune in ([], ["M:2/4", "|"]):
        with pytest.raises(ValueError, match="tune must hold at least one"):
            synthesize(tune)
    with pytest.raises(TypeError, match="tune must be a list"):
        synthesize("0:1/2")


def test_timeline_onsets_skip_bars_and_meters():
    tune = ["M:2/4", "0:1/2", "r:1/4", "|", "7:3/4"]
    assert timeline(tune) == [(0, F(1, 2), 0), (F(1, 2), F(1, 4), None),
                              (F(3, 4), F(3, 4), 7)]


def test_vocabulary_round_trip_and_unknown_event():
    tunes = [["M:2/4", "7:1/2", "|", "0:1/2"], ["M:6/8", "r:1/4", "7:1/2"]]
    vocab = Vocabulary(tunes)
    assert vocab.events[0] == "<end>"
    assert vocab.events[1:] == ["M:2/4", "M:6/8", "|", "r:1/4", "0:1/2",
                                "7:1/2"]
    indices = vocab.encode(tunes[0])
    assert indices == [1, 6, 3, 5]
    assert vocab.decode(indices + [0, 4]) == tunes[0]     # stops at END
    with pytest.raises(ValueError, match=r"tune\[1\] = '5:1/2' is not in"):
        vocab.encode(["7:1/2", "5:1/2"])
    with pytest.raises(ValueError, match=r"indices\[0\] = 7 is outside 0..6"):
        vocab.decode([7])


def test_midi_frequency_hand_values():
    assert midi_frequency(69) == 440.0
    assert np.isclose(midi_frequency(60), 261.6255653, atol=1e-6)
    assert np.isclose(midi_frequency(81), 880.0)


def test_single_a4_note_energy_at_440_hz_and_length():
    sr = 22050
    tune = ["M:2/4", "9:2"]          # A4 (60 + 9 = 69), one whole 2/4 bar
    audio = synthesize(tune, sample_rate=sr, bar_seconds=1.0)
    assert audio.shape == (sr,)                          # 2 quarters = 1 s
    assert np.isclose(np.max(np.abs(audio)), 0.8)
    spectrum = np.abs(np.fft.rfft(audio))
    freqs = np.fft.rfftfreq(audio.size, 1 / sr)
    assert freqs[np.argmax(spectrum)] == 440.0
    # the harmonics are where the synthesiser puts them, weaker in order
    at = [spectrum[np.argmin(np.abs(freqs - 440 * k))] for k in (1, 2, 3, 4)]
    assert at[0] > at[1] > at[2] > at[3] > 0


def test_rest_is_silent_and_tempo_follows_meter():
    sr = 8000
    audio = synthesize(["M:6/8", "0:3/2", "r:3/2"], sample_rate=sr,
                       bar_seconds=1.5)        # a 6/8 bar = 3 quarters
    assert audio.size == int(1.5 * sr)
    assert np.all(audio[audio.size // 2:] == 0)
    assert quarter_seconds(["M:2/2"], 1.2) == pytest.approx(0.3)
    assert quarter_seconds(["0:1"], 1.2) == pytest.approx(0.6)   # as 2/4


def test_write_wav_round_trip(tmp_path):
    audio = np.array([0.0, 0.5, -0.5, 1.0, -1.0])
    path = tmp_path / "x.wav"
    write_wav(path, audio, 8000)
    with wave.open(str(path)) as f:
        assert (f.getnchannels(), f.getsampwidth(), f.getframerate(),
                f.getnframes()) == (1, 2, 8000, 5)
        pcm = np.frombuffer(f.readframes(5), "<i2")
    assert pcm.tolist() == [0, 16384, -16384, 32767, -32767]


def test_write_wav_rejects_bad_audio(tmp_path):
    with pytest.raises(ValueError, match=r"audio must be finite; audio\[1\]"):
        write_wav(tmp_path / "x.wav", [0.0, np.nan], 8000)
    with pytest.raises(ValueError, match="audio must lie in"):
        write_wav(tmp_path / "x.wav", [0.0, 1.5], 8000)
    with pytest.raises(ValueError, match="sample_rate"):
        write_wav(tmp_path / "x.wav", [0.0], 0)


def test_vlq_hand_values():
    assert _vlq(0) == b"\x00"
    assert _vlq(127) == b"\x7f"
    assert _vlq(128) == b"\x81\x00"
    assert _vlq(480) == b"\x83\x60"


def test_midi_bytes_hand_worked():
    data = midi_bytes(["M:2/4", "9:1"], bar_seconds=1.0)  # A4, 0.5 s
    assert data[:14] == b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xe0"
    track = data[22:]
    assert track[:7] == b"\x00\xff\x51\x03\x07\xa1\x20"   # 500,000 us/q
    assert b"\x00\x90\x45\x50" in track                    # on, key 69
    assert b"\x83\x60\x80\x45\x00" in track               # 480 ticks later
    assert track.endswith(b"\x00\xff\x2f\x00")


def test_write_midi_reads_back(tmp_path):
    tune = ["M:6/8", "0:1/2", "4:1/2", "r:1/2", "|", "7:1/3", "7:1/3",
            "12:1/3", "-5:3/2"]
    path = tmp_path / "t.mid"
    write_midi(tune, path)
    back = read_midi(path)
    assert back["program"] == 110 and back["ticks_per_quarter"] == 480
    assert back["usec_per_quarter"] == 400000          # 1.2 s / 3 quarters
    assert [(s, d, k) for s, d, k, _ in back["notes"]] == [
        (0, 240, 60), (240, 240, 64), (720, 160, 67), (880, 160, 67),
        (1040, 160, 72), (1200, 720, 55)]


def test_stats_hand_worked():
    a = ["M:2/4", "0:1", "4:1/2", "7:1/2", "|", "12:2", "|", "0:1"]
    b = ["M:2/4", "7:1", "|", "5:1"]
    pd = stats.pitch_distribution([a, b])
    assert pd[0] == pytest.approx(3 / 7) and pd[7] == pytest.approx(2 / 7)
    iv = stats.interval_distribution([a])
    assert iv[4] == pytest.approx(0.25) and iv[-12] == pytest.approx(0.25)
    assert stats.ends_on_tonic([a, b]) == 0.5
    assert stats.bar_lengths(a) == [2, 2, 1]
    assert stats.bar_regularity([a]) == 1.0
    assert stats.bar_regularity([["M:2/4", "0:1", "|", "0:1", "|", "0:1"]]) == 0
    assert stats.longest_copy([["4:1/2", "7:1/2", "|", "9:1"], ["9:1"]],
                              [a, b]) == [3, 0]
    assert stats.total_variation({1: 0.5, 2: 0.5}, {2: 1.0}) == 0.5


def test_piano_roll_draws_each_note_and_bar_line():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from rnnlib.music import piano_roll
    tune = ["M:2/4", "0:1/2", "|", "4:1", "r:1", "|", "7:2"]
    ax = piano_roll(tune)
    assert len(ax.collections) == 3                     # one bar per note
    lines = sorted(line.get_xdata()[0] for line in ax.get_lines())
    assert lines == [0.25, 1.25]                        # 1/2 and 5/2 quarters
    assert ax.get_xlim() == (0, 2.25)
    plt.close(ax.figure)
