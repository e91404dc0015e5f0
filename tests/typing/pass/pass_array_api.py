"""The array API functions as clients use them: namespace lookups, Python scalars on
either side, inspection, and writable results."""

import corten as ct

x = ct.asarray([1.0, 2.0, 3.0])
xp = x.__array_namespace__()
info = ct.__array_namespace_info__()
kinds = info.dtypes(kind=("real floating", "complex floating"), device=ct.cpu)
defaults = info.default_dtypes()
caps = info.capabilities()

y = ct.sqrt(ct.abs(x)) + ct.exp(x) * 2.0
z = ct.subtract(1.0, x)
m = ct.maximum(x, 0.0)
c = ct.clip(x, min=0.0)
b = ct.logical_and(ct.isfinite(x), ct.greater(x, 1.0))
w = ct.zeros((3,))
w += m
grid = ct.meshgrid(ct.arange(3), ct.arange(2), indexing="ij")
t = ct.triu(ct.ones((3, 3)), k=1)
f = float(x[0]) + int(ct.asarray(3)) + complex(x[1]).real
dt = ct.result_type(x, 1.0)
if ct.isdtype(dt, "real floating") and ct.can_cast(dt, ct.float64):
    eps = ct.finfo(dt).eps
