"""The classic dinosaur-name model: clip, sample, optimize and the loop.

This is the character-level RNN of the classic course, on the RNN of
chapter 1 (parameters ``Wax, Waa, Wya, ba, by``; gradients ``dWax, dWaa,
dWya, dba, dby``). One name is one training example (see
``rnnlib.charlm.vocab.make_example``):

    X = [None] + indices(name)     (None: x<1> is the zero vector)
    Y = indices(name) + [0]        (0: the end-of-name token '\\n')
    loss = sum over t of -log ŷ<t>[Y<t>]

``optimize`` does one step of plain SGD on one name; ``model`` repeats it,
one name per step, carrying the hidden state from name to name, and prints a
smoothed loss and a few sampled names now and then.

The forward and backward passes over a name are the reference functions of
chapters 1 and 3, ``rnn_forward`` and ``rnn_backward``.
"""

import numpy as np

from ..initializers import initialize_rnn_parameters
from ..rnn import RNN_PARAMETER_SHAPES, rnn_cell_forward, rnn_forward
from ..rnn_backward import rnn_backward
from ..validation import as_generator, check_number, check_parameters
from .vocab import char_to_ix as _default_char_to_ix
from .vocab import ix_to_char as _default_ix_to_char
from .vocab import make_example

__all__ = ["clip", "sample", "optimize", "model", "loss_and_gradients"]


def clip(gradients, maxValue):
    """Clip every gradient element-wise to [-maxValue, maxValue].

    Arguments:
    gradients -- dict of arrays, e.g. dWax, dWaa, dWya, dba, dby
    maxValue -- a number >= 0

    Returns a new dict with the same keys holding clipped copies; values
    inside the interval are unchanged. The caller's dict and arrays are
    not modified. Raises ValueError for a negative maxValue.
    """
    _check_clip_arguments(gradients, maxValue)
    return {name: np.clip(gradient, -maxValue, maxValue)
            for name, gradient in gradients.items()}


def _check_clip_arguments(gradients, maxValue):
    """Raise unless gradients is a dict and maxValue a finite number >= 0."""
    check_number("maxValue", maxValue, 0)
    if not isinstance(gradients, dict):
        raise TypeError("gradients must be a dict of arrays; "
                        f"got {type(gradients).__name__}")


def sample(parameters, char_to_ix, seed, temperature=1.0, max_length=50):
    """Sample one name, character by character, from the RNN.

    Arguments:
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
                  ba (n_a, 1), by (n_y, 1); n_x = n_y = vocabulary size
    char_to_ix -- dict from character to index; must contain '\\n'
    seed -- an int seed, or an np.random.Generator to draw from
    temperature -- > 0; characters are drawn from softmax(z / temperature)
                   for the logits z = Wya a + by: below 1 the likeliest
                   characters get likelier, above 1 all get more even
    max_length -- stop after this many characters (then add '\\n')

    Starts from x<1> = 0 and a<0> = 0, draws each next character from
    ŷ<t>, feeds it back as a one-hot x<t+1>, and stops at '\\n'.
    Returns the list of sampled indices, ending with the index of '\\n'.
    """
    dims = _check_sample_arguments(parameters, char_to_ix, temperature)
    rng = as_generator(seed, "seed")
    newline = char_to_ix["\n"]
    # softmax(z / T) is the softmax of an RNN whose output layer (Wya, by)
    # is divided by T: sample from that RNN, with the ordinary cell.
    scaled = dict(parameters, Wya=parameters["Wya"] / temperature,
                  by=parameters["by"] / temperature)
    x = np.zeros((dims["n_x"], 1))                 # x<1> = 0
    a_prev = np.zeros((dims["n_a"], 1))            # a<0> = 0
    indices = []
    idx = None
    while idx != newline and len(indices) < max_length:
        a_prev, y, _ = rnn_cell_forward(x, a_prev, scaled)  # y (n_y, 1)
        idx = int(rng.choice(dims["n_y"], p=y.ravel()))     # next character
        indices.append(idx)
        x = np.zeros((dims["n_x"], 1))
        x[idx] = 1                                 # feed it back, one-hot
    if idx != newline:
        indices.append(newline)                    # too long: end it here
    return indices


def _check_sample_arguments(parameters, char_to_ix, temperature):
    """Raise unless the arguments of ``sample`` fit; return the sizes."""
    check_number("temperature", temperature, 0, low_open=True)
    if "\n" not in char_to_ix:
        raise ValueError("char_to_ix must contain the end token '\\n'")
    return check_parameters(parameters, RNN_PARAMETER_SHAPES)


def _check_example(X, Y, parameters):
    """Raise unless X = [None] + indices and Y fit each other and the model."""
    try:
        n_x = parameters["Wax"].shape[1]
        n_y = parameters["Wya"].shape[0]
    except (TypeError, KeyError, AttributeError, IndexError):
        check_parameters(parameters, RNN_PARAMETER_SHAPES)  # explains it
        raise
    if len(X) != len(Y):
        raise ValueError("X and Y must have the same length (one target per "
                         f"input); got len(X) = {len(X)} and "
                         f"len(Y) = {len(Y)}")
    if len(X) == 0:
        raise ValueError("X and Y must not be empty")
    for name, seq, size in (("X", X, n_x), ("Y", Y, n_y)):
        for t, ix in enumerate(seq):
            if ix is None and name == "X":
                continue
            if (isinstance(ix, (bool, np.bool_))
                    or not isinstance(ix, (int, np.integer))):
                raise TypeError(f"{name}[{t}] must be an int index (or None "
                                f"in X); got {ix!r}")
            if not 0 <= ix < size:
                raise ValueError(f"{name}[{t}] = {ix} is outside the "
                                 f"vocabulary (indices 0..{size - 1})")


def _one_hot(indices, size):
    """One-hot columns (size, 1, T) for indices; None gives a zero column."""
    x = np.zeros((size, 1, len(indices)))
    for t, ix in enumerate(indices):
        if ix is not None:
            x[ix, 0, t] = 1
    return x


def loss_and_gradients(X, Y, a_prev, parameters):
    """Loss of one name, its unclipped gradients, and the hidden states.

    X, Y, a_prev and parameters are those of ``optimize`` (unchecked here).
    Returns loss (a float), gradients dWax, dWaa, dWya, dba, dby (the shapes
    of the parameters) and a, the hidden states (n_a, 1, T_x).
    """
    x = _one_hot(X, parameters["Wax"].shape[1])   # inputs (n_x, 1, T_x)
    a, y_hat, caches = rnn_forward(x, a_prev, parameters)
    T_x = len(Y)                                  # a (n_a, 1, T_x)
    steps = np.arange(T_x)                        # y_hat (n_y, 1, T_x)
    loss = -np.sum(np.log(y_hat[Y, 0, steps]))    # sum of -log ŷ<t>[Y<t>]
    dz = y_hat.copy()
    dz[Y, 0, steps] -= 1                          # dL/dz<t> = ŷ<t> - y<t>
    dWya = np.einsum("ymt,amt->ya", dz, a)        # sum_t dz<t> a<t>.T
    dby = dz.sum(axis=(1, 2))[:, None]            # sum_t dz<t>
    da = np.einsum("ya,ymt->amt",                 # da<t> = Wya.T dz<t>
                   parameters["Wya"], dz)
    grads = rnn_backward(da, caches)              # through the recurrence
    gradients = {"dWax": grads["dWax"], "dWaa": grads["dWaa"],
                 "dWya": dWya, "dba": grads["dba"], "dby": dby}
    return loss, gradients, a


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    """One step of SGD on one name: forward, backward, clip to ±5, update.

    Arguments:
    X -- input indices, X[0] = None (the zero vector): [None, 18, 5, 24]
    Y -- target indices, the same length: [18, 5, 24, 0]
    a_prev -- hidden state before the name, shape (n_a, 1)
    parameters -- dict with Wax, Waa, Wya, ba, by (see ``sample``);
                  updated in place: each entry is replaced by its updated
                  array, as the classic course's update does
    learning_rate -- step size of SGD

    Returns:
    loss -- the loss of this name before the update
    gradients -- dict dWax, dWaa, dWya, dba, dby, clipped to [-5, 5]
    a_last -- the last hidden state a<T_x>, shape (n_a, 1)
    """
    _check_example(X, Y, parameters)   # rnn_forward checks the rest
    loss, gradients, a = loss_and_gradients(X, Y, a_prev, parameters)
    gradients = clip(gradients, 5)     # tame exploding gradients
    for name in ("Wax", "Waa", "Wya", "ba", "by"):
        step = learning_rate * gradients["d" + name]
        parameters[name] = parameters[name] - step
    return loss, gradients, a[:, :, -1]


def model(names, ix_to_char=_default_ix_to_char,
          char_to_ix=_default_char_to_ix, num_iterations=22001, n_a=50,
          dino_names=7, vocab_size=27, learning_rate=0.01,
          sample_every=2000, seed=0, verbose=True, history=None):
    """Train the classic model: plain SGD, one name per step.

    Arguments:
    names -- list of lower-cased names, e.g. ``load_dinosaurs()``
    ix_to_char, char_to_ix -- the vocabulary maps (default: rnnlib.charlm.vocab's)
    num_iterations -- number of SGD steps (one name each)
    n_a -- number of hidden units
    dino_names -- how many names to sample at each report
    vocab_size -- vocabulary size (n_x = n_y)
    learning_rate -- SGD step size
    sample_every -- report the loss and samples this often
    seed -- seeds the weights, the order of the names and the samples
    verbose -- print the reports
    history -- a list; the smoothed loss of every step is appended to it

    The names are shuffled once and visited in a cycle; the hidden state
    is carried from one name to the next, as in the classic course. The
    loss is smoothed, loss = 0.999 loss + 0.001 loss_of_this_name, from
    dino_names * ln(vocab_size), the loss of uniform guesses for a name of
    about that length. Returns the trained parameters.
    """
    rng = np.random.default_rng(seed)
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, rng)
    loss = -np.log(1.0 / vocab_size) * dino_names   # smoothed loss
    examples = list(names)
    rng.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    sample_seed = seed
    for j in range(num_iterations):
        X, Y = make_example(examples[j % len(examples)])
        curr_loss, _, a_prev = optimize(X, Y, a_prev, parameters,
                                        learning_rate)
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
