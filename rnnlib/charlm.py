"""A character-level language model of names that generalises.

Where the classic loop (``rnnlib.classic``) takes one name per SGD step,
``train`` takes minibatches of names, padded to a common length, with a
mask so that padding adds nothing to the loss. It uses Adam (Kingma and Ba,
2015) or Adagrad, clips the gradients' global norm (Pascanu et al., 2013),
applies dropout to the hidden states on their way to the output layer,
halves the learning rate whenever the validation loss stops improving, and
stops early when it has not improved for a few epochs; it returns the best
weights seen.

A batch of m names, T = (longest name) + 1 steps, columns are names:

    x     (27, m, T)   one-hot inputs; x<1> = 0, x<t+1> = character t
    Y     (m, T)       targets: the characters, then '\\n' (index 0)
    mask  (m, T)       1 where a name has a target, 0 on padding
    loss = sum(mask * -log ŷ<t>[Y<t>]) / sum(mask)   (nats per character)

Every name starts from a<0> = 0. ``evaluate`` reports the same quantity on
names the model never saw: every character of each name is predicted, and
so is the end token after it. The parameter dicts are those of the seed API
(SPEC sections 1 and 2), so a trained model works with all of rnnlib.

The forward and backward passes are those of ``rnnlib.fast``, the drop-in
engine of chapter 7: the same mathematics as the seed API (they agree to
~1e-15), about 1.3-1.4x faster at these batch sizes. On a machine whose cores
are busy with other programs, OpenBLAS threads can stall the engine's
products; ``OPENBLAS_NUM_THREADS=1`` avoids that.
"""

import dataclasses
import sys
import time

import numpy as np

from .activations import _softmax
from .clipping import clip_by_global_norm
from .initializers import (initialize_lstm_parameters,
                           initialize_rnn_parameters)
from .fast import lstm_backward, lstm_forward, rnn_backward, rnn_forward
from .lstm import LSTM_PARAMETER_SHAPES, _lstm_cell_step
from .rnn import RNN_PARAMETER_SHAPES, _rnn_cell_step
from .validation import check_parameters
from .vocab import VOCAB_SIZE, decode, encode, split_names

__all__ = ["TrainConfig", "train", "evaluate", "next_char_probabilities",
           "sample_names", "save", "load"]


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


def _cell_of(parameters, cell=None):
    """'rnn' or 'lstm', from the parameter names; checks ``cell`` if given."""
    if "Wf" in parameters:
        found = "lstm"
    elif "Wax" in parameters:
        found = "rnn"
    else:
        raise KeyError("parameters hold neither RNN (Wax, ...) nor LSTM "
                       f"(Wf, ...) weights; keys are {sorted(parameters)}")
    if cell is not None and cell != found:
        raise ValueError(f"cell={cell!r} but the parameters are those of "
                         f"an {found.upper()}")
    return found


def _check_cell(cell):
    if cell not in ("rnn", "lstm"):
        raise ValueError(f"cell must be 'rnn' or 'lstm'; got {cell!r}")


def _n_a(parameters):
    return (parameters["Waa"] if "Waa" in parameters
            else parameters["Wf"]).shape[0]


def _batch(names):
    """One-hot x (27, m, T), targets Y (m, T) and mask (m, T) for names."""
    encoded = [encode(name) for name in names]
    m, T = len(encoded), max(len(e) for e in encoded) + 1
    x = np.zeros((VOCAB_SIZE, m, T))
    Y = np.zeros((m, T), dtype=np.intp)     # padding: index 0, masked out
    mask = np.zeros((m, T))
    for i, indices in enumerate(encoded):
        L = len(indices)
        x[indices, i, np.arange(1, L + 1)] = 1  # x<t+1> = char t; x<1> = 0
        Y[i, :L] = indices                      # predict each character...
        mask[i, :L + 1] = 1                     # ...and the end token
    return x, Y, mask


def _batches(names, batch_size, rng, sort_window=8):
    """Shuffled minibatches of names of similar lengths (less padding).

    The names are shuffled, cut into windows of ``sort_window`` batches,
    sorted by length inside each window and cut into batches, which are
    then shuffled. Every name is used once per epoch.
    """
    order = rng.permutation(len(names))
    window = batch_size * sort_window
    batches = []
    for first in range(0, len(order), window):
        chunk = sorted(order[first:first + window],
                       key=lambda i: len(names[i]))
        batches += [chunk[k:k + batch_size]
                    for k in range(0, len(chunk), batch_size)]
    return [[names[i] for i in batches[j]]
            for j in rng.permutation(len(batches))]


def _forward(parameters, cell, x):
    """Run the model from a<0> = 0; returns (a, y_hat, caches)."""
    a0 = np.zeros((_n_a(parameters), x.shape[1]))
    if cell == "rnn":
        return rnn_forward(x, a0, parameters)
    a, y_hat, _, caches = lstm_forward(x, a0, parameters)
    return a, y_hat, caches


def _nll_sum(y_hat, Y, mask):
    """Sum of -log ŷ<t>[Y<t>] over the unmasked positions."""
    m, T = Y.shape
    p = y_hat[Y, np.arange(m)[:, None], np.arange(T)]    # (m, T)
    return float(-np.sum(np.log(p[mask > 0])))


def _loss_and_gradients(parameters, cell, x, Y, mask, keep=None):
    """Mean NLL per character of a batch, and its gradients.

    keep -- None, or a dropout mask shaped like a (n_a, m, T): 0 for a
            dropped unit, 1 / (1 - dropout) for a kept one; the output
            layer then sees keep * a<t>
    """
    a, y_hat, caches = _forward(parameters, cell, x)  # a (n_a, m, T)
    out = "Wya" if cell == "rnn" else "Wy"            # y_hat (27, m, T)
    if keep is not None:                              # output layer again
        a = a * keep
        z = np.einsum("ya,amt->ymt", parameters[out], a)
        y_hat = _softmax(z + parameters["by"][:, :, None])
    m, T = Y.shape
    n_chars = mask.sum()
    loss = _nll_sum(y_hat, Y, mask) / n_chars
    dz = y_hat.copy()
    dz[Y, np.arange(m)[:, None], np.arange(T)] -= 1   # ŷ - y, every step
    dz *= mask / n_chars                              # padding: no gradient
    gradients = {
        "d" + out: np.einsum("ymt,amt->ya", dz, a),   # sum of dz a.T
        "dby": dz.sum(axis=(1, 2))[:, None],
    }
    da = np.einsum("ya,ymt->amt", parameters[out], dz)  # W.T dz, (n_a, m, T)
    if keep is not None:
        da *= keep                                    # dropped: no gradient
    backward = rnn_backward if cell == "rnn" else lstm_backward
    grads = backward(da, caches)                      # through time
    for name in parameters:
        if "d" + name in grads:
            gradients["d" + name] = grads["d" + name]
    return loss, gradients


class _Optimizer:
    """Adam or Adagrad on a dict of parameters (updated in place)."""

    def __init__(self, parameters, config):
        self.config = config
        self.learning_rate = config.learning_rate  # lowered by train()
        self.step = 0
        zeros = {k: np.zeros_like(v) for k, v in parameters.items()}
        self.m = zeros                             # Adam: mean gradient
        self.v = {k: v.copy() for k, v in zeros.items()}  # mean g^2 / sum

    def update(self, parameters, gradients):
        c = self.config
        self.step += 1
        for k in parameters:
            g = gradients["d" + k]
            if c.optimizer == "adam":
                self.m[k] = c.beta1 * self.m[k] + (1 - c.beta1) * g
                self.v[k] = c.beta2 * self.v[k] + (1 - c.beta2) * g * g
                m_hat = self.m[k] / (1 - c.beta1 ** self.step)  # unbiased
                v_hat = self.v[k] / (1 - c.beta2 ** self.step)
                step = m_hat / (np.sqrt(v_hat) + c.eps)
            else:
                self.v[k] += g * g
                step = g / (np.sqrt(self.v[k]) + c.eps)
            parameters[k] -= self.learning_rate * step


def _interactive():
    """True in a terminal or a Jupyter kernel."""
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def train(names, cell="rnn", config=None, progress=None, history=None,
          **settings):
    """Train an RNN or LSTM language model on names; return its parameters.

    Arguments:
    names -- list of lower-case names (a-z only); config.valid_fraction of
             them are set aside (``split_names`` with config.seed) for
             early stopping, the rest are trained on
    cell -- "rnn" (parameters Wax, Waa, Wya, ba, by) or "lstm" (Wf, bf,
            ..., Wy, by), as in SPEC sections 1 and 2
    config -- a ``TrainConfig``; ``settings`` override its fields, e.g.
              ``train(names, "lstm", n_a=32)``
    progress -- show a progress line on stderr: True, False, or None for
                only when interactive (a terminal or a notebook kernel)
    history -- a list; one dict per epoch is appended to it: epoch,
               train_nll and valid_nll (nats/char), seconds

    Returns the parameters with the best validation loss. They depend only
    on the names, the settings and the machine's arithmetic: the same seed
    gives the same parameters, bit for bit, on the same machine.
    """
    _check_cell(cell)
    config = dataclasses.replace(config or TrainConfig(), **settings)
    if config.optimizer not in ("adam", "adagrad"):
        raise ValueError("optimizer must be 'adam' or 'adagrad'; "
                         f"got {config.optimizer!r}")
    show = _interactive() if progress is None else bool(progress)
    fit_names, valid_names = split_names(list(names), config.valid_fraction,
                                         config.seed)
    rng = np.random.default_rng(config.seed)
    init = (initialize_rnn_parameters if cell == "rnn"
            else initialize_lstm_parameters)
    parameters = init(VOCAB_SIZE, config.n_a, VOCAB_SIZE, rng,
                      scale=config.init_scale)
    if cell == "lstm":
        parameters["bf"][:] = config.forget_bias
    optimizer = _Optimizer(parameters, config)
    valid_batch = _batch(valid_names)
    best, best_nll, waited = None, np.inf, 0
    start = time.perf_counter()
    for epoch in range(1, config.max_epochs + 1):
        total, count = 0.0, 0.0
        for batch in _batches(fit_names, config.batch_size, rng):
            x, Y, mask = _batch(batch)
            keep = None
            if config.dropout > 0:                  # inverted dropout
                drawn = rng.random((config.n_a,) + Y.shape)
                keep = (drawn >= config.dropout) / (1 - config.dropout)
            loss, gradients = _loss_and_gradients(parameters, cell, x, Y,
                                                  mask, keep)
            gradients, _ = clip_by_global_norm(gradients, config.max_norm)
            optimizer.update(parameters, gradients)
            total += loss * mask.sum()
            count += mask.sum()
        valid_nll = _evaluate_batch(parameters, cell, *valid_batch)
        if history is not None:
            history.append({"epoch": epoch, "train_nll": total / count,
                            "valid_nll": valid_nll,
                            "seconds": time.perf_counter() - start})
        if show:
            print(f"\r{cell} epoch {epoch}/{config.max_epochs}: train "
                  f"{total / count:.4f}, valid {valid_nll:.4f} nats/char",
                  end="", file=sys.stderr, flush=True)
        if valid_nll < best_nll:
            best = {k: v.copy() for k, v in parameters.items()}
            best_nll, waited = valid_nll, 0
        else:
            waited += 1
            if waited >= config.patience:
                break
            if config.lr_decay != 1.0:      # smaller steps from the best
                parameters.update({k: v.copy() for k, v in best.items()})
                optimizer.learning_rate *= config.lr_decay
    if show:
        print(file=sys.stderr, flush=True)
    return best


def _evaluate_batch(parameters, cell, x, Y, mask):
    _, y_hat, _ = _forward(parameters, cell, x)
    return _nll_sum(y_hat, Y, mask) / mask.sum()


def evaluate(parameters, names, cell=None):
    """Negative log-likelihood per character, in nats, of ``names``.

    Every character of every name is predicted, and so is the end token
    after it (a name of length L counts L + 1 predictions); each name
    starts from a<0> = 0 with the zero vector as first input. ``cell``
    ("rnn" or "lstm") is read from the parameter names when None.
    """
    cell = _cell_of(parameters, cell)
    check_parameters(parameters, RNN_PARAMETER_SHAPES if cell == "rnn"
                     else LSTM_PARAMETER_SHAPES)
    names = list(names)
    if not names:
        raise ValueError("names must not be empty")
    total, count = 0.0, 0.0
    for first in range(0, len(names), 256):          # bounded memory
        x, Y, mask = _batch(names[first:first + 256])
        _, y_hat, _ = _forward(parameters, cell, x)
        total += _nll_sum(y_hat, Y, mask)
        count += mask.sum()
    return total / count


def _step(parameters, cell, xt, state):
    """One unchecked step of the seed's cell from (a, c); -> (ŷ, state)."""
    a_prev, c_prev = state
    if cell == "rnn":
        a, y_hat, _ = _rnn_cell_step(xt, a_prev, parameters)
        return y_hat, (a, None)
    a, c, y_hat, _ = _lstm_cell_step(xt, a_prev, c_prev, parameters)
    return y_hat, (a, c)


def _with_temperature(parameters, cell, temperature):
    """Parameters whose softmax is softmax(logits / temperature)."""
    out = "Wya" if cell == "rnn" else "Wy"
    return dict(parameters, **{out: parameters[out] / temperature,
                               "by": parameters["by"] / temperature})


def next_char_probabilities(parameters, prefix, cell=None):
    """P(next character | the name so far is ``prefix``), a (27,) array.

    ``next_char_probabilities(p, "tyrannosaurus")[0]`` is the probability
    that the name ends there (index 0 is '\\n').
    """
    cell = _cell_of(parameters, cell)
    n_a = _n_a(parameters)
    state = (np.zeros((n_a, 1)), np.zeros((n_a, 1)))
    xt = np.zeros((VOCAB_SIZE, 1))
    for ix in [None] + encode(prefix):
        if ix is not None:
            xt = np.zeros((VOCAB_SIZE, 1))
            xt[ix] = 1
        y_hat, state = _step(parameters, cell, xt, state)
    return y_hat[:, 0]


def sample_names(parameters, n, rng, temperature=1.0, cell=None,
                 max_length=50):
    """Sample ``n`` names at once, each from x<1> = 0 and a<0> = 0.

    Arguments:
    parameters -- a trained RNN or LSTM parameter dict
    n -- how many names
    rng -- an ``np.random.Generator`` (or an int seed)
    temperature -- > 0; characters are drawn from softmax(z / temperature)
    cell -- "rnn" or "lstm", or None to read it from the parameters
    max_length -- a name is cut after this many characters

    Returns a list of ``n`` strings (without the end token).
    """
    cell = _cell_of(parameters, cell)
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature must be a finite number > 0; "
                         f"got {temperature}")
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    n_a = _n_a(parameters)
    state = (np.zeros((n_a, n)), np.zeros((n_a, n)))
    xt = np.zeros((VOCAB_SIZE, n))
    chars = np.zeros((n, max_length), dtype=np.intp)
    alive = np.ones(n, dtype=bool)
    scaled = _with_temperature(parameters, cell, temperature)
    for t in range(max_length):
        p, state = _step(scaled, cell, xt, state)      # p (27, n)
        u = rng.random(n)                              # inverse CDF draw
        idx = (np.cumsum(p, axis=0) < u).sum(axis=0)
        idx = np.minimum(idx, VOCAB_SIZE - 1)
        idx[~alive] = 0
        chars[:, t] = idx
        alive &= idx != 0
        if not alive.any():
            break
        xt = np.zeros((VOCAB_SIZE, n))
        xt[idx, np.arange(n)] = 1
    return [decode([int(c) for c in row]).split("\n")[0] for row in chars]


def save(path, parameters):
    """Save a parameter dict to ``.npz``: names, shapes, dtypes, values."""
    np.savez(path, **parameters)


def load(path):
    """Load a parameter dict saved by ``save``."""
    with np.load(path) as data:
        return {name: data[name].copy() for name in data.files}
