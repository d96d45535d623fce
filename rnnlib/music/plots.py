"""A piano roll: each note a bar from its onset to its end at its pitch."""

from .events import bar_length, meter_of, parse_event, timeline

__all__ = ["piano_roll"]

_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]


def _bar_lines(tune):
    """Onsets (quarter notes) of the tune's bar lines."""
    now, out = 0, []
    for event in tune:
        kind, _, duration = parse_event(event)
        if kind == "bar":
            out.append(float(now))
        elif kind in ("note", "rest"):
            now += duration
    return out


def piano_roll(tune, ax=None, title=None, color="C0", max_bars=None):
    """Draw ``tune`` on a matplotlib ``ax`` (a new figure if None).

    x: time in bars of the tune's meter from the first note (the tune's
    own bar lines, '|', drawn as faint vertical lines); y: pitch, labelled
    with note names in C (the common key).
    ``max_bars`` cuts the drawing after that many bars. Returns ``ax``.
    """
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 2.6))
    bar = float(bar_length(meter_of(tune) or "M:2/4"))
    notes = [(float(o) / bar, float(d) / bar, p) for o, d, p in timeline(tune)
             if p is not None]
    if max_bars is not None:
        notes = [n for n in notes if n[0] < max_bars]
    for onset, duration, pitch in notes:
        ax.broken_barh([(onset, duration * 0.95)], (pitch - 0.4, 0.8),
                       color=color)
    end = max(o + d for o, d, _ in notes)
    for b in _bar_lines(tune):
        if b / bar <= end:
            ax.axvline(b / bar, color="0.8", lw=0.8, zorder=0)
    lo = min(p for *_, p in notes)
    hi = max(p for *_, p in notes)
    ticks = [p for p in range(lo - 1, hi + 2) if p % 12 in (0, 7)]
    ax.set_yticks(ticks)
    ax.set_yticklabels([f"{_NAMES[p % 12]}{4 + p // 12}" for p in ticks])
    ax.set_ylim(lo - 1.5, hi + 1.5)
    ax.set_xlim(0, end)
    ax.set_xlabel("time (bars)")
    ax.set_ylabel("pitch (in C)")
    if title:
        ax.set_title(title, fontsize=10)
    return ax
