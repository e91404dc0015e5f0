"""Array API functions of corten.ops used as a typed program would use them."""

import corten as ct
import corten.ops.fft_ext as fft
import corten.ops.linalg_ext as linalg
from corten import AnyRank, Cpu, Float32, Rank2, Tensor, TensorView
from corten.ops import manipulation, statistical


def center(x: TensorView[Float32, Rank2, Cpu]) -> Tensor[Float32, AnyRank, Cpu]:
    """Columns with their mean removed (a new owner)."""
    return x - statistical.mean(x, axis=0, keepdims=True)


x = ct.ones((4, 3))
y: TensorView[Float32, AnyRank, Cpu] = manipulation.permute_dims(x, (1, 0))
q, r = linalg.qr(x)
freqs = fft.rfftfreq(8, d=0.5)
u, s, vh = linalg.svd(x, full_matrices=False)
