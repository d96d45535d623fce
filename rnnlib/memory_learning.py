"""Learning the memory task from random weights, for any cell (chapters 3 and 4).

``train_memory(cell, gap, seed)`` trains one small network on the memory task
of chapter 2 (``rnnlib.memory_task``) with the book's own forward and backward
passes, global-norm gradient clipping and Adam, and reports whether it learned
to recall the stored bit. Everything it does follows from its arguments, so a
run is reproduced exactly by calling it again with the same ones.

The loss is the cross-entropy of the answer at the last step only (the steps
before have no target): with ŷ the softmax of ``W_y a<T_x> + b_y``,

    L = -(1/m) Σ_k log ŷ<T_x>[class of bit k, k]
    dlogits = (ŷ<T_x> - onehot) / m          (n_y, m)
    da<T_x> = W_y.T dlogits,   da<t> = 0 for t < T_x

and ``da`` goes into the cell's backward pass, which carries it back through
every step of the gap.

Cells are looked up by name in the registry ``rnnlib.cells.CELLS`` ("rnn",
"lstm", "gru"), which says how to initialise each one, run it forwards and
backwards and which key holds its output weights; a cell added there can be
trained here without a change.
"""

import numbers
from dataclasses import dataclass, field

import numpy as np

from .cells import get_cell
from .clipping import clip_by_global_norm
from .memory_task import make_memory_task, recall_accuracy
from .optim import Adam

__all__ = ["MemoryRun", "count_parameters",
           "memory_initial_parameters", "memory_loss_and_gradients", "train_memory"]


@dataclass
class MemoryRun:
    """The outcome of one ``train_memory`` call.

    cell, gap, seed, n_a -- the run's settings
    n_parameters -- number of trained numbers (all weights and biases)
    updates -- Adam updates made (fewer than the budget if it stopped early)
    accuracy -- recall accuracy on fresh test sequences after training
    learned -- accuracy >= the run's target
    history -- (update, mean loss of the last updates, validation accuracy)
               at every evaluation
    """
    cell: str
    gap: int
    seed: int
    n_a: int
    n_parameters: int
    updates: int
    accuracy: float
    learned: bool
    history: list = field(default_factory=list)

    def as_dict(self):
        """The run as plain Python types (for JSON)."""
        return {"cell": self.cell, "gap": self.gap, "seed": self.seed,
                "n_a": self.n_a, "n_parameters": self.n_parameters,
                "updates": self.updates, "accuracy": self.accuracy,
                "learned": self.learned,
                "history": [list(row) for row in self.history]}


def count_parameters(parameters):
    """Total number of entries in a parameter dict."""
    return int(sum(np.size(v) for v in parameters.values()))


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number; got {value!r}")


def memory_loss_and_gradients(parameters, cell, x, bits):
    """Loss of the answer at the last step and the gradients of all parameters.

    Arguments:
    parameters -- the cell's parameters (n_y = 2: class 0 is -1, class 1 is +1)
    cell -- a name in ``rnnlib.cells.CELLS``: "rnn", "lstm", "gru"
    x -- inputs (n_x, m, T_x); bits -- stored bits (m,), +1 or -1

    Returns ``(loss, gradients)``: the mean cross-entropy at the last step and
    a dict "d" + key for every key of ``parameters``.
    """
    spec = get_cell(cell)
    Wy = parameters[spec.output_weight]
    n_a, m = Wy.shape[1], x.shape[1]
    out = spec.forward(x, np.zeros((n_a, m)), parameters)
    a, caches = out[0], out[-1]
    a_last = a[:, :, -1]                                  # (n_a, m)
    logits = Wy @ a_last + parameters["by"]              # (2, m)
    logits = logits - logits.max(axis=0)
    y_hat = np.exp(logits) / np.exp(logits).sum(axis=0)
    target = (bits > 0).astype(int)                       # class of each bit
    loss = float(-np.mean(np.log(y_hat[target, np.arange(m)])))
    dlogits = y_hat.copy()
    dlogits[target, np.arange(m)] -= 1.0
    dlogits /= m                                          # (2, m)
    da = np.zeros(a.shape)
    da[:, :, -1] = Wy.T @ dlogits                         # only the last step
    gradients = spec.backward(da, caches)
    gradients["d" + spec.output_weight] = dlogits @ a_last.T
    gradients["dby"] = dlogits.sum(axis=1, keepdims=True)
    return loss, {"d" + k: gradients["d" + k] for k in parameters}


def _accuracy(parameters, cell, x, bits):
    spec = get_cell(cell)
    n_a = parameters[spec.output_weight].shape[1]
    y = spec.forward(x, np.zeros((n_a, x.shape[1])), parameters)[1]
    return recall_accuracy(y, bits)


def memory_initial_parameters(cell, n_a, rng, forget_bias=0.0, recurrent="gaussian",
                              update_bias=None):
    """The random starting weights of ``train_memory`` (n_x = 3 inputs, n_y = 2).

    Every weight is drawn N(0, 1/(n_a + n_x)), one rule for every cell (n_a +
    n_x is the number of inputs to each unit's sum); every bias is 0, except
    an LSTM's forget-gate bias bf, set to ``forget_bias``, and, when
    ``update_bias`` is given, a GRU's update-gate bias bu, set to it (the
    cell must have a bu; a negative bu starts the gates near keeping the
    state, chapter 4). With ``recurrent=
    "orthogonal"`` (RNN only) W_aa is instead a random orthogonal matrix
    (every singular value 1), drawn from ``rng`` after the rest. ``rng`` is a
    ``np.random.Generator``; ``train_memory`` passes its own, seeded with its
    ``seed``, so ``memory_initial_parameters(cell, n_a,
    np.random.default_rng(seed), forget_bias, recurrent, update_bias)``
    gives exactly its start. Setting a bias draws nothing from ``rng``.
    """
    n_x, n_y = 3, 2
    parameters = get_cell(cell).initialize(n_x, n_a, n_y, rng,
                                           scale=1.0 / np.sqrt(n_a + n_x))
    if "bf" in parameters:
        parameters["bf"][:] = forget_bias
    if update_bias is not None:
        if isinstance(update_bias, bool) or not isinstance(update_bias, numbers.Real) \
                or not np.isfinite(update_bias):
            raise ValueError("update_bias must be a finite number or None; got "
                             f"{update_bias!r}")
        if "bu" not in parameters:
            raise ValueError("update_bias sets a GRU's update-gate bias bu; cell "
                             f"{cell!r} has no bu (use forget_bias for an LSTM)")
        parameters["bu"][:] = update_bias
    if recurrent == "orthogonal":
        if "Waa" not in parameters:
            raise ValueError("recurrent='orthogonal' is for the RNN's W_aa; "
                             f"cell {cell!r} has none")
        q, r = np.linalg.qr(rng.standard_normal((n_a, n_a)))
        parameters["Waa"] = q * np.sign(np.diag(r))   # uniformly random orthogonal
    elif recurrent != "gaussian":
        raise ValueError("recurrent must be 'gaussian' or 'orthogonal'; got "
                         f"{recurrent!r}")
    return parameters


def train_memory(cell, gap, seed, *, n_a=8, lead=5, updates=1500, batch=32,
                 learning_rate=0.01, max_norm=1.0, forget_bias=0.0,
                 recurrent="gaussian", update_bias=None,
                 eval_every=50, m_eval=256, stop_at=0.99, m_test=1000, target=0.95):
    """Train one network on the memory task from random weights; did it learn?

    Arguments:
    cell -- a name in ``rnnlib.cells.CELLS``: "rnn", "lstm" or "gru"
    gap -- distractor steps between the store step and the recall step
    seed -- seeds every random draw of the run (weights, batches, tests)
    n_a -- hidden units
    lead -- distractor steps before the store step (as ``make_memory_task``)
    updates -- the budget: at most this many Adam updates
    batch -- sequences per update, freshly drawn every time
    learning_rate -- Adam's step size
    max_norm -- gradients are clipped to this global norm before each update
    forget_bias -- initial bf of an LSTM (ignored by cells without one)
    update_bias -- initial bu of a GRU (None: left at 0; an error for a
                   cell without bu); negative = the state is kept at first
    recurrent -- "gaussian" (default) or, for the RNN, "orthogonal": how
                 W_aa starts (see ``memory_initial_parameters``)
    eval_every -- updates between two checks on a fixed validation batch of
                  ``m_eval`` sequences; training stops at the first check
                  whose accuracy reaches ``stop_at``
    m_test -- fresh sequences for the final test
    target -- the test accuracy that counts as learned (``stop_at`` is set
              above it, so that a network stopped just at the threshold of
              the small validation batch is not counted as a failure by the
              noise of the test)

    The weights start as ``memory_initial_parameters`` draws them.

    Returns a ``MemoryRun``.
    """
    get_cell(cell)                                   # ValueError for an unknown name
    for name, value, minimum in [("gap", gap, 0), ("seed", seed, 0), ("n_a", n_a, 1),
                                 ("lead", lead, 0), ("updates", updates, 1),
                                 ("batch", batch, 1), ("eval_every", eval_every, 1),
                                 ("m_eval", m_eval, 1), ("m_test", m_test, 1)]:
        _check_int(name, value, minimum)
    for name, value in [("learning_rate", learning_rate), ("max_norm", max_norm)]:
        _check_positive(name, value)
    for name, value in [("stop_at", stop_at), ("target", target)]:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or not 0 < value <= 1:
            raise ValueError(f"{name} must be in (0, 1]; got {value!r}")

    rng = np.random.default_rng(seed)
    parameters = memory_initial_parameters(cell, n_a, rng, forget_bias, recurrent,
                                           update_bias)
    optimizer = Adam(parameters, learning_rate=learning_rate)
    x_eval, bits_eval = make_memory_task(gap, m_eval, rng, lead=lead)

    history, losses, done = [], [], 0
    while done < updates:
        x, bits = make_memory_task(gap, batch, rng, lead=lead)
        loss, gradients = memory_loss_and_gradients(parameters, cell, x, bits)
        clipped, _ = clip_by_global_norm(gradients, max_norm)
        optimizer.update(parameters, clipped)
        losses.append(loss)
        done += 1
        if done % eval_every == 0 or done == updates:
            accuracy = _accuracy(parameters, cell, x_eval, bits_eval)
            history.append((done, round(float(np.mean(losses)), 6), accuracy))
            losses = []
            if accuracy >= stop_at:
                break

    x_test, bits_test = make_memory_task(gap, m_test, rng, lead=lead)
    accuracy = _accuracy(parameters, cell, x_test, bits_test)
    return MemoryRun(cell, gap, seed, n_a, count_parameters(parameters), done,
                     accuracy, accuracy >= target, history)
