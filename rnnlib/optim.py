"""Optimisers: plain SGD, Adagrad and Adam on a dict of parameters.

Each optimiser is made for one parameter dict (it keeps per-parameter state
of the same shapes) and ``update(parameters, gradients)`` changes the arrays
in place, from gradients named ``"d" + key`` as every backward pass of rnnlib
returns them (``dWax`` for ``Wax``). With g the gradient of one parameter θ,
lr the learning rate and k = 1, 2, ... the number of the update:

    SGD       θ -= lr g
    Adagrad   v += g²;  θ -= lr g / (√v + ε)                      (Duchi et al., 2011)
    Adam      m = β1 m + (1 - β1) g;   v = β2 v + (1 - β2) g²      (Kingma and Ba, 2015)
              m̂ = m / (1 - β1^k);     v̂ = v / (1 - β2^k)
              θ -= lr m̂ / (√v̂ + ε)

``learning_rate`` is an attribute that may be changed between updates (a
trainer lowers it when the validation loss stops improving).
"""

import numpy as np

from .validation import check_number

__all__ = ["SGD", "Adagrad", "Adam"]


def _check_parameters(parameters):
    if not isinstance(parameters, dict) or not parameters:
        raise TypeError("parameters must be a non-empty dict of arrays; got "
                        f"{type(parameters).__name__}")


def _gradient(gradients, key, parameter):
    """gradients["d" + key], checked against the parameter's shape."""
    try:
        g = gradients["d" + key]
    except KeyError:
        raise KeyError(f"gradients is missing 'd{key}' for parameter {key!r}; "
                       f"it has keys {sorted(gradients)}") from None
    if np.shape(g) != parameter.shape:
        raise ValueError(f"gradients['d{key}'] must have the shape of parameters"
                         f"[{key!r}] {parameter.shape}; got {np.shape(g)}")
    return g


class SGD:
    """Plain gradient descent: θ -= learning_rate * g for every parameter θ."""

    def __init__(self, parameters, learning_rate=0.01):
        _check_parameters(parameters)
        self.learning_rate = check_number("learning_rate", learning_rate, 0,
                                          low_open=True)
        self.step = 0

    def update(self, parameters, gradients):
        """One step on ``parameters`` (changed in place) from ``gradients``."""
        self.step += 1
        for k in parameters:
            parameters[k] -= self.learning_rate * _gradient(gradients, k, parameters[k])


class Adagrad:
    """Adagrad: each parameter's step is divided by the root of its summed squared gradients."""

    def __init__(self, parameters, learning_rate=0.01, eps=1e-8):
        _check_parameters(parameters)
        self.learning_rate = check_number("learning_rate", learning_rate, 0,
                                          low_open=True)
        self.eps = check_number("eps", eps, 0, low_open=True)
        self.step = 0
        self.v = {k: np.zeros_like(v) for k, v in parameters.items()}  # sum of g²

    def update(self, parameters, gradients):
        """One step on ``parameters`` (changed in place) from ``gradients``."""
        self.step += 1
        for k in parameters:
            g = _gradient(gradients, k, parameters[k])
            self.v[k] += g * g
            parameters[k] -= self.learning_rate * (g / (np.sqrt(self.v[k]) + self.eps))


class Adam:
    """Adam (Kingma and Ba, 2015): steps from bias-corrected running means of g and g².

    Arguments:
    parameters -- the dict of arrays this optimiser will update
    learning_rate -- lr > 0
    beta1, beta2 -- decay of the running mean of g and of g², in [0, 1)
    eps -- > 0, keeps the division finite
    """

    def __init__(self, parameters, learning_rate=0.001, beta1=0.9, beta2=0.999,
                 eps=1e-8):
        _check_parameters(parameters)
        self.learning_rate = check_number("learning_rate", learning_rate, 0,
                                          low_open=True)
        self.beta1 = check_number("beta1", beta1, 0, 1, high_open=True)
        self.beta2 = check_number("beta2", beta2, 0, 1, high_open=True)
        self.eps = check_number("eps", eps, 0, low_open=True)
        self.step = 0
        self.m = {k: np.zeros_like(v) for k, v in parameters.items()}  # mean of g
        self.v = {k: np.zeros_like(v) for k, v in parameters.items()}  # mean of g²

    def update(self, parameters, gradients):
        """One step on ``parameters`` (changed in place) from ``gradients``."""
        self.step += 1
        b1, b2 = self.beta1, self.beta2
        for k in parameters:
            g = _gradient(gradients, k, parameters[k])
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            m_hat = self.m[k] / (1 - b1 ** self.step)          # bias-corrected
            v_hat = self.v[k] / (1 - b2 ** self.step)
            parameters[k] -= self.learning_rate * (m_hat / (np.sqrt(v_hat) + self.eps))
