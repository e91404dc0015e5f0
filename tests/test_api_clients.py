"""Real clients of the array API namespace (issue 16, "Checks"): scikit-learn and SciPy.

The specification these tests hold corten to:

- With ``sklearn.config_context(array_api_dispatch=True)``, ``PCA(svd_solver="full")``,
  ``LinearDiscriminantAnalysis``, ``Ridge(solver="svd")``, ``StandardScaler`` and
  ``MinMaxScaler`` fit and transform corten tensors on ``cpu`` and ``sim``, return corten
  tensors on the input's device, and match the same estimators run on NumPy arrays.
- With ``SCIPY_ARRAY_API=1``, ``scipy.special.logsumexp`` (plain, ``axis``, ``b``,
  ``return_sign``, complex input), ``softmax`` and ``log_softmax`` do the same. SciPy reads
  the variable once, at import, and other tests of this process (scikit-image) import
  SciPy first, so these run in a subprocess that sets it before importing SciPy.
- scikit-learn's NumPy fallback (``move_to``) asks a device tensor for a host copy through
  ``__dlpack__(dl_device=(kDLCPU, 0))``: a ``sim`` tensor exports one (``copy=False``
  refuses, and without ``dl_device`` it still has no DLPack device).

NumPy is the oracle: float64 data, small, from a fixed seed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import corten as ct

Array = np.ndarray[Any, Any]
DEVICES = ["cpu", "sim"]
KDLCPU = 1
SRC = str(Path(ct.__file__).resolve().parent.parent)


def _data() -> tuple[Array, Array, Array]:
    """X (30 x 5), integer class labels and a real target, from a fixed seed."""
    rng = np.random.default_rng(16)
    x = rng.standard_normal((30, 5))
    labels = np.arange(30, dtype=np.int64) % 3
    x += labels[:, None] * 0.5  # separable enough for LDA to be well conditioned
    target = x @ rng.standard_normal(5) + 0.1 * rng.standard_normal(30)
    return x, labels, target


def _on(a: Array, device: str) -> ct.Tensor[Any, Any, Any]:
    return ct.asarray(a, device=device)


def _host(t: object, device: str) -> Array:
    """The NumPy copy of a client's result, after checking it is corten's, on ``device``."""
    assert isinstance(t, ct.TensorView), type(t)
    assert t.device == ct.device(device)
    return np.asarray(t.to_cpu())


# ----------------------------------------------------------------------------- scikit-learn


def _pca(x: Any, y: Any) -> list[Any]:
    from sklearn.decomposition import PCA

    est = PCA(n_components=3, svd_solver="full").fit(x)
    z = est.transform(x)
    return [z, est.inverse_transform(z), est.components_, est.explained_variance_]


def _lda(x: Any, y: Any) -> list[Any]:
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    est = LinearDiscriminantAnalysis().fit(x, y)
    return [est.transform(x), est.predict(x), est.predict_proba(x), est.classes_]


def _ridge(x: Any, y: Any) -> list[Any]:
    from sklearn.linear_model import Ridge

    est = Ridge(solver="svd", alpha=0.5).fit(x, y)
    return [est.predict(x), est.coef_]


def _standard(x: Any, y: Any) -> list[Any]:
    from sklearn.preprocessing import StandardScaler

    est = StandardScaler().fit(x)
    z = est.transform(x)
    return [z, est.inverse_transform(z), est.mean_, est.scale_]


def _minmax(x: Any, y: Any) -> list[Any]:
    from sklearn.preprocessing import MinMaxScaler

    est = MinMaxScaler().fit(x)
    z = est.transform(x)
    return [z, est.inverse_transform(z), est.data_min_, est.scale_]


ESTIMATORS: dict[str, tuple[Callable[[Any, Any], list[Any]], bool]] = {
    # name: (run, whether y is the class labels rather than the real target)
    "PCA": (_pca, False),
    "LinearDiscriminantAnalysis": (_lda, True),
    "Ridge": (_ridge, False),
    "StandardScaler": (_standard, False),
    "MinMaxScaler": (_minmax, False),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_sklearn_estimator_on_corten_matches_numpy(
    name: str, device: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sklearn = pytest.importorskip("sklearn")
    # scikit-learn checks the variable on every dispatch (SciPy's import-time reading of
    # it matters only for the SciPy functions, tested in a subprocess below).
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    run, classes = ESTIMATORS[name]
    x, labels, target = _data()
    y = labels if classes else target
    expected = run(x, y)
    with sklearn.config_context(array_api_dispatch=True):
        got = run(_on(x, device), _on(y, device))
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(_host(g, device), e, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------- SciPy

_SCIPY_SCRIPT = r"""
import json, os, sys
assert "scipy" not in sys.modules and os.environ["SCIPY_ARRAY_API"] == "1"
import numpy as np
import corten as ct
import scipy.special as sp

data = np.load(sys.argv[1])
device = sys.argv[2]
a, b, c = (ct.asarray(data[k], device=device) for k in ("a", "b", "c"))
results = {
    "logsumexp": sp.logsumexp(a),
    "logsumexp_axis": sp.logsumexp(a, axis=1),
    "logsumexp_b": sp.logsumexp(a, axis=0, b=b),
    "logsumexp_complex": sp.logsumexp(c, axis=1),
    "softmax": sp.softmax(a, axis=1),
    "log_softmax": sp.log_softmax(a, axis=0),
}
value, sign = sp.logsumexp(a, axis=1, b=b - 0.5, return_sign=True)
results["logsumexp_return_sign_value"] = value
results["logsumexp_return_sign_sign"] = sign
meta = {k: [type(v).__module__.split(".")[0], str(v.device)] for k, v in results.items()}
np.savez(sys.argv[3], **{k: np.asarray(v.to_cpu()) for k, v in results.items()})
print(json.dumps(meta))
"""


def _scipy_expected(a: Array, b: Array, c: Array) -> dict[str, Array]:
    import scipy.special as sp

    value, sign = sp.logsumexp(a, axis=1, b=b - 0.5, return_sign=True)
    return {
        "logsumexp": np.asarray(sp.logsumexp(a)),
        "logsumexp_axis": sp.logsumexp(a, axis=1),
        "logsumexp_b": sp.logsumexp(a, axis=0, b=b),
        "logsumexp_complex": sp.logsumexp(c, axis=1),
        "softmax": sp.softmax(a, axis=1),
        "log_softmax": sp.log_softmax(a, axis=0),
        "logsumexp_return_sign_value": value,
        "logsumexp_return_sign_sign": sign,
    }


@pytest.mark.parametrize("device", DEVICES)
def test_scipy_special_on_corten_matches_numpy(device: str, tmp_path: Path) -> None:
    pytest.importorskip("scipy")
    rng = np.random.default_rng(16)
    a = rng.standard_normal((4, 6))
    b = rng.random((4, 6))
    c = a + 1j * rng.standard_normal((4, 6))
    np.savez(tmp_path / "in.npz", a=a, b=b, c=c)
    env = dict(os.environ, SCIPY_ARRAY_API="1", PYTHONPATH=SRC)
    args = [str(tmp_path / "in.npz"), device, str(tmp_path / "out.npz")]
    proc = subprocess.run(
        [sys.executable, "-c", _SCIPY_SCRIPT, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    meta = json.loads(proc.stdout.strip().splitlines()[-1])
    got = np.load(tmp_path / "out.npz")
    expected = _scipy_expected(a, b, c)
    assert set(meta) == set(expected)
    for name, e in expected.items():
        assert meta[name] == ["corten", str(ct.device(device))], (name, meta[name])
        np.testing.assert_allclose(got[name], e, rtol=1e-12, atol=1e-12, err_msg=name)


# ----------------------------------------------------------------------------- sim host export


def test_sim_tensor_exports_a_host_copy_to_numpy() -> None:
    a = np.arange(12.0).reshape(3, 4)
    t = ct.asarray(a, device="sim")
    h = np.from_dlpack(t, device="cpu")  # dl_device=(kDLCPU, 0), as scikit-learn's move_to
    np.testing.assert_array_equal(h, a)
    assert h.flags.writeable  # the consumer owns the copy
    h[0, 0] = -1.0
    np.testing.assert_array_equal(np.asarray(t.to_cpu()), a)  # the sim tensor is unchanged


def test_sim_view_exports_a_host_copy_of_its_window() -> None:
    a = np.arange(12.0).reshape(3, 4)
    t = ct.asarray(a, device="sim")
    v = t.view()[::2, ::-1]
    h = np.from_dlpack(v, device="cpu")
    np.testing.assert_array_equal(h, a[::2, ::-1])
    legacy = t.view().__dlpack__(dl_device=(KDLCPU, 0))  # a legacy capsule: a copy too
    assert type(legacy).__name__ == "PyCapsule"


def test_sim_host_export_refuses_copy_false_and_other_devices() -> None:
    t = ct.asarray(np.arange(3.0), device="sim")
    with pytest.raises(BufferError, match="copy=False"):
        t.__dlpack__(max_version=(1, 0), dl_device=(KDLCPU, 0), copy=False)
    with pytest.raises(BufferError, match="no DLPack device"):
        t.__dlpack__(max_version=(1, 0))
    with pytest.raises(BufferError, match="stream"):
        t.__dlpack__(max_version=(1, 0), dl_device=(KDLCPU, 0), stream=1)
    with pytest.raises(BufferError, match="DLPack device"):
        t.__dlpack__(max_version=(1, 0), dl_device=(2, 0))
    np.testing.assert_array_equal(np.asarray(t.to_cpu()), np.arange(3.0))
