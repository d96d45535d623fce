"""The settings of ``rnnlib.charlm.train``, checked when they are made."""

import dataclasses

from ..validation import check_number

__all__ = ["TrainConfig", "OPTIMIZERS", "ENGINES"]

OPTIMIZERS = ("adam", "adagrad")
ENGINES = ("reference", "fast")


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Settings of ``train``; the defaults reach the chapter's targets."""
    n_a: int = 48                  # hidden units (size of a<t> and c<t>)
    batch_size: int = 32           # names per minibatch
    optimizer: str = "adam"        # "adam" (Kingma and Ba) or "adagrad"
    learning_rate: float = 0.02    # step size of the optimiser
    beta1: float = 0.9             # Adam: decay of the mean gradient
    beta2: float = 0.999           # Adam: decay of the mean squared gradient
    eps: float = 1e-8              # keeps Adam's/Adagrad's division finite
    max_norm: float = 5.0          # clip the gradients' global norm to this
    max_epochs: int = 20           # at most this many passes over the names
    patience: int = 3              # stop after this many passes in a row
                                   # without a better validation loss
    lr_decay: float = 0.5          # after such a pass: back to the best
                                   # weights, learning rate times this
    valid_fraction: float = 0.1    # share of the names kept for validation
    init_scale: float = 0.1        # standard deviation of initial weights
    dropout: float = 0.3           # share of a<t>'s units hidden from the
                                   # output layer in training
    forget_bias: float = 1.0       # LSTM only: initial bf (remember at first)
    seed: int = 0                  # seeds split, weights, batches, dropout
    engine: str = "reference"      # passes through time: "reference" (the
                                   # functions of chapters 1-3) or "fast"
                                   # (rnnlib.fast, chapter 7; same results
                                   # to about 1e-15, faster)

    def __post_init__(self):
        check_number("n_a", self.n_a, 1, integer=True)
        check_number("batch_size", self.batch_size, 1, integer=True)
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}; "
                             f"got {self.optimizer!r}")
        check_number("learning_rate", self.learning_rate, 0, low_open=True)
        check_number("beta1", self.beta1, 0, 1, high_open=True)
        check_number("beta2", self.beta2, 0, 1, high_open=True)
        check_number("eps", self.eps, 0, low_open=True)
        check_number("max_norm", self.max_norm, 0, low_open=True)
        check_number("max_epochs", self.max_epochs, 1, integer=True)
        check_number("patience", self.patience, 1, integer=True)
        check_number("lr_decay", self.lr_decay, 0, 1, low_open=True)
        check_number("valid_fraction", self.valid_fraction, 0, 1,
                     low_open=True, high_open=True)
        check_number("init_scale", self.init_scale, 0, low_open=True)
        check_number("dropout", self.dropout, 0, 1, high_open=True)
        check_number("forget_bias", self.forget_bias)
        check_number("seed", self.seed, 0, integer=True)
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}; got {self.engine!r}")
