"""Gradient checking with centred finite differences.

For a scalar loss L and one entry θ of an array, the centred difference

    (L(θ + eps) - L(θ - eps)) / (2 eps)

approximates dL/dθ with an error of order eps**2. Comparing every entry with
the gradient a backward pass computed catches almost any mistake in it.

``numerical_gradient(f, array, eps=1e-6)``
    dL/d(array) by centred differences; ``f()`` takes no arguments and
    returns L computed from the current contents of ``array``.
``gradient_check(loss_fn, arrays, analytic, eps=1e-6, tol=1e-7)``
    Compare analytic gradients with numerical ones for several arrays;
    returns a ``GradCheckReport`` (one ``GradCheckRow`` per array).
``gradcheck_rnn_cell_backward``, ``gradcheck_rnn_backward``,
``gradcheck_lstm_cell_backward``, ``gradcheck_lstm_backward``,
``gradcheck_gru_cell_backward``, ``gradcheck_gru_backward``
    Ready-made checks of the library's backward functions (or a reader's
    own, passed as ``backward=``) on random data, with the scalar loss
    L = sum(da_up * a) for a fixed random upstream weighting da_up.

The relative error of an array is ||analytic - numeric|| / (||analytic|| +
||numeric||) (0 when both are zero). In float64 with eps = 1e-6 a correct
gradient typically gives 1e-11 to 1e-9; a wrong one gives 1e-3 or more.
Rounding in L limits the numeric side to about 1e-16 |L| / eps per entry, so
an array whose gradient is tiny next to the loss (say 1e-3) can show about
1e-8 even when right: in 1,200 random checks of the four backward passes
the worst was 7e-8 with eps = 1e-6 and 4e-9 with eps = 1e-5 (near the
optimal step for centred differences, the cube root of float64's epsilon).
In 200 random checks of each GRU pass the worst was 1.2e-7 with eps = 1e-6
(a reset-gate bias gradient of 1.4e-4) and 8e-9 with eps = 1e-5.
"""

from dataclasses import dataclass

import numpy as np

from .gru import gru_cell_forward, gru_forward
from .gru_backward import gru_backward, gru_cell_backward
from .initializers import (initialize_gru_parameters, initialize_lstm_parameters,
                           initialize_rnn_parameters)
from .lstm import LSTM_GATES, lstm_cell_forward, lstm_forward
from .lstm_backward import lstm_backward, lstm_cell_backward
from .rnn import rnn_cell_forward, rnn_forward
from .rnn_backward import rnn_backward, rnn_cell_backward
from .validation import as_generator


def _scalar(value, what="f"):
    """The loss as a Python float, or TypeError/ValueError."""
    value = np.asarray(value)
    if value.size != 1 or value.dtype.kind not in "iuf":
        raise TypeError(f"{what} must return a single real number (the loss); got "
                        f"an array of shape {value.shape} and dtype {value.dtype}")
    value = float(value.reshape(()))
    if not np.isfinite(value):
        raise ValueError(f"{what} returned {value}; the loss must be finite")
    return value


def numerical_gradient(f, array, eps=1e-6):
    """Centred finite-difference gradient of the scalar ``f()`` w.r.t. ``array``.

    Arguments:
    f -- callable with no arguments returning the loss L (a scalar); it must
         read ``array`` (e.g. ``lambda: loss(parameters)`` with ``array =
         parameters["Wax"]``)
    array -- float64 numpy array of any shape; each entry is nudged by
             +/- eps in place and restored afterwards
    eps -- step size

    Returns an array of the shape of ``array``: dL/d(array).
    """
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        raise TypeError("array must be a float64 numpy array (finite differences "
                        "with eps = 1e-6 need double precision); got "
                        f"{getattr(array, 'dtype', type(array).__name__)}")
    if not array.flags.writeable:
        raise ValueError("array must be writeable: its entries are nudged in place")
    if not eps > 0:
        raise ValueError(f"eps must be positive; got {eps}")
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        old = array[index]
        try:
            array[index] = old + eps
            loss_plus = _scalar(f())                   # L(θ + eps)
            array[index] = old - eps
            loss_minus = _scalar(f())                  # L(θ - eps)
        finally:
            array[index] = old                         # restore θ
        grad[index] = (loss_plus - loss_minus) / (2 * eps)  # centred difference
    return grad


@dataclass(frozen=True)
class GradCheckRow:
    """The comparison for one array.

    worst_index is the entry with the largest |analytic - numeric|, and
    worst_analytic / worst_numeric are the two values there.
    """

    name: str
    shape: tuple
    rel_error: float
    worst_index: tuple
    worst_analytic: float
    worst_numeric: float


@dataclass(frozen=True, repr=False)
class GradCheckReport:
    """Result of ``gradient_check``: one ``GradCheckRow`` per array.

    ``report.passed`` is True when every relative error is below ``tol``;
    ``report["Wax"]`` gives a row; ``str(report)`` (also its repr, shown by
    notebooks) is a table. The table is deterministic: for arrays that pass
    it says "< tol" rather than the error itself, whose digits (rounding
    noise) change from machine to machine; failing arrays show the error and
    their worst entry. ``report.details()`` shows every number.
    """

    rows: tuple
    eps: float
    tol: float
    title: str = "gradient check"

    @property
    def passed(self):
        return all(row.rel_error < self.tol for row in self.rows)

    @property
    def max_rel_error(self):
        return max((row.rel_error for row in self.rows), default=0.0)

    def __getitem__(self, name):
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no array named {name!r}; the report has "
                       f"{[row.name for row in self.rows]}")

    def _table(self, exact):
        header = (f"{self.title}\ncentred differences, eps = {self.eps:g}; "
                  f"pass if relative error < {self.tol:g}")
        width = max([len("array")] + [len(row.name) for row in self.rows])
        lines = [header, f"{'array':<{width}}  {'shape':<14}{'rel. error':<12}result"]
        for row in self.rows:
            ok = row.rel_error < self.tol
            error = f"< {self.tol:g}" if ok and not exact else f"{row.rel_error:.1e}"
            line = f"{row.name:<{width}}  {str(row.shape):<14}{error:<12}"
            line += "ok" if ok else "FAIL"
            if not ok or exact:
                index = ", ".join(str(i) for i in row.worst_index)
                line += (f"  worst entry [{index}]: analytic {row.worst_analytic:.6g}, "
                         f"numeric {row.worst_numeric:.6g}")
            lines.append(line.rstrip())
        failed = [row.name for row in self.rows if row.rel_error >= self.tol]
        lines.append(f"all {len(self.rows)} arrays pass" if not failed
                     else f"FAILED for {', '.join(failed)}")
        return "\n".join(lines)

    def __str__(self):
        return self._table(exact=False)

    __repr__ = __str__

    def details(self):
        """The table with every relative error and worst entry written out."""
        return self._table(exact=True)


def _compare(name, analytic, numeric):
    """One GradCheckRow from two arrays of the same shape."""
    diff = analytic - numeric
    norm = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    rel_error = float(np.linalg.norm(diff) / norm) if norm > 0 else 0.0
    worst = np.unravel_index(np.argmax(np.abs(diff)), diff.shape) if diff.size else ()
    worst = tuple(int(i) for i in worst)
    return GradCheckRow(name, tuple(analytic.shape), rel_error, worst,
                        float(analytic[worst]) if diff.size else 0.0,
                        float(numeric[worst]) if diff.size else 0.0)


def gradient_check(loss_fn, arrays, analytic, eps=1e-6, tol=1e-7,
                   title="gradient check"):
    """Compare analytic gradients with centred finite differences.

    Arguments:
    loss_fn -- callable with no arguments returning the scalar loss, computed
               from the current contents of the arrays
    arrays -- dict name -> float64 array the loss depends on (nudged in place
              and restored), e.g. {"x": x, "Wax": parameters["Wax"]}
    analytic -- dict of gradients with the same shapes, keyed by the array's
                name or by "d" + name (so a backward pass's output such as
                {"dx": ..., "dWax": ...} can be given as it is)
    eps -- finite-difference step
    tol -- relative error below which an array passes
    title -- first words of the report's table

    Returns a GradCheckReport with one row per array, in the order of ``arrays``.
    """
    if not isinstance(arrays, dict) or not isinstance(analytic, dict):
        raise TypeError("arrays and analytic must be dicts keyed by array name")
    rows = []
    for name, array in arrays.items():
        key = name if name in analytic else "d" + name
        if key not in analytic:
            raise KeyError(f"analytic has no gradient for {name!r} (looked for "
                           f"{name!r} and {'d' + name!r}); it has {sorted(analytic)}")
        grad = np.asarray(analytic[key], dtype=float)
        if grad.shape != np.shape(array):
            raise ValueError(f"analytic[{key!r}] has shape {grad.shape} but {name} "
                             f"has shape {np.shape(array)}; a gradient has the shape "
                             "of its array")
        numeric = numerical_gradient(loss_fn, array, eps)
        rows.append(_compare(key, grad, numeric))
    return GradCheckReport(tuple(rows), eps, tol, title)


# ------------------------------------------------ checks of the library's passes


def _random_setup(kind, n_x, n_a, m, rng):
    """Random parameters (weights and biases of a useful size) for 'rnn'/'lstm'/'gru'."""
    rng = as_generator(rng)
    n_y = 2                                            # the output layer is not checked
    if kind == "rnn":
        parameters = initialize_rnn_parameters(n_x, n_a, n_y, rng, scale=0.5)
        biases = ("ba",)
    elif kind == "lstm":
        parameters = initialize_lstm_parameters(n_x, n_a, n_y, rng, scale=0.5)
        biases = tuple(bias for _, _, bias in LSTM_GATES)
    else:
        parameters = initialize_gru_parameters(n_x, n_a, n_y, rng, scale=0.5)
        biases = ("bu", "br", "bc")
    for b in biases:
        parameters[b] = rng.standard_normal((n_a, 1)) * 0.5
    return parameters, rng


_RNN_KEYS = ("Wax", "Waa", "ba")
_LSTM_KEYS = tuple(key for _, weight, bias in LSTM_GATES for key in (weight, bias))
_GRU_KEYS = ("Wu", "bu", "Wr", "br", "Wc", "bc")
_KEYS = {"rnn": _RNN_KEYS, "lstm": _LSTM_KEYS, "gru": _GRU_KEYS}


def _one_state_cell_check(kind, forward, keys, backward, n_x, n_a, m, rng, eps, tol):
    """Cell check for a cell whose only state is a (the RNN and the GRU).

    Draws parameters, xt (n_x, m), a_prev (n_a, m) and da_up (n_a, m) in this
    order; the loss is L = sum(da_up * a_next).
    """
    p, rng = _random_setup(kind, n_x, n_a, m, rng)
    xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
    da_up = rng.standard_normal((n_a, m))
    _, _, cache = forward(xt, a_prev, p)
    analytic = backward(da_up, cache)

    def loss():
        return np.sum(da_up * forward(xt, a_prev, p)[0])

    arrays = {"xt": xt, "a_prev": a_prev, **{k: p[k] for k in keys}}
    return gradient_check(loss, arrays, analytic, eps, tol,
                          f"{kind}_cell_backward (n_x={n_x}, n_a={n_a}, m={m})")


def gradcheck_rnn_cell_backward(n_x, n_a, m, rng, backward=rnn_cell_backward, eps=1e-6,
                                tol=1e-7):
    """Check ``backward`` (default: rnn_cell_backward) on random data.

    Draws xt (n_x, m), a_prev (n_a, m), parameters and an upstream weighting
    da_up (n_a, m) from ``rng``; the loss is L = sum(da_up * a_next). Checks
    dxt, da_prev, dWax, dWaa, dba. Returns a GradCheckReport.
    """
    return _one_state_cell_check("rnn", rnn_cell_forward, _RNN_KEYS, backward,
                                 n_x, n_a, m, rng, eps, tol)


def gradcheck_lstm_cell_backward(n_x, n_a, m, rng, backward=lstm_cell_backward,
                                 eps=1e-6, tol=1e-7):
    """Check ``backward`` (default: lstm_cell_backward) on random data.

    Draws xt (n_x, m), a_prev and c_prev (n_a, m), parameters and upstream
    weightings da_up, dc_up (n_a, m); the loss is
    L = sum(da_up * a_next) + sum(dc_up * c_next). Checks dxt, da_prev,
    dc_prev and every gate's dW and db. Returns a GradCheckReport.
    """
    p, rng = _random_setup("lstm", n_x, n_a, m, rng)
    xt = rng.standard_normal((n_x, m))
    a_prev, c_prev = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    da_up, dc_up = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    cache = lstm_cell_forward(xt, a_prev, c_prev, p)[3]
    analytic = backward(da_up, dc_up, cache)

    def loss():
        a_next, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, p)
        return np.sum(da_up * a_next) + np.sum(dc_up * c_next)

    arrays = {"xt": xt, "a_prev": a_prev, "c_prev": c_prev,
              **{k: p[k] for k in _LSTM_KEYS}}
    return gradient_check(loss, arrays, analytic, eps, tol,
                          f"lstm_cell_backward (n_x={n_x}, n_a={n_a}, m={m})")


def gradcheck_gru_cell_backward(n_x, n_a, m, rng, backward=gru_cell_backward,
                                eps=1e-6, tol=1e-7):
    """Check ``backward`` (default: gru_cell_backward) on random data.

    Draws xt (n_x, m), a_prev (n_a, m), parameters and an upstream weighting
    da_up (n_a, m) from ``rng``; the loss is L = sum(da_up * a_next). Checks
    dxt, da_prev and every gate's dW and db. Returns a GradCheckReport.
    """
    return _one_state_cell_check("gru", gru_cell_forward, _GRU_KEYS, backward,
                                 n_x, n_a, m, rng, eps, tol)


def _sequence_check(kind, forward, backward, n_x, n_a, m, T_x, rng, T_da, eps, tol):
    """Shared body of the gradcheck_*_backward functions of whole sequences."""
    T_da = T_x if T_da is None else T_da
    if not 1 <= T_da <= T_x:
        raise ValueError(f"T_da must be between 1 and T_x = {T_x}; got {T_da}")
    p, rng = _random_setup(kind, n_x, n_a, m, rng)
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    da_up = rng.standard_normal((n_a, m, T_da))       # fixed upstream weighting
    caches = forward(x, a0, p)[-1]
    analytic = dict(backward(da_up, caches))
    if np.shape(analytic.get("dx")) == (n_x, m, T_da) and T_da < T_x:
        # steps after T_da do not reach the loss: their dx is zero
        analytic["dx"] = np.concatenate([analytic["dx"],
                                         np.zeros((n_x, m, T_x - T_da))], axis=2)

    def loss():
        return np.sum(da_up * forward(x, a0, p)[0][:, :, :T_da])

    keys = _KEYS[kind]
    arrays = {"x": x, "a0": a0, **{k: p[k] for k in keys}}
    shorter = f", da over {T_da} steps" if T_da < T_x else ""
    title = f"{backward.__name__} (n_x={n_x}, n_a={n_a}, m={m}, T_x={T_x}{shorter})"
    return gradient_check(loss, arrays, analytic, eps, tol, title)


def gradcheck_rnn_backward(n_x, n_a, m, T_x, rng, backward=rnn_backward, T_da=None,
                           eps=1e-6, tol=1e-7):
    """Check ``backward`` (default: rnn_backward) through a whole sequence.

    Draws x (n_x, m, T_x), a0 (n_a, m), parameters and a fixed upstream
    weighting da_up (n_a, m, T_da) from ``rng``; runs rnn_forward; the loss
    is L = sum(da_up * a[:, :, :T_da]) (T_da = T_x unless given, to check
    that a shorter da back-propagates through the first T_da steps only).
    Checks dx, da0, dWax, dWaa, dba. Returns a GradCheckReport.
    """
    return _sequence_check("rnn", rnn_forward, backward, n_x, n_a, m, T_x, rng, T_da,
                           eps, tol)


def gradcheck_lstm_backward(n_x, n_a, m, T_x, rng, backward=lstm_backward, T_da=None,
                            eps=1e-6, tol=1e-7):
    """Check ``backward`` (default: lstm_backward) through a whole sequence.

    As ``gradcheck_rnn_backward`` with lstm_forward: the loss is
    L = sum(da_up * a[:, :, :T_da]); checks dx, da0 and every gate's dW, db.
    Returns a GradCheckReport.
    """
    return _sequence_check("lstm", lstm_forward, backward, n_x, n_a, m, T_x, rng, T_da,
                           eps, tol)


def gradcheck_gru_backward(n_x, n_a, m, T_x, rng, backward=gru_backward, T_da=None,
                           eps=1e-6, tol=1e-7):
    """Check ``backward`` (default: gru_backward) through a whole sequence.

    As ``gradcheck_rnn_backward`` with gru_forward: the loss is
    L = sum(da_up * a[:, :, :T_da]); checks dx, da0 and every gate's dW, db.
    Returns a GradCheckReport.
    """
    return _sequence_check("gru", gru_forward, backward, n_x, n_a, m, T_x, rng, T_da,
                           eps, tol)
