"""Training and evaluating a character-level language model of names.

Where the classic loop (``rnnlib.charlm.classic``) takes one name per SGD
step, ``train`` takes minibatches of names (``rnnlib.charlm.batching``),
padded to a common length, with a mask so that padding adds nothing to the
loss. It uses Adam (Kingma and Ba, 2015) or Adagrad (``rnnlib.optim``),
clips the gradients' global norm (Pascanu et al., 2013), applies dropout to
the hidden states on their way to the output layer, halves the learning rate
whenever the validation loss stops improving, and stops early when it has
not improved for a few epochs; it returns the best weights seen.

For a batch (x, Y, mask) of m names and T steps:

    loss = sum(mask * -log ŷ<t>[Y<t>]) / sum(mask)   (nats per character)

Every name starts from a<0> = 0. ``evaluate`` reports the same quantity on
names the model never saw: every character of each name is predicted, and
so is the end token after it. The parameter dicts are those of chapters 1
and 2, so a trained model works with all of rnnlib.

The passes through time are the reference functions of chapters 1 to 3
(``rnn_forward``, ``rnn_backward``, ...), or with ``engine="fast"`` those of
``rnnlib.fast`` (chapter 7), which return the same arrays to about 1e-15.
"""

import dataclasses
import importlib
import sys
import time

import numpy as np

from ..activations import softmax_unchecked
from ..cells import CELLS, cell_of, get_cell
from ..clipping import clip_by_global_norm
from ..optim import Adagrad, Adam
from ..validation import check_parameters
from .batching import encode_sequences, make_batch, shuffled_batches
from .config import ENGINES, TrainConfig
from .vocab import VOCAB_SIZE, split_names

__all__ = ["train", "evaluate", "batch_loss_and_gradients", "passes_through_time",
           "progress_bar"]


def passes_through_time(cell, engine="reference"):
    """(forward, backward) of ``cell`` ("rnn", "lstm") for ``engine``.

    "reference" gives the functions of chapters 1 to 3; "fast" those of
    ``rnnlib.fast`` (imported only now, so that the engine is loaded only
    when asked for).
    """
    entry = get_cell(cell)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}")
    if engine == "reference":
        return entry.forward, entry.backward
    fast = importlib.import_module("rnnlib.fast")
    try:
        return (getattr(fast, f"{cell}_forward"), getattr(fast, f"{cell}_backward"))
    except AttributeError:
        raise ValueError(f"engine 'fast' has no {cell}_forward/{cell}_backward; "
                         "use engine='reference'") from None


def _forward(parameters, cell, x, engine):
    """Run the model from a<0> = 0; returns (a, y_hat, caches)."""
    forward, _ = passes_through_time(cell, engine)
    a0 = np.zeros((CELLS[cell].hidden_size(parameters), x.shape[1]))
    result = forward(x, a0, parameters)               # (a, y_hat, [c,] caches)
    return result[0], result[1], result[-1]


def _nll_sum(y_hat, Y, mask):
    """Sum of -log ŷ<t>[Y<t>] over the unmasked positions."""
    m, T = Y.shape
    p = y_hat[Y, np.arange(m)[:, None], np.arange(T)]    # (m, T)
    return float(-np.sum(np.log(p[mask > 0])))


def batch_loss_and_gradients(parameters, cell, x, Y, mask, keep=None,
                             engine="reference"):
    """Mean NLL per character of a batch, and its gradients.

    Arguments:
    parameters -- the cell's parameter dict
    cell -- "rnn" or "lstm"
    x, Y, mask -- a batch of ``make_batch``: (27, m, T), (m, T), (m, T)
    keep -- None, or a dropout mask shaped like a (n_a, m, T): 0 for a
            dropped unit, 1 / (1 - dropout) for a kept one; the output
            layer then sees keep * a<t>
    engine -- "reference" or "fast" (see ``passes_through_time``)

    Returns (loss, gradients): a float and a dict "d" + key for every
    parameter.
    """
    a, y_hat, caches = _forward(parameters, cell, x, engine)  # a (n_a, m, T)
    out = CELLS[cell].output_weight                   # y_hat (27, m, T)
    if keep is not None:                              # output layer again
        a = a * keep
        z = np.einsum("ya,amt->ymt", parameters[out], a)
        y_hat = softmax_unchecked(z + parameters["by"][:, :, None])
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
    _, backward = passes_through_time(cell, engine)
    grads = backward(da, caches)                      # through time
    for name in parameters:
        if "d" + name in grads:
            gradients["d" + name] = grads["d" + name]
    return loss, gradients


def _interactive():
    """True in a terminal or a Jupyter kernel."""
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def progress_bar(total, description, show):
    """A ``tqdm.auto`` bar over ``total`` steps if ``show``, else None.

    In a notebook ``tqdm.auto`` draws a widget, in a terminal a text line on
    stderr. tqdm is imported only when a bar is wanted.
    """
    if not show:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=description, unit="epoch", leave=False)


def _optimizer(parameters, config):
    if config.optimizer == "adam":
        return Adam(parameters, config.learning_rate, config.beta1, config.beta2,
                    config.eps)
    return Adagrad(parameters, config.learning_rate, config.eps)


def train(names, cell="rnn", config=None, progress=None, history=None,
          vocab_size=None, **settings):
    """Train an RNN or LSTM language model on names; return its parameters.

    Arguments:
    names -- list of lower-case names (a-z only); config.valid_fraction of
             them are set aside (``split_names`` with config.seed) for
             early stopping, the rest are trained on
    cell -- "rnn" (parameters Wax, Waa, Wya, ba, by) or "lstm" (Wf, bf,
            ..., Wy, by), the cells of chapters 1 and 2
    config -- a ``TrainConfig``; ``settings`` override its fields, e.g.
              ``train(names, "lstm", n_a=32)`` or ``engine="fast"``
    progress -- show a progress bar (``tqdm.auto``): True, False, or None
                for only when interactive (a terminal or a notebook kernel);
                pass False where the output is stored (the book's chapters)
    history -- a list; one dict per epoch is appended to it: epoch,
               train_nll and valid_nll (nats/char), seconds
    vocab_size -- None for names (27 symbols); for any other vocabulary,
                  its size, and ``names`` are then token sequences: lists
                  of ints in 1..vocab_size - 1, index 0 being the end token
                  that the model learns to predict after each sequence

    Returns the parameters with the best validation loss. They depend only
    on the names, the settings and the machine's arithmetic: the same seed
    gives the same parameters, bit for bit, on the same machine.
    """
    entry = get_cell(cell)
    config = dataclasses.replace(config or TrainConfig(), **settings)
    n_x = VOCAB_SIZE if vocab_size is None else int(vocab_size)
    names = encode_sequences(list(names), n_x)       # checked once
    fit_names, valid_names = split_names(names, config.valid_fraction,
                                         config.seed)
    rng = np.random.default_rng(config.seed)
    parameters = entry.initialize(n_x, config.n_a, n_x, rng,
                                  scale=config.init_scale)
    if cell == "lstm":
        parameters["bf"][:] = config.forget_bias
    optimizer = _optimizer(parameters, config)
    valid_batch = make_batch(valid_names, n_x)
    best, best_nll, waited = None, np.inf, 0
    start = time.perf_counter()
    bar = progress_bar(config.max_epochs, cell,
                       _interactive() if progress is None else bool(progress))
    try:
        for epoch in range(1, config.max_epochs + 1):
            total, count = 0.0, 0.0
            for batch in shuffled_batches(fit_names, config.batch_size, rng):
                x, Y, mask = make_batch(batch, n_x)
                keep = None
                if config.dropout > 0:                  # inverted dropout
                    drawn = rng.random((config.n_a,) + Y.shape)
                    keep = (drawn >= config.dropout) / (1 - config.dropout)
                loss, gradients = batch_loss_and_gradients(parameters, cell, x, Y,
                                                           mask, keep, config.engine)
                gradients, _ = clip_by_global_norm(gradients, config.max_norm)
                optimizer.update(parameters, gradients)
                total += loss * mask.sum()
                count += mask.sum()
            valid_nll = _evaluate_batch(parameters, cell, *valid_batch,
                                        engine=config.engine)
            if history is not None:
                history.append({"epoch": epoch, "train_nll": total / count,
                                "valid_nll": valid_nll,
                                "seconds": time.perf_counter() - start})
            if bar is not None:
                bar.set_postfix(train=f"{total / count:.4f}", valid=f"{valid_nll:.4f}")
                bar.update()
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
    finally:
        if bar is not None:
            bar.close()
    return best


def _evaluate_batch(parameters, cell, x, Y, mask, engine="reference"):
    _, y_hat, _ = _forward(parameters, cell, x, engine)
    return _nll_sum(y_hat, Y, mask) / mask.sum()


def evaluate(parameters, names, cell=None, engine="reference"):
    """Negative log-likelihood per character, in nats, of ``names``.

    ``names`` may also be token sequences of another vocabulary (lists of
    ints in 1..n_y - 1, as for ``train``); n_y is read from the weights.
    Every character of every name is predicted, and so is the end token
    after it (a name of length L counts L + 1 predictions); each name
    starts from a<0> = 0 with the zero vector as first input. ``cell``
    ("rnn" or "lstm") is read from the parameter names when None;
    ``engine`` is "reference" or "fast" (see ``passes_through_time``).
    """
    cell = cell_of(parameters, cell)
    check_parameters(parameters, CELLS[cell].parameter_shapes)
    names = list(names)
    if not names:
        raise ValueError("names must not be empty")
    total, count = 0.0, 0.0
    for first in range(0, len(names), 256):          # bounded memory
        x, Y, mask = make_batch(names[first:first + 256],
                                parameters["by"].shape[0])
        _, y_hat, _ = _forward(parameters, cell, x, engine)
        total += _nll_sum(y_hat, Y, mask)
        count += mask.sum()
    return total / count
