"""Checkers for the four functions of the dinosaur-name model (chapter 5).

    check_clip(fn)       fn(gradients, maxValue) -> gradients
    check_sample(fn)     fn(parameters, char_to_ix, seed) -> list of indices
    check_optimize(fn)   fn(X, Y, a_prev, parameters, learning_rate)
                             -> (loss, gradients, a_last), parameters updated
    check_model(fn)      fn(names, ix_to_char, char_to_ix, num_iterations, n_a,
                            dino_names, vocab_size, learning_rate, sample_every,
                            seed) -> parameters

They accept every correct implementation: ``clip`` may clip in place (as the
classic course does) or return copies; ``sample`` may draw with any random
protocol, as long as the same seed gives the same name; ``optimize`` may be
built on the library's forward and backward passes or written out. Each names
the classic mistakes it knows (the ``Mistake`` entries below, each with a wrong
function that makes it) and says what to fix.

``sample`` is random, so it is checked by properties and statistics on designed
parameters whose behaviour is known exactly: an output layer that ignores the
state (every character drawn from one known distribution), a chain that always
continues a letter with the next one, a hidden unit that latches once an 'a' is
read, and a distribution that almost never ends a name. Every seed is fixed, so
a function gets the same verdict on every run. ``check_model`` runs a short
training (a fraction of a second with the library's functions) and watches the
calls the model makes to ``optimize`` and ``sample``: the hidden state carried
from name to name, the names visited, the smoothed loss it prints (from
``dino_names * ln(vocab_size)``) and the sampling schedule.
"""

import contextlib
import copy
import functools
import io
import math
import random
import re
import sys

import numpy as np

from ._core import CheckFailed, Mistake, announce, compare, not_written_yet

__all__ = ["check_clip", "check_sample", "check_optimize", "check_model"]

SEED = 5050
KEYS = ("dWax", "dWaa", "dWya", "dba", "dby")
PARAMS = ("Wax", "Waa", "Wya", "ba", "by")


def _raised(name, where, error):
    """The CheckFailed for an unexpected exception from the reader's function."""
    return CheckFailed(f"{name}, {where}: your function raised "
                       f"{type(error).__name__}: {error}")


# ================================================================ clip


def _clip_impl(gradients, maxValue, mistake=None):
    """clip, right or with one classic mistake (the catalogue's wrong functions)."""
    if mistake == "course_keys":
        dWaa, dWax, dWya = gradients["dWaa"], gradients["dWax"], gradients["dWya"]
        db, dby = gradients["db"], gradients["dby"]
        for g in (dWaa, dWax, dWya, db, dby):
            np.clip(g, -maxValue, maxValue, out=g)
        return gradients
    out = {}
    for key, g in gradients.items():
        if mistake == "no_effect":
            np.clip(g, -maxValue, maxValue)              # result thrown away
            out[key] = g
        elif mistake == "upper_only":
            out[key] = np.minimum(g, maxValue)
        elif mistake == "lower_zero":
            out[key] = np.clip(g, 0, maxValue)
        elif mistake == "fixed_10":
            out[key] = np.clip(g, -10, 10)
        elif mistake == "fixed_5":
            out[key] = np.clip(g, -5, 5)
        elif mistake == "weights_only":
            out[key] = np.clip(g, -maxValue, maxValue) if key.startswith("dW") else g
        elif mistake == "norm":
            norm = np.linalg.norm(g)
            out[key] = g * maxValue / norm if norm > maxValue else g
        elif mistake == "swapped":
            out[key] = np.clip(g, maxValue, -maxValue)
        elif mistake == "no_return":
            np.clip(g, -maxValue, maxValue, out=g)
        else:
            np.clip(g, -maxValue, maxValue, out=g)       # in place, as the course
            out[key] = g
    if mistake == "no_return":
        return None
    return out


CLIP_NO_EFFECT = ("nothing was clipped: np.clip returns a new array unless you give it "
                  "out=. Write the result back (gradients[key] = np.clip(g, -maxValue, "
                  "maxValue)) or clip in place (np.clip(g, -maxValue, maxValue, "
                  "out=g)).")
CLIP_FIXED = ("the values were cut at a fixed bound whatever maxValue was: use the "
              "argument maxValue, not a number written into the function.")
CLIP_NORM = ("you rescaled the gradient by its norm: this clip is element-wise, each "
             "value is cut to [-maxValue, maxValue] on its own (np.clip). Scaling by "
             "the norm is another method (chapter 3's clip_by_global_norm).")


def _clip_mistakes():
    def wrong(mistake):
        return functools.partial(_clip_impl, mistake=mistake)
    return [
        Mistake(CLIP_NO_EFFECT, wrong("no_effect")),
        Mistake("only values above maxValue were clipped: values below -maxValue must "
                "become -maxValue too, the interval is [-maxValue, maxValue].",
                wrong("upper_only")),
        Mistake("negative values became 0: the lower bound is -maxValue, not 0.",
                wrong("lower_zero")),
        Mistake(CLIP_FIXED, wrong("fixed_10")),
        Mistake(CLIP_FIXED, wrong("fixed_5")),
        Mistake("the bias gradients dba and dby were not clipped: clip every gradient "
                "in the dict (loop over gradients.items()).", wrong("weights_only")),
        Mistake(CLIP_NORM, wrong("norm")),
        Mistake("every value became -maxValue: the bounds are swapped. np.clip takes "
                "the lower bound first: np.clip(g, -maxValue, maxValue).",
                wrong("swapped")),
        Mistake("your function clipped the arrays in place but returned None: return "
                "the dict of gradients.", wrong("no_return")),
        Mistake("gradients['db'] does not exist: in this book the gradients are "
                "dWax, dWaa, dWya, dba and dby. Loop over the dict instead of naming "
                "its keys.", wrong("course_keys")),
    ]


def _clip_cases():
    rng = np.random.default_rng(SEED)
    shapes = {"dWax": (6, 27), "dWaa": (6, 6), "dWya": (27, 6), "dba": (6, 1),
              "dby": (27, 1)}
    cases = []
    for maxValue, spread in ((10, 12.0), (5, 6.0), (0.5, 1.0), (5, 1.0)):
        gradients = {k: spread * rng.standard_normal(s) for k, s in shapes.items()}
        cases.append((f"maxValue={maxValue}", gradients, maxValue))
    return cases


def check_clip(fn):
    """Check a reader's ``clip(gradients, maxValue)``.

    ``gradients`` is a dict of arrays dWax, dWaa, dWya, dba, dby; the function
    returns the dict with every value cut to [-maxValue, maxValue]. Clipping in
    place and returning the same dict is right; so is returning new arrays.
    Prints ``"clip: all 4 checks passed."`` or raises ``CheckFailed``.
    """
    from ..charlm.classic import clip
    mistakes = _clip_mistakes()
    announce("clip", clip, mistakes)
    cases = _clip_cases()
    for number, (label, gradients, maxValue) in enumerate(cases, start=1):
        where = f"check {number} of {len(cases)} ({label})"
        expected = {k: np.clip(g, -maxValue, maxValue) for k, g in gradients.items()}
        given = copy.deepcopy(gradients)
        try:
            result = fn(given, maxValue)
        except KeyError as error:
            if error.args and error.args[0] == "db":
                raise CheckFailed(
                    f"clip, {where}: {mistakes[-1].explanation}") from None
            raise _raised("clip", where, error) from error
        except CheckFailed:
            raise
        except Exception as error:
            if not_written_yet("clip", error):
                return None
            raise _raised("clip", where, error) from error
        if result is None:
            if compare(given, expected, "gradients") is None:
                raise CheckFailed(f"clip, {where}: {mistakes[-2].explanation}")
            raise CheckFailed(f"clip, {where}: your function returned None; it should "
                              "return the dict of clipped gradients.")
        problem = compare(result, expected, "gradients")
        if problem is None:
            continue
        for mistake in mistakes[:-2]:
            wrong = mistake.fn(copy.deepcopy(gradients), maxValue)
            if compare(wrong, expected, "gradients") is not None and \
                    compare(result, wrong, "gradients") is None:
                raise CheckFailed(f"clip, {where}: {mistake.explanation}\n"
                                  f"(In detail: {problem}.)")
        raise CheckFailed(f"clip, {where}: {problem}.")
    print(f"clip: all {len(cases)} checks passed.")


# ================================================================ sample

VOCAB = 27
NEWLINE = 0
LIMIT = 50           # characters drawn at most; then '\n' is appended
TINY = 1e-6          # a drawn character this unlikely under the model: a mistake


def _standard_vocab():
    chars = ["\n"] + [chr(ord("a") + i) for i in range(26)]
    return {ch: i for i, ch in enumerate(chars)}


def _design_iid():
    """The state is ignored: every character from one known distribution p."""
    weights = 1.0 / np.arange(2, 28) ** 0.8         # letters: a falling profile
    p = np.concatenate([[0.1], 0.9 * weights / weights.sum()])
    n_a = 4
    params = {"Wax": np.zeros((n_a, VOCAB)), "Waa": np.zeros((n_a, n_a)),
              "Wya": np.zeros((VOCAB, n_a)), "ba": np.zeros((n_a, 1)),
              "by": np.log(p)[:, None]}
    return params, p


def _design_chain():
    """First letter uniform; then each letter is followed by the next, 'z' by '\\n'."""
    n_a = VOCAB
    Wya = np.zeros((VOCAB, n_a))
    for k in range(1, VOCAB):
        Wya[k + 1 if k < VOCAB - 1 else NEWLINE, k] = 60.0
    by = np.zeros((VOCAB, 1))
    by[NEWLINE] = -30.0
    params = {"Wax": 5.0 * np.eye(n_a), "Waa": np.zeros((n_a, n_a)), "Wya": Wya,
              "ba": np.zeros((n_a, 1)), "by": by}
    return params


def _design_latch():
    """One hidden unit latches once an 'a' is read; then only 'b' or '\\n' follow."""
    B = 10.0
    a_index = 1
    Wax = np.zeros((1, VOCAB))
    Wax[0, a_index] = 2 * B
    on = np.full(VOCAB, -30.0)            # latched: 'b' (0.8) or the end (0.2)
    on[2] = 30.0
    on[NEWLINE] = 30.0 + math.log(0.25)
    off = np.zeros(VOCAB)                 # not latched: a uniform letter, no end
    off[NEWLINE] = -30.0
    params = {"Wax": Wax, "Waa": np.array([[B]]), "ba": np.array([[-0.5 * B]]),
              "Wya": ((on - off) / 2)[:, None], "by": ((on + off) / 2)[:, None]}
    return params


def _design_long():
    """Letters only, the end almost never drawn: names reach the length limit."""
    params, _ = _design_iid()
    params = dict(params)
    by = params["by"].copy()
    by[NEWLINE] = math.log(1e-3) - 2.0       # the end: probability about 1e-3
    params["by"] = by
    return params


def _permuted_vocab():
    """'\\n' at index 26, the letters at 0..25."""
    chars = [chr(ord("a") + i) for i in range(26)] + ["\n"]
    return {ch: i for i, ch in enumerate(chars)}


def _sample_impl(parameters, char_to_ix, seed, mistake=None):
    """sample, right or with one classic mistake (the catalogue's wrong functions)."""
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    vocab_size, n_a = Wya.shape
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    newline = 0 if mistake == "newline_is_0" else char_to_ix["\n"]
    limit = 49 if mistake == "off_by_one" else LIMIT
    rng = np.random.default_rng(seed)
    if mistake == "ignores_seed":
        rng = np.random
    indices = []
    idx = -1
    while idx != newline and (len(indices) < limit or mistake == "no_limit"):
        a = np.tanh(Wax @ x + Waa @ a_prev + ba)
        z = Wya @ a + by
        y = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        if mistake == "greedy":
            idx = int(np.argmax(y))
        elif mistake == "reseed_each_step":
            idx = int(np.random.default_rng(seed).choice(vocab_size, p=y.ravel()))
        elif mistake == "p_not_flat":
            idx = int(rng.choice(vocab_size, p=y))
        else:
            idx = int(rng.choice(vocab_size, p=y.ravel()))
        indices.append(idx)
        if mistake != "x_not_fed_back":
            if mistake != "x_not_reset":
                x = np.zeros((vocab_size, 1))
            x[idx] = 1
        if mistake != "a_not_carried":
            a_prev = a
    if idx != newline and mistake != "no_newline_at_limit":
        indices.append(newline)
    if mistake == "characters":
        ix_to_char = {i: ch for ch, i in char_to_ix.items()}
        return [ix_to_char[i] for i in indices]
    return indices


SAMPLE_MESSAGES = {
    "greedy": "every character is the most likely one (argmax): draw it at random with "
              "the model's probabilities, np.random.choice(vocab_size, p=y.ravel()).",
    "x_not_fed_back": "the sampled character is not fed back: after drawing idx, the "
                      "next input x must be its one-hot vector (x = zeros, "
                      "x[idx] = 1).",
    "x_not_reset": "x keeps the ones of earlier characters: reset x to zeros before "
                   "setting x[idx] = 1, so that it is the one-hot of the last "
                   "character only.",
    "a_not_carried": "the hidden state is not carried: after each step, the new state "
                     "becomes a_prev for the next step (a_prev = a).",
    "reseed_each_step": "the characters of a name are not independent draws: you seed "
                        "the generator with the same number at every step, so every "
                        "draw uses the same random number. Seed once per name (or use "
                        "seed + counter, a different seed per step).",
    "ignores_seed": "every seed gives the same names, whatever seed you pass: use the "
                    "seed argument (np.random.seed(seed) or "
                    "np.random.default_rng(seed)).",
    "not_reproducible": "the same seed gave different names on two calls: seed your "
                        "random generator with the seed argument inside the function.",
    "no_limit": "your function ran on and on without ending the name: stop after 50 "
                "characters, then append '\\n'.",
    "no_newline_at_limit": "a name that reached 50 characters does not end with '\\n': "
                           "after the loop, append char_to_ix['\\n'] when the limit "
                           "stopped it.",
    "off_by_one": "names stop one character early: the limit is 50 characters, then "
                  "'\\n' (51 indices in all).",
    "p_not_flat": "np.random.choice needs a flat vector of probabilities: y has shape "
                  "(vocab_size, 1), so pass p=y.ravel().",
    "newline_is_0": "the end of a name is char_to_ix['\\n'], which is not always index "
                    "0: compare with char_to_ix['\\n'] instead of a fixed number.",
    "characters": "your function returns characters; it should return their indices "
                  "(ints), ending with the index of '\\n'.",
}


def _sample_mistakes():
    return [Mistake(text, functools.partial(_sample_impl, mistake=name))
            for name, text in SAMPLE_MESSAGES.items() if name != "not_reproducible"] + [
        Mistake(SAMPLE_MESSAGES["not_reproducible"], _not_reproducible_sample)]


_MODULE_RNG = np.random.default_rng(7)


def _not_reproducible_sample(parameters, char_to_ix, seed):
    """A wrong sample that draws from a generator created once, outside."""
    return _sample_impl(parameters, char_to_ix, int(_MODULE_RNG.integers(1 << 30)))


class _TooLong(Exception):
    """The reader's function ran past its budget of lines."""


def _call_with_budget(fn, args, budget=20_000):
    """fn(*args), stopped by _TooLong after ``budget`` lines of the reader's code."""
    target = getattr(getattr(fn, "__code__", None), "co_filename", None)
    count = [0]

    def local(frame, event, arg):
        if event == "line":
            count[0] += 1
            if count[0] > budget:
                raise _TooLong
        return local

    def tracer(frame, event, arg):
        if target is not None and frame.f_code.co_filename == target:
            return local
        return None

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        return fn(*args)
    finally:
        sys.settrace(old)


def _draw(fn, params, vocab, seeds, state=12345):
    """Names drawn by fn for each seed, from the same global random state."""
    names = []
    for seed in seeds:
        np.random.seed(state)
        random.seed(state)
        names.append(_call_with_budget(fn, (copy.deepcopy(params), dict(vocab), seed)))
    return names


def _as_indices(name, newline):
    """The reader's name as a list of ints, or a CheckFailed message."""
    if isinstance(name, np.ndarray):
        name = name.tolist()
    if isinstance(name, str) or (isinstance(name, (list, tuple)) and name
                                 and all(isinstance(i, str) for i in name)):
        return SAMPLE_MESSAGES["characters"]
    if not isinstance(name, (list, tuple)):
        return (f"your function returned {type(name).__name__}; it should return a "
                "list of indices ending with the index of '\\n'.")
    if not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool)
               for i in name):
        return "the list should hold int indices only."
    return [int(i) for i in name]


def _structure(names, newline):
    """A message if some name is not well formed, else None."""
    for number, name in enumerate(names):
        if not name:
            return f"name {number} is an empty list: it should at least hold '\\n'."
        if any(not 0 <= i < VOCAB for i in name):
            return f"name {number} holds an index outside 0..{VOCAB - 1}: {name}"
        permuted = newline != NEWLINE
        if permuted and (newline in name[:-1] or name[-1] == NEWLINE):
            return SAMPLE_MESSAGES["newline_is_0"]
        if newline in name[:-1]:
            return (f"name {number} goes on after '\\n': stop as soon as "
                    "char_to_ix['\\n'] is drawn.")
        if name[-1] != newline:
            if len(name) >= LIMIT:
                return SAMPLE_MESSAGES["no_newline_at_limit"]
            return (f"name {number} does not end with the index of '\\n' "
                    f"({newline}): {name}")
        if len(name) > LIMIT + 1:
            return SAMPLE_MESSAGES["no_limit"]
    return None


def _forced(params, name, newline, feed="onehot", carry=True, greedy=False):
    """Probability of each drawn character of name under a (possibly wrong) sampler."""
    Wax, Waa, Wya = params["Wax"], params["Waa"], params["Wya"]
    ba, by = params["ba"], params["by"]
    x = np.zeros((VOCAB, 1))
    a_prev = np.zeros((Waa.shape[0], 1))
    drawn = name if len(name) <= LIMIT else name[:-1]     # the last was appended
    probs = []
    for idx in drawn:
        a = np.tanh(Wax @ x + Waa @ a_prev + ba)
        z = (Wya @ a + by).ravel()
        y = np.exp(z - z.max())
        y /= y.sum()
        probs.append(float(idx == int(np.argmax(y))) if greedy else y[idx])
        if feed == "onehot":
            x = np.zeros((VOCAB, 1))
        if feed in ("onehot", "accumulate"):
            x[idx] = 1
        if carry:
            a_prev = a
    return probs


WRONG_SAMPLERS = {"greedy": {"greedy": True},
                  "x_not_fed_back": {"feed": "zero"},
                  "x_not_reset": {"feed": "accumulate"},
                  "a_not_carried": {"carry": False}}


def _log_likelihood(params, names, newline, **how):
    """Sum of log-probabilities of the drawn characters; -inf unless all > TINY."""
    probs = [p for name in names for p in _forced(params, name, newline, **how)]
    if min(probs, default=1.0) <= TINY:
        return -np.inf
    return float(np.sum(np.log(probs)))


def _explained(params, names, newline, **how):
    return all(min(_forced(params, name, newline, **how), default=1.0) > TINY
               for name in names)


def _first_unlikely(params, names, newline):
    ix_to_char = {i: ch for ch, i in _standard_vocab().items()}
    for name in names:
        probs = _forced(params, name, newline)
        for t, p in enumerate(probs):
            if p <= TINY:
                before = "".join(ix_to_char[i] for i in name[:t])
                return (f"after {before!r} your function drew "
                        f"{ix_to_char[name[t]]!r}, which the model gives probability "
                        f"{p:.1e}. Draw each character from ŷ<t> = softmax(Wya a<t> + "
                        "by), with a<t> = tanh(Wax x<t> + Waa a<t-1> + ba).")
    return None


def check_sample(fn):
    """Check a reader's ``sample(parameters, char_to_ix, seed)``.

    It must return a list of indices: characters drawn one at a time from the
    RNN's ŷ<t>, starting from x<1> = 0 and a<0> = 0, each fed back as a one-hot
    x<t+1>, until '\\n' is drawn or 50 characters have been drawn (then '\\n' is
    appended). Any random protocol is fine, as long as the same seed gives the
    same name. Prints ``"sample: all 6 checks passed."`` or raises ``CheckFailed``.
    """
    from ..charlm.classic import sample
    announce("sample", sample, _sample_mistakes())
    state = (np.random.get_state(), random.getstate())
    try:
        return _check_sample(fn)
    finally:
        np.random.set_state(state[0])
        random.setstate(state[1])


def _check_sample(fn):
    vocab = _standard_vocab()
    iid, p = _design_iid()
    # Seeds far apart: a sampler that seeds every step with seed + counter (the
    # classic course's protocol) then draws independent numbers for every name.
    spaced = range(0, 1000 * 300, 1000)
    designs = [("names that almost never end", _design_long(), vocab, spaced[:5]),
               ("an output layer that ignores the state", iid, vocab, spaced),
               ("a chain: each letter followed by the next", _design_chain(), vocab,
                spaced[:60]),
               ("a hidden unit that remembers an 'a'", _design_latch(), vocab,
                spaced[:40]),
               ("'\\n' at index 26", iid, _permuted_vocab(), spaced[:30])]
    drawn = []
    for number, (label, params, design_vocab, seeds) in enumerate(designs, start=1):
        where = f"check {number} of 6 ({label})"
        newline = design_vocab["\n"]
        try:
            names = _draw(fn, params, design_vocab, seeds)
        except _TooLong:
            raise CheckFailed(f"sample, {where}: {SAMPLE_MESSAGES['no_limit']}") \
                from None
        except CheckFailed:
            raise
        except Exception as error:
            if not_written_yet("sample", error):
                return None
            if isinstance(error, ValueError) and "1-dimensional" in str(error):
                raise CheckFailed(f"sample, {where}: {SAMPLE_MESSAGES['p_not_flat']}") \
                    from None
            raise _raised("sample", where, error) from error
        converted = [_as_indices(name, newline) for name in names]
        bad = next((c for c in converted if isinstance(c, str)), None)
        if bad:
            raise CheckFailed(f"sample, {where}: {bad}")
        problem = _structure(converted, newline)
        if problem:
            raise CheckFailed(f"sample, {where}: {problem}")
        if number == 1:
            longest = max(len(name) for name in converted)
            if longest < LIMIT + 1:
                raise CheckFailed(f"sample, {where}: {SAMPLE_MESSAGES['off_by_one']}\n"
                                  f"(In detail: the longest name has {longest - 1} "
                                  "characters before '\\n'.)")
        if 2 <= number <= 4:
            if _explained(params, converted, newline, greedy=True) and \
                    not _explained(params, converted, newline):
                raise CheckFailed(f"sample, {where}: {SAMPLE_MESSAGES['greedy']}")
            if number == 2 and _explained(params, converted, newline, greedy=True):
                raise CheckFailed(f"sample, {where}: {SAMPLE_MESSAGES['greedy']}")
            unlikely = _first_unlikely(params, converted, newline)
            if unlikely:
                scores = {name: _log_likelihood(params, converted, newline, **how)
                          for name, how in WRONG_SAMPLERS.items()}
                best = max(scores, key=scores.get)
                if scores[best] > -np.inf:
                    raise CheckFailed(f"sample, {where}: {SAMPLE_MESSAGES[best]}"
                                      f"\n(In detail: {unlikely})")
                raise CheckFailed(f"sample, {where}: {unlikely}")
        drawn.append((label, params, design_vocab, seeds, converted))
    # seeds: different seeds, different names; the same seed, the same name
    label, params, design_vocab, seeds, names = drawn[1]
    where = "check 6 of 6 (seeds)"
    if all(name == names[0] for name in names):
        raise CheckFailed(f"sample, {where}: {SAMPLE_MESSAGES['ignores_seed']}")
    again = _draw(fn, params, design_vocab, list(seeds)[:20], state=54321)
    again = [_as_indices(name, NEWLINE) for name in again]
    if again != names[:20]:
        raise CheckFailed(f"sample, {where}: {SAMPLE_MESSAGES['not_reproducible']}")
    # statistics on the first design, whose distribution p is known
    letters = [i for name in names for i in name if len(name) <= LIMIT]
    counts = np.bincount(letters, minlength=VOCAB) / len(letters)
    distance = 0.5 * np.abs(counts - p).sum()
    pairs = [(u, v) for name in names for u, v in zip(name[:-2], name[1:-1])]
    repeats = np.mean([u == v for u, v in pairs]) if pairs else 0.0
    expected_repeats = float((p[1:] / p[1:].sum()) @ (p[1:] / p[1:].sum()))
    if repeats > 3 * expected_repeats + 0.05:
        raise CheckFailed(f"sample, check 2 of 6 (statistics): "
                          f"{SAMPLE_MESSAGES['reseed_each_step']}\n(In detail: a "
                          f"character repeats the one before it in {repeats:.0%} of "
                          f"the pairs; expected about {expected_repeats:.0%}.)")
    if distance > 0.1:
        raise CheckFailed(f"sample, check 2 of 6 (statistics): the characters are not "
                          "drawn with the model's probabilities ŷ<t>: over "
                          f"{len(letters)} draws their frequencies differ from ŷ by a "
                          f"total variation of {distance:.2f} (a correct sampler "
                          "stays below 0.1). Draw with p = the softmax of "
                          "Wya a<t> + by.")
    print("sample: all 6 checks passed.")


# ================================================================ optimize


def _one_hot(indices, size, first=None):
    x = np.zeros((size, 1, len(indices)))
    for t, ix in enumerate(indices):
        if ix is not None:
            x[ix, 0, t] = 1
        elif first is not None:
            x[first, 0, t] = 1
    return x


def _optimize_impl(X, Y, a_prev, parameters, learning_rate=0.01, mistake=None):
    """optimize on the core forward and backward passes, right or with one mistake."""
    from ..rnn import rnn_forward
    from ..rnn_backward import rnn_backward
    vocab = parameters["Wax"].shape[1]
    x = _one_hot(X, vocab, first=0 if mistake == "x1_is_newline" else None)
    start = np.zeros_like(a_prev) if mistake == "start_zeros" else a_prev
    a, y_hat, caches = rnn_forward(x, start, parameters)
    steps = np.arange(len(Y))
    loss = -np.sum(np.log(y_hat[Y, 0, steps]))
    if mistake == "loss_mean":
        loss = loss / len(Y)
    dz = y_hat.copy()
    if mistake != "no_minus_one":
        dz[Y, 0, steps] -= 1                              # ŷ<t> - y<t>
    grads = rnn_backward(np.einsum("ya,ymt->amt", parameters["Wya"], dz), caches)
    gradients = {"dWax": grads["dWax"], "dWaa": grads["dWaa"],
                 "dWya": np.einsum("ymt,amt->ya", dz, a),
                 "dba": grads["dba"], "dby": dz.sum(axis=(1, 2))[:, None]}
    clipped = {k: np.clip(g, -5, 5) for k, g in gradients.items()}
    used = gradients if mistake in ("no_clip", "clip_after_update") else clipped
    rate = 0.01 if mistake == "fixed_rate" else learning_rate
    sign = -1 if mistake == "ascent" else 1
    target = dict(parameters) if mistake == "no_update" else parameters
    for name in PARAMS:
        target[name] = target[name] - sign * rate * used["d" + name]
    returned = gradients if mistake == "no_clip" else clipped
    a_last = {"a_prev": a_prev, "a_first": a[:, :, 0],
              "all_states": a}.get(mistake, a[:, :, -1])
    return loss, returned, a_last


OPTIMIZE_MESSAGES = {
    "no_clip": "the gradients are not clipped: clip them to [-5, 5] (clip(gradients, "
               "5)) before the update, and return the clipped ones.",
    "clip_after_update": "the update used the unclipped gradients: clip first, then "
                         "update the parameters with the clipped gradients.",
    "ascent": "the parameters moved up the gradient: gradient descent subtracts, "
              "W = W - learning_rate * dW.",
    "no_update": "the caller's parameters did not change: update the dict you were "
                 "given (parameters['Wax'] = parameters['Wax'] - ..., or -=), not a "
                 "new dict.",
    "fixed_rate": "the step does not scale with learning_rate: use the argument, not a "
                  "fixed 0.01.",
    "a_prev": "a_last is the a_prev you were given: return the last hidden state of "
              "this name, a<T_x> (a[:, :, -1]), which the next name starts from.",
    "a_first": "a_last is the first hidden state a<1>: return the last one, a<T_x> "
               "(a[:, :, -1]).",
    "all_states": "a_last should be the last hidden state only, shape (n_a, 1) "
                  "(a[:, :, -1]), not every state.",
    "start_zeros": "the forward pass starts from zeros: start from the a_prev you "
                   "were given (the state carried over from the previous name).",
    "loss_mean": "the loss is averaged over the characters: it is the sum of "
                 "-log ŷ<t>[Y<t>] over the name.",
    "no_minus_one": "dWya and dby are wrong: through the softmax the gradient is "
                    "ŷ<t> - y<t>, so subtract 1 at each target (dz[Y[t], t] -= 1).",
    "x1_is_newline": "x<1> must be the zero vector (X[0] is None), not the one-hot of "
                     "index 0.",
}


def _optimize_mistakes():
    return [Mistake(text, functools.partial(_optimize_impl, mistake=name))
            for name, text in OPTIMIZE_MESSAGES.items()]


def _optimize_cases():
    from ..charlm.vocab import make_example
    rng = np.random.default_rng(SEED + 2)
    cases = []
    for name, n_a, spread, lr in (("minmi", 7, 0.4, 0.01), ("rex", 5, 0.6, 0.05),
                                  ("tyrannosaurus", 8, 2.0, 0.03)):
        params = {"Wax": spread * rng.standard_normal((n_a, VOCAB)),
                  "Waa": spread * rng.standard_normal((n_a, n_a)),
                  "Wya": spread * rng.standard_normal((VOCAB, n_a)),
                  "ba": 0.3 * rng.standard_normal((n_a, 1)),
                  "by": 0.3 * rng.standard_normal((VOCAB, 1))}
        a_prev = np.tanh(rng.standard_normal((n_a, 1)))
        X, Y = make_example(name)
        cases.append((f"{name!r}, n_a={n_a}, learning_rate={lr}",
                      (X, Y, a_prev, params, lr)))
    return cases


def _optimize_outcome(fn, args):
    """(loss, gradients, a_last, parameters after) of fn on a copy of args."""
    args = copy.deepcopy(args)
    result = fn(*args)
    return result, args[3]


def _optimize_problem(result, params_after, expected):
    """None if the reader's outcome equals the expected one, else a sentence."""
    (e_loss, e_grads, e_a), e_params = expected
    if result is None:
        return "your function returned None; it should return (loss, gradients, a_last)"
    if not isinstance(result, tuple) or len(result) != 3:
        return "your function should return the tuple (loss, gradients, a_last)"
    loss, grads, a_last = result
    try:
        loss = float(np.asarray(loss).item())
    except (TypeError, ValueError):
        return f"loss should be a number; got {type(loss).__name__}"
    return (compare(loss, e_loss, "loss") or compare(grads, e_grads, "gradients")
            or compare(a_last, e_a, "a_last")
            or compare({k: params_after[k] for k in PARAMS},
                       {k: e_params[k] for k in PARAMS}, "the updated parameters"))


def check_optimize(fn):
    """Check a reader's ``optimize(X, Y, a_prev, parameters, learning_rate)``.

    One step of gradient descent on one name: forward pass from a_prev, the
    loss (the sum of -log ŷ<t>[Y<t>]), the gradients, clipped to [-5, 5], the
    update of ``parameters`` (the caller's dict), and the return value
    ``(loss, gradients, a_last)`` with a_last = a<T_x>, shape (n_a, 1).
    Prints ``"optimize: all 3 checks passed."`` or raises ``CheckFailed``.
    """
    from ..charlm.classic import optimize
    mistakes = _optimize_mistakes()
    announce("optimize", optimize, mistakes)
    cases = _optimize_cases()
    for number, (label, args) in enumerate(cases, start=1):
        where = f"check {number} of {len(cases)} ({label})"
        expected = _optimize_outcome(optimize, args)
        try:
            result, after = _optimize_outcome(fn, args)
        except CheckFailed:
            raise
        except Exception as error:
            if not_written_yet("optimize", error):
                return None
            raise _raised("optimize", where, error) from error
        problem = _optimize_problem(result, after, expected)
        if problem is None:
            continue
        for mistake in mistakes:
            wrong = _optimize_outcome(mistake.fn, args)
            if _optimize_problem(*wrong, expected) is not None and \
                    _optimize_problem(result, after, wrong) is None:
                raise CheckFailed(f"optimize, {where}: {mistake.explanation}\n"
                                  f"(In detail: {problem}.)")
        raise CheckFailed(f"optimize, {where}: {problem}.")
    print(f"optimize: all {len(cases)} checks passed.")


# ================================================================ model

MODEL_SETTINGS = {"num_iterations": 301, "n_a": 10, "dino_names": 3,
                  "vocab_size": VOCAB, "learning_rate": 0.05, "sample_every": 100,
                  "seed": 0}
REPORT = re.compile(r"Iteration:?\s*(\d+)\D+?Loss:?\s*([-+]?\d[\d.]*(?:[eE][-+]?\d+)?)")


def _model_impl(names, ix_to_char, char_to_ix, num_iterations=22001, n_a=50,
                dino_names=7, vocab_size=27, learning_rate=0.01, sample_every=2000,
                seed=0, mistake=None):
    """model, right or with one classic mistake (the catalogue's wrong functions).

    Calls ``optimize`` and ``sample`` through this module's globals, as a
    reader's model calls the notebook's.
    """
    from ..charlm.vocab import make_example
    rng = np.random.default_rng(seed)
    scale = 1.0 if mistake == "big_init" else 0.01
    parameters = {"Wax": scale * rng.standard_normal((n_a, vocab_size)),
                  "Waa": scale * rng.standard_normal((n_a, n_a)),
                  "Wya": scale * rng.standard_normal((vocab_size, n_a)),
                  "ba": np.zeros((n_a, 1)), "by": np.zeros((vocab_size, 1))}
    start = {"smooth_from_zero": 0.0, "smooth_per_char": math.log(vocab_size)}
    loss = start.get(mistake, dino_names * math.log(vocab_size))
    examples = list(names)
    rng.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    every = 2000 if mistake == "fixed_schedule" else sample_every
    for j in range(num_iterations):
        name = examples[0] if mistake == "same_name" else examples[j % len(examples)]
        X, Y = make_example(name)
        if mistake == "no_none":
            X = X[1:] + [char_to_ix["\n"]]
        given = copy.deepcopy(parameters) if mistake == "fresh_copy" else parameters
        if mistake == "sample_before_update" and j % every == 0:
            _print_samples(parameters, ix_to_char, char_to_ix, dino_names, seed + j)
        curr_loss, _, a_last = optimize(X, Y, a_prev, given, learning_rate)
        if mistake != "no_carry":
            a_prev = a_last
        smoothed = 0.999 * loss + 0.001 * curr_loss
        loss = curr_loss if mistake == "no_smoothing" else smoothed
        if j % every == 0:
            print(f"Iteration: {j}, Loss: {loss:.6f}\n")
            if mistake != "sample_before_update":
                _print_samples(parameters, ix_to_char, char_to_ix, dino_names,
                               seed if mistake == "same_seed" else seed + j,
                               same=mistake == "same_seed")
    return parameters


def _print_samples(parameters, ix_to_char, char_to_ix, dino_names, seed, same=False):
    for k in range(dino_names):
        indices = sample(parameters, char_to_ix, seed if same else seed + k)
        print("".join(ix_to_char[i] for i in indices).capitalize(), end="")
    print("\n")


def optimize(*args, **kwargs):
    """The library's optimize (called by _model_impl through this name)."""
    from ..charlm.classic import optimize as library_optimize
    return library_optimize(*args, **kwargs)


def sample(*args, **kwargs):
    """The library's sample (called by _model_impl through this name)."""
    from ..charlm.classic import sample as library_sample
    return library_sample(*args, **kwargs)


MODEL_MESSAGES = {
    "no_carry": "the hidden state is not carried from name to name: pass the a_last "
                "that optimize returns as the a_prev of the next iteration "
                "(curr_loss, gradients, a_prev = optimize(...)).",
    "same_name": "every iteration trains on the same name: take name number "
                 "j % len(names) at iteration j, so that the names are visited in "
                 "turn.",
    "smooth_from_zero": "the smoothed loss starts from 0: start it from "
                        "dino_names * ln(vocab_size) (the loss of uniform guesses "
                        "over a name of about dino_names characters), then "
                        "loss = 0.999 * loss + 0.001 * curr_loss.",
    "smooth_per_char": "the smoothed loss starts from ln(vocab_size), the loss of one "
                       "character: start it from dino_names * ln(vocab_size).",
    "no_smoothing": "the printed loss is the loss of the last name alone: print the "
                    "smoothed loss, loss = 0.999 * loss + 0.001 * curr_loss.",
    "same_seed": "the names sampled at a report are all drawn with the same seed, so "
                 "they are all the same name: give each call to sample its own seed "
                 "(seed + 1 after each name).",
    "fixed_schedule": "the reports do not follow sample_every: report (and sample) "
                      "when j % sample_every == 0, not at a fixed 2000.",
    "big_init": "the initial weights are too large: draw them with standard deviation "
                "0.01 (np.random.randn(...) * 0.01), so that the first predictions "
                "are nearly uniform and the loss starts near ln(vocab_size) per "
                "character.",
    "fresh_copy": "optimize gets a fresh copy of the parameters at every iteration, so "
                  "the updates are lost: pass the same dict every time (optimize "
                  "updates it in place).",
    "sample_before_update": "the names are sampled before the update of the report's "
                            "iteration: call optimize first, then report and sample "
                            "with the parameters it updated.",
    "no_none": "X should be [None] + the indices of the name (x<1> = 0, nothing read "
               "yet), and Y the indices followed by '\\n': use make_example(name).",
}


def _model_mistakes():
    return [Mistake(text, functools.partial(_model_impl, mistake=name))
            for name, text in MODEL_MESSAGES.items()]


class _Spy:
    """Wraps the functions a model calls, recording every call in one log."""

    def __init__(self, target, kind, log, snapshot):
        self.target, self.kind, self.log, self.snapshot = target, kind, log, snapshot

    def __call__(self, *args, **kwargs):
        if self.kind == "optimize":
            X, Y, a_prev, parameters = args[:4]
            rate = args[4] if len(args) > 4 else kwargs.get("learning_rate", 0.01)
            entry = {"kind": "optimize", "X": list(X), "Y": list(Y),
                     "a_prev": np.array(a_prev, dtype=float, copy=True),
                     "before": self.snapshot(parameters), "rate": rate}
            result = self.target(*args, **kwargs)
            entry["loss"] = float(result[0])
            entry["a_last"] = np.array(result[2], dtype=float, copy=True)
            entry["after"] = self.snapshot(parameters)
            self.log.append(entry)
            return result
        parameters, char_to_ix, seed = args[:3]
        result = self.target(*args, **kwargs)
        self.log.append({"kind": "sample", "params": self.snapshot(parameters),
                         "seed": seed, "name": list(result)})
        return result


@contextlib.contextmanager
def _spying(fn, log):
    """Replace, while a model runs, the optimize and sample it calls by spies."""
    from ..charlm import classic
    target = fn.func if isinstance(fn, functools.partial) else fn
    namespace = getattr(target, "__globals__", {})
    def snapshot(p):
        return {k: np.array(p[k], dtype=float, copy=True) for k in PARAMS}
    replaced = {}
    libraries = (("optimize", classic.optimize), ("sample", classic.sample))
    for name, value in list(namespace.items()):
        if not callable(value) or isinstance(value, _Spy):
            continue
        for kind, library in libraries:
            if value is library or name in (kind, "my_" + kind):
                replaced[name] = value
                namespace[name] = _Spy(value, kind, log, snapshot)
    try:
        yield replaced
    finally:
        namespace.update(replaced)


def _model_names():
    from ..charlm.vocab import load_dinosaurs
    return [name for name in load_dinosaurs() if len(name) <= 8][:30]


def _smoothed(losses, start, report_at, how="right"):
    """The smoothed loss at each report iteration, computed one way or another."""
    value, out = start, {}
    for j, loss in enumerate(losses):
        value = loss if how == "none" else 0.999 * value + 0.001 * loss
        if j in report_at:
            out[j] = value
    return out


def check_model(fn):
    """Check a reader's ``model(names, ix_to_char, char_to_ix, num_iterations, n_a,
    dino_names, vocab_size, learning_rate, sample_every, seed)``.

    Runs a short training (301 iterations on 30 names, a fraction of a second
    with the library's functions) and checks what must hold: ``optimize`` called
    once per iteration on the names in turn, with small initial weights, the
    same parameters dict, and the hidden state carried from name to name; a
    report ``Iteration: j, Loss: L`` at every j with j % sample_every == 0,
    where L is the smoothed loss started at dino_names * ln(vocab_size);
    dino_names names sampled after the update, each with its own seed; and a
    loss per name that falls. Prints ``"model: all 8 checks passed."`` or
    raises ``CheckFailed``.
    """
    from ..charlm.classic import model
    announce("model", model, _model_mistakes())
    state = (np.random.get_state(), random.getstate())
    try:
        return _check_model(fn)
    finally:
        np.random.set_state(state[0])
        random.setstate(state[1])


def _fail(number, text, detail=None):
    message = f"model, check {number} of 8: {text}"
    if detail:
        message += f"\n(In detail: {detail}.)"
    return CheckFailed(message)


def _check_model(fn):
    from ..charlm.vocab import char_to_ix, ix_to_char, make_example
    names = _model_names()
    settings = dict(MODEL_SETTINGS)
    N, S = settings["num_iterations"], settings["sample_every"]
    D = settings["dino_names"]
    log = []
    out = io.StringIO()
    with _spying(fn, log) as replaced:
        try:
            with contextlib.redirect_stdout(out):
                fn(list(names), dict(ix_to_char), dict(char_to_ix), **settings)
        except CheckFailed:
            raise
        except Exception as error:
            if not_written_yet("model", error):
                return None
            raise _raised("model", "the short training", error) from error
    if not any(kind in name for name in replaced for kind in ("optimize", "sample")):
        raise _fail(1, "your model calls neither optimize nor sample: call "
                    "optimize(X, Y, a_prev, parameters, learning_rate) at every "
                    "iteration and sample(parameters, char_to_ix, seed) at every "
                    "report.")
    steps = [e for e in log if e["kind"] == "optimize"]
    # 1. one optimize per iteration, with the learning rate given
    if len(steps) != N:
        raise _fail(1, f"optimize was called {len(steps)} times for num_iterations = "
                    f"{N}: call it once per iteration, for j in range(num_iterations).")
    if any(not np.isclose(e["rate"], settings["learning_rate"]) for e in steps):
        raise _fail(1, "optimize did not get the learning_rate given to the model: "
                    "pass it on.")
    # 2. small initial weights
    first = steps[0]["before"]
    spread = max(float(np.std(first[k])) for k in ("Wax", "Waa", "Wya"))
    if spread > 0.05:
        raise _fail(2, MODEL_MESSAGES["big_init"],
                    f"the initial weights have standard deviation up to {spread:.3g}")
    if min(float(np.std(first[k])) for k in ("Wax", "Waa", "Wya")) == 0:
        raise _fail(2, "some initial weight matrix is all zeros: draw the weights at "
                    "random (standard deviation 0.01), or every hidden unit stays "
                    "the same.")
    # 3. the names, in turn, as X = [None] + indices and Y = indices + ['\n']
    examples = {tuple(map(tuple, (X, Y))) for X, Y in map(make_example, names)}
    for j, e in enumerate(steps):
        if (tuple(e["X"]), tuple(e["Y"])) not in examples:
            raise _fail(3, MODEL_MESSAGES["no_none"],
                        f"iteration {j} got X = {e['X']}, Y = {e['Y']}")
    seen = [tuple(e["Y"]) for e in steps[:len(names)]]
    if len(set(seen)) != len(names):
        text = (MODEL_MESSAGES["same_name"] if len(set(seen)) == 1 else
                "the first len(names) iterations do not visit every name once: take "
                "name number j % len(names) at iteration j.")
        raise _fail(3, text, f"{len(set(seen))} different names in the first "
                    f"{len(names)} iterations")
    # 4. the same parameters, updated, from one iteration to the next
    for j in range(1, N):
        if compare(steps[j]["before"], steps[j - 1]["after"], "parameters"):
            raise _fail(4, MODEL_MESSAGES["fresh_copy"],
                        f"at iteration {j}, the parameters are not those optimize "
                        f"left at iteration {j - 1}")
    # 5. the hidden state: zeros at first, then carried
    if compare(steps[0]["a_prev"], np.zeros((settings["n_a"], 1)), "a_prev"):
        raise _fail(5, "the hidden state should start at zeros, shape (n_a, 1).")
    for j in range(1, N):
        if compare(steps[j]["a_prev"], steps[j - 1]["a_last"], "a_prev"):
            text = MODEL_MESSAGES["no_carry"]
            if not all(np.all(e["a_prev"] == 0) for e in steps):
                text = (f"the a_prev given to optimize at iteration {j} is not the "
                        f"a_last it returned at iteration {j - 1}: "
                        + MODEL_MESSAGES["no_carry"])
            raise _fail(5, text)
    # 6. the reports and the smoothed loss
    report_at = [j for j in range(N) if j % S == 0]
    reports = [(int(j), float(v)) for j, v in REPORT.findall(out.getvalue())]
    if [j for j, _ in reports] != report_at:
        text = (MODEL_MESSAGES["fixed_schedule"] if reports else
                "nothing like 'Iteration: j, Loss: L' was printed: print a report "
                "when j % sample_every == 0.")
        raise _fail(6, text, f"reports at iterations {[j for j, _ in reports]}, "
                    f"expected {report_at}")
    losses = [e["loss"] for e in steps]
    start = D * math.log(settings["vocab_size"])
    right = _smoothed(losses, start, report_at)
    printed = dict(reports)
    if any(not np.isclose(printed[j], right[j], rtol=1e-5, atol=1e-5)
           for j in report_at):
        alternatives = [("smooth_from_zero", _smoothed(losses, 0.0, report_at)),
                        ("smooth_per_char", _smoothed(losses, math.log(VOCAB),
                                                      report_at)),
                        ("no_smoothing", _smoothed(losses, start, report_at, "none"))]
        for name, values in alternatives:
            if all(np.isclose(printed[j], values[j], rtol=1e-5, atol=1e-5)
                   for j in report_at):
                raise _fail(6, MODEL_MESSAGES[name])
        raise _fail(6, "the printed loss is not the smoothed loss: start from "
                    "dino_names * ln(vocab_size) and update it at every iteration, "
                    "loss = 0.999 * loss + 0.001 * curr_loss.",
                    f"at iteration 0 you printed {printed[0]:.6f}, expected "
                    f"{right[0]:.6f}")
    # 7. sampling: dino_names names after each report's update, own seeds, printed
    samples_at = {}
    position = -1
    for entry in log:
        if entry["kind"] == "optimize":
            position += 1
        else:
            samples_at.setdefault(position, []).append(entry)
    if sorted(samples_at) != report_at or \
            any(len(samples_at[j]) != D for j in report_at):
        if sorted(samples_at) == [j - 1 for j in report_at]:
            raise _fail(7, MODEL_MESSAGES["sample_before_update"])
        raise _fail(7, f"sample should be called dino_names = {D} times at each "
                    f"report (j % sample_every == 0), right after that iteration's "
                    "optimize.", "sample called after iterations "
                    f"{ {j: len(v) for j, v in sorted(samples_at.items())} }")
    for j in report_at:
        batch = samples_at[j]
        if any(compare(e["params"], steps[j]["after"], "parameters") for e in batch):
            raise _fail(7, MODEL_MESSAGES["sample_before_update"])
        if len({repr(e["seed"]) for e in batch}) < D:
            raise _fail(7, MODEL_MESSAGES["same_seed"])
        text = out.getvalue().lower()
        for e in batch:
            word = "".join(ix_to_char[i] for i in e["name"]).strip()
            if word and word not in text:
                raise _fail(7, "the sampled names are not printed: print each name "
                            "that sample returns (decoded with ix_to_char).",
                            f"{word!r} was sampled at iteration {j}")
    # 8. the loss per name falls
    cycle = len(names)
    early, late = np.mean(losses[:cycle]), np.mean(losses[-cycle:])
    if not late < early - 1.0:
        raise _fail(8, "the loss per name did not fall during the training: check "
                    "that each iteration updates the parameters the next one uses.",
                    f"mean loss of the first {cycle} names {early:.2f}, of the last "
                    f"{cycle} {late:.2f}")
    print("model: all 8 checks passed.")
