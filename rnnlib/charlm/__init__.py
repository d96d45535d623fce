"""rnnlib.charlm: the character-level name model of chapter 5.

Modules, by concept:

``vocab``     the 27 symbols ('\\n' and a-z), encode/decode, loading names
``classic``   the classic loop: clip, sample, optimize, model (one name per
              SGD step, on the reference functions of chapters 1-3)
``ngram``     count-based baselines (add-alpha smoothed n-grams)
``config``    ``TrainConfig``, the settings of ``train``, checked on creation
``batching``  padded, masked minibatches of names
``training``  ``train`` and ``evaluate`` (minibatches, Adam, early stopping)
``sampling``  ``next_char_probabilities`` and ``sample_names``
``io``        ``save`` and ``load`` a parameter dict

The cells (RNN, LSTM) are looked up in ``rnnlib.cells.CELLS``.
"""

from .config import TrainConfig
from .io import load, save
from .sampling import next_char_probabilities, sample_names
from .training import evaluate, train

__all__ = ["train", "evaluate", "TrainConfig", "sample_names",
           "next_char_probabilities", "save", "load"]
