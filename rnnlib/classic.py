"""The classic dinosaur-name model: clip, sample, optimize and the training loop.

This is the character-level RNN of the classic course, on the RNN of SPEC
section 1 (parameters ``Wax, Waa, Wya, ba, by``; gradients ``dWax, dWaa,
dWya, dba, dby``). One name is one training example (see
``rnnlib.vocab.make_example``):

    X = [None] + indices(name)     (None: x<1> is the zero vector)
    Y = indices(name) + [0]        (0: the end-of-name token '\\n')
    loss = sum over t of -log ŷ<t>[Y<t>]

``optimize`` does one step of plain SGD on one name; ``model`` repeats it,
one name per step, carrying the hidden state from name to name, and prints a
smoothed loss and a few sampled names now and then.
"""

import numbers

import numpy as np

from .initializers import initialize_rnn_parameters
from .fast import rnn_backward, rnn_forward
from .rnn import RNN_PARAMETER_SHAPES, rnn_cell_forward
from .validation import check_parameters
from .vocab import char_to_ix as _default_char_to_ix
from .vocab import ix_to_char as _default_ix_to_char
from .vocab import make_example

__all__ = ["clip", "sample", "optimize", "model"]

GRADIENT_NAMES = ("dWax", "dWaa", "dWya", "dba", "dby")


def clip(gradients, maxValue):
    """Clip every gradient element-wise to the interval [-maxValue, maxValue].

    Arguments:
    gradients -- dict of arrays, e.g. with dWax, dWaa, dWya, dba, dby
    maxValue -- a number >= 0

    Returns a new dict with the same keys holding clipped copies; values
    inside the interval are unchanged. The caller's dict and arrays are not
    modified. Raises ValueError for a negative or non-finite maxValue.
    """
    if isinstance(maxValue, bool) or not isinstance(maxValue, numbers.Real):
        raise TypeError(f"maxValue must be a number; got {type(maxValue).__name__}")
    if not np.isfinite(maxValue) or maxValue < 0:
        raise ValueError(f"maxValue must be a finite number >= 0; got {maxValue}")
    if not isinstance(gradients, dict):
        raise TypeError(f"gradients must be a dict of arrays; got {type(gradients).__name__}")
    return {name: np.clip(gradient, -maxValue, maxValue)
            for name, gradient in gradients.items()}


def sample(parameters, char_to_ix, seed, temperature=1.0, max_length=50):
    """Sample one name, character by character, from the RNN.

    Arguments:
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
                  ba (n_a, 1), by (n_y, 1); here n_x = n_y = vocabulary size
    char_to_ix -- dict from character to index; must contain '\\n'
    seed -- an int seed or an ``np.random.Generator`` to draw from
    temperature -- > 0; the probabilities are softmax(z / temperature) for
                   the logits z = Wya a + by: below 1 the likeliest characters
                   get likelier, above 1 the distribution flattens
    max_length -- stop after this many characters (then '\\n' is appended)

    Starts from x<1> = 0 and a<0> = 0, draws each next character from ŷ<t>,
    feeds it back as a one-hot x<t+1>, and stops at '\\n'.
    Returns the list of sampled indices, ending with the index of '\\n'.
    """
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number; got {type(temperature).__name__}")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0; got {temperature}")
    if "\n" not in char_to_ix:
        raise ValueError("char_to_ix must contain the end-of-name token '\\n'")
    dims = check_parameters(parameters, RNN_PARAMETER_SHAPES)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    newline = char_to_ix["\n"]
    # softmax(z / T) with z = Wya a + by is the softmax of an RNN whose output
    # weights are divided by T: sample from that RNN with the ordinary cell.
    scaled = dict(parameters, Wya=parameters["Wya"] / temperature,
                  by=parameters["by"] / temperature)
    x = np.zeros((dims["n_x"], 1))                 # x<1> = 0
    a_prev = np.zeros((dims["n_a"], 1))            # a<0> = 0
    indices = []
    idx = None
    while idx != newline and len(indices) < max_length:
        a_prev, y, _ = rnn_cell_forward(x, a_prev, scaled)   # y: (n_y, 1)
        idx = int(rng.choice(dims["n_y"], p=y.ravel()))      # draw the next character
        indices.append(idx)
        x = np.zeros((dims["n_x"], 1))
        x[idx] = 1                                 # feed it back, one-hot
    if idx != newline:
        indices.append(newline)                    # too long: end the name here
    return indices


def _check_example(X, Y, parameters):
    """Raise unless X = [None] + indices and Y fit each other and the parameters."""
    try:
        n_x, n_y = parameters["Wax"].shape[1], parameters["Wya"].shape[0]
    except (TypeError, KeyError, AttributeError, IndexError):
        check_parameters(parameters, RNN_PARAMETER_SHAPES)   # says what is wrong
        raise
    if len(X) != len(Y):
        raise ValueError(f"X and Y must have the same length (one target per input); "
                         f"got len(X) = {len(X)} and len(Y) = {len(Y)}")
    if len(X) == 0:
        raise ValueError("X and Y must not be empty")
    for name, seq, size in (("X", X, n_x), ("Y", Y, n_y)):
        for t, ix in enumerate(seq):
            if ix is None and name == "X":
                continue
            if isinstance(ix, (bool, np.bool_)) or not isinstance(ix, (int, np.integer)):
                raise TypeError(f"{name}[{t}] must be an int index (or None in X); "
                                f"got {ix!r}")
            if not 0 <= ix < size:
                raise ValueError(f"{name}[{t}] = {ix} is outside the vocabulary "
                                 f"(indices 0..{size - 1})")


def _one_hot(indices, size):
    """One-hot columns for a list of indices, None giving a zero column: (size, 1, T)."""
    x = np.zeros((size, 1, len(indices)))
    for t, ix in enumerate(indices):
        if ix is not None:
            x[ix, 0, t] = 1
    return x


def _loss_and_gradients(X, Y, a_prev, parameters):
    """Loss of one name and its unclipped gradients; returns (loss, gradients, a)."""
    x = _one_hot(X, parameters["Wax"].shape[1])            # inputs (n_x, 1, T_x)
    a, y_hat, caches = rnn_forward(x, a_prev, parameters)  # a (n_a, 1, T_x), y_hat (n_y, 1, T_x)
    T_x = len(Y)
    loss = -np.sum(np.log(y_hat[Y, 0, np.arange(T_x)]))   # sum of -log ŷ<t>[Y<t>]
    dz = y_hat.copy()
    dz[Y, 0, np.arange(T_x)] -= 1                          # dloss/dz<t> = ŷ<t> - y<t>
    Wya = parameters["Wya"]
    dWya = np.einsum("ymt,amt->ya", dz, a)                 # sum over t of dz<t> a<t>.T
    dby = dz.sum(axis=(1, 2))[:, None]                     # sum over t of dz<t>
    da = np.einsum("ya,ymt->amt", Wya, dz)                 # da<t> = Wya.T dz<t>
    grads = rnn_backward(da, caches)                       # through the recurrence
    gradients = {"dWax": grads["dWax"], "dWaa": grads["dWaa"], "dWya": dWya,
                 "dba": grads["dba"], "dby": dby}
    return loss, gradients, a


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    """One step of SGD on one name: forward, backward, clip to ±5, update.

    Arguments:
    X -- list of input indices, X[0] = None (the zero vector), e.g. [None, 18, 5, 24]
    Y -- list of target indices, the same length, e.g. [18, 5, 24, 0]
    a_prev -- hidden state before the name, shape (n_a, 1)
    parameters -- dict with Wax, Waa, Wya, ba, by (see ``sample``); updated
                  in place: each entry is replaced by its updated array, as
                  the classic course's update does
    learning_rate -- step size of SGD

    Returns:
    loss -- the loss of this name before the update (sum over t of -log ŷ<t>[Y<t>])
    gradients -- dict dWax, dWaa, dWya, dba, dby, clipped to [-5, 5]
    a_last -- the last hidden state a<T_x>, shape (n_a, 1)
    """
    _check_example(X, Y, parameters)              # rnn_forward checks the rest
    loss, gradients, a = _loss_and_gradients(X, Y, a_prev, parameters)
    gradients = clip(gradients, 5)                         # tame exploding gradients
    for name in ("Wax", "Waa", "Wya", "ba", "by"):
        parameters[name] = parameters[name] - learning_rate * gradients["d" + name]
    return loss, gradients, a[:, :, -1]


def model(names, ix_to_char=_default_ix_to_char, char_to_ix=_default_char_to_ix,
          num_iterations=22001, n_a=50, dino_names=7, vocab_size=27,
          learning_rate=0.01, sample_every=2000, seed=0, verbose=True,
          history=None):
    """Train the classic model: plain SGD, one name per step.

    Arguments:
    names -- list of lower-cased names, e.g. ``load_dinosaurs()``
    ix_to_char, char_to_ix -- the vocabulary maps (default: rnnlib.vocab's)
    num_iterations -- number of SGD steps (one name each)
    n_a -- number of hidden units
    dino_names -- how many names to sample at each report
    vocab_size -- vocabulary size (n_x = n_y)
    learning_rate -- SGD step size
    sample_every -- print the loss and samples every this many iterations
    seed -- seeds the initial weights, the order of the names and the samples
    verbose -- print the reports
    history -- a list to which the smoothed loss of every iteration is appended

    The names are shuffled once and visited in a cycle; the hidden state is
    carried from one name to the next, as in the classic course. The printed
    loss is smoothed, ``loss = 0.999 loss + 0.001 loss_of_this_name``,
    starting from ``dino_names * ln(vocab_size)`` (the loss of a uniform guess
    for names of about that length). Returns the trained parameters.
    """
    rng = np.random.default_rng(seed)
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, rng)
    loss = -np.log(1.0 / vocab_size) * dino_names     # smoothed loss at the start
    examples = list(names)
    rng.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    sample_seed = seed
    for j in range(num_iterations):
        X, Y = make_example(examples[j % len(examples)])
        curr_loss, _, a_prev = optimize(X, Y, a_prev, parameters, learning_rate)
        loss = 0.999 * loss + 0.001 * curr_loss
        if history is not None:
            history.append(loss)
        if verbose and j % sample_every == 0:
            print(f"Iteration: {j}, Loss: {loss:.6f}\n")
            for _ in range(dino_names):
                indices = sample(parameters, char_to_ix, sample_seed)
                text = "".join(ix_to_char[ix] for ix in indices)
                print(text[0].upper() + text[1:], end="")
                sample_seed += 1
            print("\n")
    return parameters
