"""Checker for the exercise of chapter 7: the four LSTM gates from one product.

    check_lstm_gates(fn)     fn(xt, a_prev, parameters) -> (ft, it, cct, ot)

``fn`` stacks the weights of the four gates into one (4 n_a, n_a + n_x) matrix
and their biases into one (4 n_a, 1) column, computes every pre-activation
with a single matrix product on [a_prev; xt], and returns the forget gate Γf,
the update gate Γi, the candidate c̃ and the output gate Γo, each (n_a, m),
equal to those of ``rnnlib.lstm_cell_forward`` (its cache holds them).

The classic mistakes it names: the inputs stacked as [xt; a_prev], the biases
stacked in another order than the weights, two blocks read back swapped, the
candidate through σ instead of tanh, and the biases left out.
"""

import numpy as np

from ..activations import sigmoid_unchecked
from ..lstm import lstm_cell_step
from ._core import Case, Mistake, random_checker_parameters, run_checks

__all__ = ["check_lstm_gates", "lstm_gates_reference", "GATE_MISTAKES"]

SEED = 7007
# (n_x, n_a, n_y, m): n_x != n_a so that [xt; a_prev] gives other values, one
# example, a batch, a single unit.
SIZES = [(3, 5, 2, 4), (4, 3, 4, 1), (2, 6, 3, 7), (5, 1, 2, 3)]
OUTPUTS = ("ft", "it", "cct", "ot")


def lstm_gates_reference(xt, a_prev, parameters):
    """Γf, Γi, c̃, Γo of one LSTM step, from ``rnnlib.lstm`` (four products).

    xt (n_x, m), a_prev (n_a, m); parameters as for ``rnnlib.lstm_cell_forward``.
    Returns four (n_a, m) arrays.
    """
    c_prev = np.zeros_like(a_prev)
    cache = lstm_cell_step(xt, a_prev, c_prev, parameters)[3]
    ft, it, cct, ot = cache[4:8]
    return ft, it, cct, ot


def _gates(xt, a_prev, p, order_w="fico", order_b="fico", x_on_top=False,
           bias=True, candidate=np.tanh, swap=False):
    """The stacked computation, with switches that make the classic mistakes."""
    n_a = a_prev.shape[0]
    W = np.concatenate([p["W" + g] for g in order_w])
    b = np.concatenate([p["b" + g] for g in order_b])
    concat = np.concatenate([xt, a_prev] if x_on_top else [a_prev, xt])
    z = W @ concat + (b if bias else 0)
    blocks = [z[k * n_a:(k + 1) * n_a] for k in range(4)]
    ft, it, cct, ot = blocks
    ft, it, ot = sigmoid_unchecked(ft), sigmoid_unchecked(it), sigmoid_unchecked(ot)
    cct = candidate(cct)
    return (it, ft, cct, ot) if swap else (ft, it, cct, ot)


def _sigmoid(z):
    return sigmoid_unchecked(z)


GATE_MISTAKES = [
    Mistake("the inputs are stacked as [xt; a_prev]; the weights act on "
            "[a_prev; xt], hidden state first",
            lambda xt, a_prev, p: _gates(xt, a_prev, p, x_on_top=True)),
    Mistake("the biases are stacked in another order than the weights: stack both "
            "in the same gate order",
            lambda xt, a_prev, p: _gates(xt, a_prev, p, order_b="ifco")),
    Mistake("Γf and Γi are swapped: read the blocks back in the order you stacked "
            "them",
            lambda xt, a_prev, p: _gates(xt, a_prev, p, swap=True)),
    Mistake("the candidate c̃ went through σ; it takes tanh",
            lambda xt, a_prev, p: _gates(xt, a_prev, p, candidate=_sigmoid),
            fields=("cct",)),
    Mistake("the biases are missing: add the stacked (4 n_a, 1) bias column",
            lambda xt, a_prev, p: _gates(xt, a_prev, p, bias=False)),
]


def _cases():
    rng = np.random.default_rng(SEED)
    cases = []
    for n_x, n_a, n_y, m in SIZES:
        p = random_checker_parameters("lstm", rng, n_x, n_a, n_y)
        xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
        cases.append(Case(f"n_x={n_x}, n_a={n_a}, m={m}", (xt, a_prev, p)))
    return cases


def check_lstm_gates(fn):
    """Check ``fn(xt, a_prev, parameters) -> (ft, it, cct, ot)`` (one product)."""
    run_checks("lstm_gates", fn, lstm_gates_reference, _cases(), OUTPUTS,
               ("xt", "a_prev", "parameters"), GATE_MISTAKES)
