"""A memory task: keep one bit across a gap full of distractors (chapter 2).

Every sequence has three input channels (n_x = 3); columns are examples:

    x[0]  value   +1 or -1 at every step but the last, drawn at random
    x[1]  store   1 at the store step, 0 elsewhere
    x[2]  recall  1 at the last step, 0 elsewhere

The bit to remember is the value at the store step. It arrives after ``lead``
steps of distractors and is followed by ``gap`` more, so ``T_x = lead + 1 +
gap + 1``; at the last step the network must report it. The values around the
store step look exactly like the bit: only the store marker says which one
counts.

A network answers through a softmax over two classes, class 0 meaning -1 and
class 1 meaning +1; ``recall_accuracy`` scores its answer at the last step.
``memory_lstm_parameters`` gives a one-unit LSTM whose weights are set by hand
to solve the task, ``memory_gru_parameters`` a one-unit GRU (chapter 4),
``memory_two_unit_rnn_parameters`` a two-unit vanilla RNN that solves it too,
and ``memory_rnn_parameters`` a one-unit RNN for comparison.
"""

import numpy as np

from .validation import as_generator, check_number

__all__ = ["make_memory_task", "memory_lstm_parameters", "memory_gru_parameters",
           "memory_rnn_parameters", "memory_two_unit_rnn_parameters",
           "one_unit_rnn_accuracies", "recall_accuracy"]

# Input channels, i.e. rows of x<t>.
VALUE, STORE, RECALL = 0, 1, 2


def make_memory_task(gap, m, rng, lead=5):
    """Draw ``m`` sequences of the memory task.

    Arguments:
    gap -- number of distractor steps between the store step and the last step
    m -- number of sequences (examples)
    rng -- a ``np.random.Generator`` or an int seed
    lead -- number of distractor steps before the store step (default 5)

    Returns:
    x -- inputs, shape (3, m, T_x) with T_x = lead + gap + 2 (channels above)
    bits -- the value at the store step of each sequence, shape (m,), +1 or -1
    """
    gap = check_number("gap", gap, 0, integer=True)
    m = check_number("m", m, 1, integer=True)
    lead = check_number("lead", lead, 0, integer=True)
    rng = as_generator(rng)
    T_x = lead + gap + 2
    x = np.zeros((3, m, T_x))
    x[VALUE, :, :-1] = rng.choice([-1.0, 1.0], size=(m, T_x - 1))  # bit, distractors
    x[STORE, :, lead] = 1.0                                         # "keep this one"
    x[RECALL, :, -1] = 1.0                                          # "answer now"
    bits = x[VALUE, :, lead].copy()
    return x, bits


def memory_lstm_parameters(k=10.0):
    """A one-unit LSTM (n_a = 1) that solves the memory task, weights set by hand.

    The gates read concat = [a<t-1>; value; store; recall], so every gate's
    weight row has 4 entries in that order. ``k`` sets how hard the gates
    switch: sigmoid(k) is "open", sigmoid(-k) is "closed".

    Returns a dict with the keys and shapes of
    ``initialize_lstm_parameters(3, 1, 2, rng)``.
    """
    return {
        # columns:        a_prev value  store   recall        bias
        # forget: keep the memory (open), except at the store step: erase it
        "Wf": np.array([[0.0, 0.0, -2 * k, 0.0]]), "bf": np.array([[k]]),
        # update: write only at the store step; every distractor is ignored
        "Wi": np.array([[0.0, 0.0, 2 * k, 0.0]]), "bi": np.array([[-k]]),
        # candidate: what would be written is the value itself, squashed to ~+-1
        "Wc": np.array([[0.0, 3.0, 0.0, 0.0]]), "bc": np.array([[0.0]]),
        # output: keep the memory private until the recall step, then show it
        "Wo": np.array([[0.0, 0.0, 0.0, 2 * k]]), "bo": np.array([[-k]]),
        # readout: class 1 (+1) if a > 0, class 0 (-1) if a < 0, 50/50 at a = 0
        "Wy": np.array([[-6.0], [6.0]]), "by": np.zeros((2, 1)),
    }


def memory_gru_parameters(k=10.0):
    """A one-unit GRU (n_a = 1) that solves the memory task, weights set by hand.

    Both gates and the candidate read [a<t-1>; value; store; recall] (the
    candidate with a<t-1> multiplied by the reset gate first), so every weight
    row has 4 entries in that order. ``k`` sets how hard the gates switch:
    sigmoid(k) is "open", sigmoid(-k) is "closed".

    The GRU has no output gate: its hidden state shows the memory at every
    step, so it answers with the stored bit from the store step on, not only
    at the recall step. Returns a dict with the keys and shapes of
    ``initialize_gru_parameters(3, 1, 2, rng)``.
    """
    return {
        # columns:        a_prev value  store   recall        bias
        # update: take the candidate only at the store step; keep a<t-1> elsewhere
        "Wu": np.array([[0.0, 0.0, 2 * k, 0.0]]), "bu": np.array([[-k]]),
        # reset: closed, so the candidate ignores the old state entirely
        "Wr": np.zeros((1, 4)), "br": np.array([[-k]]),
        # candidate: the value itself, squashed to about +-1
        "Wc": np.array([[0.0, 3.0, 0.0, 0.0]]), "bc": np.array([[0.0]]),
        # readout: class 1 (+1) if a > 0, class 0 (-1) if a < 0, 50/50 at a = 0
        "Wy": np.array([[-6.0], [6.0]]), "by": np.zeros((2, 1)),
    }


def memory_rnn_parameters(w, u, store=0.0, recall=0.0, b=0.0):
    """A one-unit RNN a<t> = tanh(w a<t-1> + u value + store·s + recall·r + b).

    Arguments:
    w -- the self-loop (how much of the old state is kept)
    u -- weight of the value channel
    store, recall -- weights of the store and recall markers (default 0)
    b -- the bias (default 0)

    The readout is fixed: class +1 if a > 0, class -1 if a < 0. Returns a
    dict with the keys and shapes of ``initialize_rnn_parameters(3, 1, 2, rng)``.
    """
    return {"Wax": np.array([[float(u), float(store), float(recall)]]),
            "Waa": np.array([[float(w)]]),
            "ba": np.array([[float(b)]]),
            "Wya": np.array([[-6.0], [6.0]]),
            "by": np.zeros((2, 1))}


def memory_two_unit_rnn_parameters(k=10.0, w=3.0):
    """A two-unit vanilla RNN that solves the memory task, weights set by hand.

    Unit 0, the *detector*, fires (+1) only when the store marker is on and
    the value is +1; everywhere else it sits at -1. One tanh of a sum can do
    this because value + store - 1.5 is positive only in that case:

        d<t> = tanh(k (value + store - 1.5))

    Unit 1, the *latch*, holds its sign with a self-loop ``w`` > 1 (two stable
    states near +1 and -1). The store marker pushes it to -1; one step later
    the detector's +1, if the value was +1, pushes it to +1:

        h<t> = tanh(w h<t-1> + (k/2) (d<t-1> + 1) - 2k store)

    Between those moments d<t-1> + 1 is almost exactly 0 and the latch keeps
    its sign, so the distractors never reach it. The readout reads the latch
    only. Returns a dict with the keys and shapes of
    ``initialize_rnn_parameters(3, 2, 2, rng)``.
    """
    k, w = float(k), float(w)
    return {
        # columns:           value    store   recall
        "Wax": np.array([[k, k, 0.0],           # detector: value AND store
                         [0.0, -2 * k, 0.0]]),  # latch: reset at the store step
        # columns:         detector  latch
        "Waa": np.array([[0.0, 0.0],            # the detector has no memory
                         [k / 2, w]]),          # latch: detector's verdict, itself
        "ba": np.array([[-1.5 * k],
                        [k / 2]]),              # cancels (k/2) d<t-1> when d = -1
        "Wya": np.array([[0.0, -6.0], [0.0, 6.0]]),  # answer = sign of the latch
        "by": np.zeros((2, 1)),
    }


def one_unit_rnn_accuracies(settings, x, bits):
    """Recall accuracy of many one-unit RNNs at once, one per row of ``settings``.

    Arguments:
    settings -- shape (N, 5): columns w, u, store, recall, b as in
                ``memory_rnn_parameters`` (one network per row)
    x -- inputs of the memory task, shape (3, m, T_x)
    bits -- the stored bits, shape (m,)

    Returns an array of shape (N,): for each network, the fraction of
    sequences whose last state a<T_x> has the sign of the stored bit (a state
    of exactly 0 counts as wrong), i.e. ``recall_accuracy`` of
    ``rnn_forward(x, a0=0, memory_rnn_parameters(*row))``. It runs the N
    networks side by side, one time step at a time, with the same formula as
    the vanilla cell: a<t> = tanh(w a<t-1> + u value + s store + r recall + b).
    """
    settings = np.asarray(settings, dtype=float)
    if settings.ndim != 2 or settings.shape[1] != 5:
        raise ValueError("settings must have shape (N, 5): columns w, u, store, "
                         f"recall, b; got {settings.shape}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 3 or x.shape[0] != 3:
        raise ValueError(f"x must have shape (3, m, T_x); got {x.shape}")
    w, u, s, r, b = (settings[:, j:j + 1] for j in range(5))   # each (N, 1)
    a = np.zeros((settings.shape[0], x.shape[1]))              # (N, m)
    for t in range(x.shape[2]):
        a = np.tanh(w * a + u * x[VALUE, :, t] + s * x[STORE, :, t]
                    + r * x[RECALL, :, t] + b)
    return np.mean(np.sign(a) == np.asarray(bits)[None, :], axis=1)


def recall_accuracy(y, bits):
    """Fraction of sequences whose answer at the last step is the stored bit.

    Arguments:
    y -- predictions, shape (2, m, T_x): class 0 means -1, class 1 means +1
    bits -- the stored bits, shape (m,)

    A tie (both classes at 0.5, i.e. no answer) counts as wrong.
    """
    p_plus = y[1, :, -1]
    answer = np.where(p_plus > 0.5, 1.0, np.where(p_plus < 0.5, -1.0, 0.0))
    return float(np.mean(answer == bits))
