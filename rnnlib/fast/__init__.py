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
large sizes by its matrix products; there both cells cut the batch into one part
per core and run the parts side by side in threads, BLAS single-threaded in each
(``rnnlib.fast.parallel``; while such a call runs, OpenBLAS is limited to one
thread for the whole program), and tanh goes through exp, about twice as
cheap as numpy's float64 tanh on CPUs without AVX-512
(``rnnlib.fast.activations``). ``benchmarks/bench_engines.py`` measures
both against the reference implementation, the products alone and PyTorch.
On a machine whose cores are busy with other programs, OpenBLAS's worker
threads can stall every product of medium size; ``OPENBLAS_NUM_THREADS=1``
(set before numpy is imported) avoids that for small models.

Bad inputs raise the errors of the reference implementation
(``rnnlib.validation``): TypeError for non-numeric data or a parameter that
is not an array, KeyError for a missing parameter, ValueError naming the
argument and the expected shape for a shape mismatch or NaN/inf.
"""

from .gru import GRUCaches, gru_backward, gru_forward
from .lstm import LSTMCaches, lstm_backward, lstm_forward
from .rnn import RNNCaches, rnn_backward, rnn_forward

__all__ = ["rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward",
           "gru_forward", "gru_backward", "RNNCaches", "LSTMCaches", "GRUCaches"]
