"""scikit-image takes corten tensors (issue 15): it asks ``np.dtype(image.dtype)`` and
calls NumPy's method names (``ravel``) on its input. (``exposure.equalize_hist`` also
reads ``image.flat``, which tensors do not have: pass ``np.asarray(t)`` there, as the
interop guide shows.)"""

from __future__ import annotations

import numpy as np
import pytest

import corten as ct

skimage = pytest.importorskip("skimage")


@pytest.fixture
def gray() -> tuple[ct.Tensor, np.ndarray]:
    a = (np.arange(48 * 40) * 7 % 256).astype(np.uint8).reshape(48, 40)
    return ct.tensor(a), a


def test_scikit_image_reads_the_dtype(gray: tuple[ct.Tensor, np.ndarray]) -> None:
    from skimage import util

    t, a = gray
    assert np.dtype(t.dtype) == a.dtype  # what failed: "Cannot interpret 'corten.uint8'"
    np.testing.assert_array_equal(util.img_as_float(np.asarray(t)), util.img_as_float(a))


def test_resize_takes_a_tensor_and_a_view(gray: tuple[ct.Tensor, np.ndarray]) -> None:
    from skimage import transform

    t, a = gray
    np.testing.assert_allclose(transform.resize(t, (24, 20)), transform.resize(a, (24, 20)))
    crop = t[4:36, ::-1]
    np.testing.assert_allclose(
        transform.resize(crop, (16, 20)), transform.resize(a[4:36, ::-1], (16, 20))
    )


def test_ravel_is_a_view_when_the_layout_allows() -> None:
    t = ct.arange(6).reshape((2, 3))
    assert t.ravel().tolist() == [0, 1, 2, 3, 4, 5]
    assert t.T.ravel().tolist() == [0, 3, 1, 4, 2, 5]  # a copy: the layout is transposed
    assert np.shares_memory(t.ravel().numpy(), t.numpy())
