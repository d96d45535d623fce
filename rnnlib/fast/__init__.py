"""rnnlib.fast: the book's RNN and LSTM, running close to numpy's limit.

Drop-in replacements for the sequence functions of the reference
implementation (``rnnlib.rnn_forward``, ...), with the same arguments, the
same returned arrays (shapes, values to ~1e-15 relative in float64) and the
same gradient dicts::

    import rnnlib.fast as fast
    a, y_pred, caches = fast.rnn_forward(x, a0, parameters)
    grads = fast.rnn_backward(da, caches)     # dx, da0, dWax, dWaa, dba
    a, y, c, caches = fast.lstm_forward(x, a0, parameters)
    grads = fast.lstm_backward(da, caches)    # dx, da0, dWf, dbf, ..., dWo, dbo
    a, y, caches = fast.gru_forward(x, a0, parameters)
    grads = fast.gru_backward(da, caches)     # dx, da0, dWu, dbu, ..., dWc, dbc

Shapes are the book's (columns are examples): x (n_x, m, T_x), a0 (n_a, m),
a and c (n_a, m, T_x), y (n_y, m, T_x), da (n_a, m, T_x). T_x of the backward
pass is taken from ``da``: a shorter ``da`` back-propagates through the first
T_x steps only, and then dx is (n_x, m, T_x) for those steps.

Precision: the computation runs in the dtype numpy gives to all inputs
together, so float32 inputs give float32 outputs and gradients (the
reference implementation returns float64 gradients); float64 agrees with the
reference implementation to about 1e-15 relative (tested to 1e-12).

The caches contract
-------------------
``caches`` is an ``RNNCaches`` / ``LSTMCaches`` object, accepted only by the
matching backward function of this package (the tuple caches of the
reference implementation are refused with a TypeError, and vice versa). It
holds the parameter dict (not a copy: do not change the parameters in place
between forward and backward),
the checked input ``x``, and the engine's per-step arrays in row layout
(``rnnlib.fast.layout``): ``HX`` (T_x + 1, m, n_a + n_x + 1) with
HX[t] = [a<t> | x<t+1> | 1] (a<0> = a0; the 1 is the input of the bias), and
for the LSTM also ``gates`` (T_x, m, 4 n_a) = [c̃ | Γf | Γi | Γo] per step,
``C`` (T_x + 1, m, n_a) with C[0] = c<0> = 0, and ``tanh_c`` (T_x, m, n_a)
= tanh(c<1>) ... tanh(c<T_x>). Attributes ``n_a``, ``m``, ``T_x`` give the
sizes.

Caches are independent of each other: each one owns its arrays for as long as
you hold it, later calls never overwrite them, and ``backward`` may be called
any number of times on the same caches. The large work arrays come from a
pool (``rnnlib.fast.workspace``) and go back to it when the caches object is
garbage-collected, so a training loop that drops last step's caches reuses
the same memory instead of asking the system for ~100 MB per call. Every
returned array (a, y, c and all gradients) is newly allocated and belongs to
the caller.

Speed: at the dinosaur size (n_a = 50, one sequence) the engine is limited by
the number of numpy calls (eleven per LSTM step forward, six backward); at
large sizes by its matrix products; there the three cells cut the batch
into parts (one per core, at most two by default) and run the parts side by
side in threads (``rnnlib.fast.parallel``), and float64 tanh goes through exp,
cheaper than numpy's float64 tanh on CPUs without AVX-512
(``rnnlib.fast.activations``; chapter 7 and ``benchmarks/results`` hold the
measurements). Every call whose products OpenBLAS could
thread runs them on one BLAS thread (for the whole program while the call
runs): threaded products can differ in the last bits, which would make
results depend on other threads, and OpenBLAS's threads that wait for busy
cores can slow products of medium size (chapter 7 measures by how much).
``benchmarks/bench_engines.py`` measures the cells against the reference
implementation, the products alone and PyTorch.

Settings: ``with rnnlib.fast.options(parts=1, exp_route=False, ...):`` sets
the engine's knobs (parts of the batch in threads, the tanh route, BLAS
threads, the buffer pool's byte cap, thresholds) for the calls in the block,
with defaults from RNNLIB_FAST_* environment variables (``rnnlib.fast.options``
lists them); ``rnnlib.fast.clear_buffers()`` empties the buffer pool.

Threads and processes: calls from several threads at once return exactly
what the same calls made one after another return; each part of a split
batch sees the options of the call it belongs to. After ``os.fork()`` the
child starts with no worker threads, an empty pool and fresh locks, so the
engine works in processes of ``multiprocessing`` whatever the parent did.

Bad inputs raise the errors of the reference implementation
(``rnnlib.validation``): TypeError for non-numeric data or a parameter that
is not an array, KeyError for a missing parameter, ValueError naming the
argument and the expected shape for a shape mismatch or NaN/inf.
"""

from .gru import GRUCaches, gru_backward, gru_forward
from .lstm import LSTMCaches, lstm_backward, lstm_forward
from .options import Options, get_options, options
from .rnn import RNNCaches, rnn_backward, rnn_forward
from .workspace import clear_buffers

__all__ = ["rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward",
           "gru_forward", "gru_backward", "RNNCaches", "LSTMCaches", "GRUCaches",
           "options", "get_options", "Options", "clear_buffers"]
