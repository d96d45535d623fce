"""Train the chapter-6 LSTM on the fiddle tunes and save its weights.

    nice -n 10 .venv/bin/python scripts/train_music.py            # ~30 min
    .venv/bin/python scripts/train_music.py --quick OUT.npz       # seconds

The full run trains ``rnnlib.charlm.train`` (the name model's training loop,
given token sequences and the vocabulary size) on the 90% of the tunes that
are not held out, with the settings in ``SETTINGS``, and writes the weights
(float32, to keep the file small) to ``rnnlib/data/music_lstm.npz``, and
the settings and the loss of every epoch beside them (``music_lstm.json``,
NLLs rounded to 4 decimals, seconds as measured on a shared machine). The
chapter loads both. ``--quick`` runs the same code on 40 tunes for one
epoch with a tiny model (the test of this script).
"""

import argparse
import json
import pathlib

import numpy as np

from rnnlib import charlm
from rnnlib.music import Vocabulary, load_tunes, split_tunes

WEIGHTS = (pathlib.Path(__file__).resolve().parents[1] / "rnnlib" / "data"
           / "music_lstm.npz")
TEST_FRACTION, SPLIT_SEED = 0.1, 0        # the chapter's held-out tunes
SETTINGS = dict(n_a=128, batch_size=32, learning_rate=0.01, dropout=0.2,
                max_epochs=30, patience=3, seed=0, engine="fast")
QUICK = dict(n_a=8, batch_size=8, max_epochs=1, seed=0, engine="fast")


def training_tunes():
    """(vocabulary, encoded training tunes): the tunes the model may see."""
    tunes = load_tunes()
    vocab = Vocabulary(tunes)
    train, _ = split_tunes(tunes, TEST_FRACTION, seed=SPLIT_SEED)
    return vocab, [vocab.encode(t) for t in train]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(WEIGHTS))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    vocab, train = training_tunes()
    settings = QUICK if args.quick else SETTINGS
    if args.quick:
        train = train[:40]
    history = []
    parameters = charlm.train(train, "lstm", vocab_size=len(vocab),
                              history=history, progress=not args.quick,
                              **settings)
    for row in history:
        print(f"epoch {row['epoch']}: train {row['train_nll']:.4f}, "
              f"valid {row['valid_nll']:.4f} nats/event, "
              f"{row['seconds']:.0f} s", flush=True)
    charlm.save(args.out, {k: v.astype(np.float32)
                           for k, v in parameters.items()})
    record = {"settings": settings, "n_tunes": len(train),
              "history": [{"epoch": row["epoch"],
                           "train_nll": round(row["train_nll"], 4),
                           "valid_nll": round(row["valid_nll"], 4),
                           "seconds": round(row["seconds"])}
                          for row in history]}
    pathlib.Path(args.out).with_suffix(".json").write_text(
        json.dumps(record, indent=1) + "\n")
    return parameters, history


if __name__ == "__main__":
    main()
