"""Saving and loading a trained parameter dict."""

import numpy as np

__all__ = ["save", "load"]


def save(path, parameters):
    """Save a parameter dict to ``.npz``: names, shapes, dtypes, values."""
    np.savez(path, **parameters)


def load(path):
    """Load a parameter dict saved by ``save``."""
    with np.load(path) as data:
        return {name: data[name].copy() for name in data.files}
