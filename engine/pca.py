"""PCA as the linear baseline: what any autoencoder with a k-unit bottleneck has to beat.

PCA with k components is the best *linear* k-dimensional code for squared error, so an
autoencoder earns its non-linear layers only where it reconstructs better than PCA with as many
components as it has latent units. Both are scored here in the units a person checks by eye
(wrong pixels) and in MSE, glyph by glyph.

scikit-learn is imported inside `fit_pca` (the import takes ~1.7 s): importing the engine stays
fast and free of it. Sets above RANDOMIZED_ABOVE images (60,000 MNIST images) are fitted with
its randomized solver in float32 with a fixed seed (~1-3 s instead of a full SVD), and scored a
block of images at a time: no (n, d) float64 copy or reconstruction of the whole set is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.data.dataset import unit_floats
from engine.metrics import wrong_pixels
from engine.models import Autoencoder

RANDOMIZED_ABOVE = 2000  # more images than this: scikit-learn's randomized solver, in float32
RANDOM_STATE = 0  # the randomized solver's seed: the same set always gives the same plane
BLOCK = 4096  # images scored at a time


def image_mse(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Mean squared error of each image over its pixels.  (n, d), (n, d) -> (n,) float64"""
    diff = np.asarray(output, dtype=np.float64) - target
    return np.mean(diff * diff, axis=1)


@dataclass(frozen=True, eq=False)
class PCAResult:
    """A PCA fitted to a set of images, and how well it reconstructs each of them."""

    mean: np.ndarray  # (d,)
    components: np.ndarray  # (k, d), orthonormal rows, largest variance first
    explained_variance_ratio: np.ndarray  # (k,) share of the pixel variance per component
    codes: np.ndarray  # (n, k) each image's coordinates: (x - mean) @ components.T
    wrong: np.ndarray  # (n,) wrong pixels of the reconstruction (engine.metrics.wrong_pixels)
    mse: np.ndarray  # (n,) squared error per image, averaged over its pixels

    @property
    def output(self) -> np.ndarray:
        """(n, d) the reconstruction of the fitted images, clipped to [0, 1] (made on demand:
        60,000 MNIST images would keep 376 MB)."""
        return self.reconstruct(self.codes)

    @property
    def n_components(self) -> int:
        return self.components.shape[0]

    @property
    def total_explained_variance(self) -> float:
        """Share of the pixel variance the k components keep together (<= 1)."""
        return float(self.explained_variance_ratio.sum())

    def reconstruct(self, codes: np.ndarray) -> np.ndarray:
        """The inverse transform, clipped to [0, 1].  (n, k) -> (n, d)"""
        return _inverse(codes, self.components, self.mean)

    def transform(self, images: np.ndarray) -> np.ndarray:
        """Codes of new images (not only the fitted ones).  (m, d) -> (m, k)"""
        return (np.asarray(images, np.float64) - self.mean) @ self.components.T

    def denoise(self, images: np.ndarray) -> np.ndarray:
        """Project new (e.g. noisy) images onto the k components and back, clipped to [0, 1]:
        PCA used as a linear denoiser.  (m, d) -> (m, d)"""
        return self.reconstruct(self.transform(images))


def _inverse(codes: np.ndarray, components: np.ndarray, mean: np.ndarray) -> np.ndarray:
    images = np.asarray(codes, np.float64) @ components + mean  # (n, d)
    return np.clip(images, 0.0, 1.0)


def fit_pca(images: np.ndarray, n_components: int) -> PCAResult:
    """Fit PCA with `n_components` (at most min(n, d)) to `images` (n, d), floats in [0, 1] or
    uint8 bytes, and score it on them.

    Raises ValueError for fewer than two images, where there is no variance to explain.
    """
    from sklearn.decomposition import PCA  # slow to import: only when a fit is asked for

    images = np.asarray(images)
    if images.ndim != 2 or images.shape[0] < 2:
        raise ValueError(f"PCA needs at least two images as an (n, d) array, got {images.shape}")
    if n_components < 1:
        raise ValueError(f"PCA needs at least one component, not {n_components}")
    k = min(int(n_components), *images.shape)
    if len(images) > RANDOMIZED_ABOVE:
        x = unit_floats(images, np.float32)  # (n, d); centred in place below
        if np.shares_memory(x, images):
            x = x.copy()
        pca = PCA(k, svd_solver="randomized", random_state=RANDOM_STATE, copy=False)
    else:
        x = unit_floats(images, np.float64)
        pca = PCA(n_components=k, svd_solver="full")
    # A set without variance (all images equal) divides 0 by 0: it explains nothing.
    with np.errstate(invalid="ignore", divide="ignore"):
        codes = pca.fit_transform(x).astype(np.float64)  # (n, k)
    del x
    mean = pca.mean_.astype(np.float64)
    components = pca.components_.astype(np.float64)
    wrong, mse = _scores(images, lambda lo, hi: _inverse(codes[lo:hi], components, mean))
    return PCAResult(
        mean=mean,
        components=components,
        explained_variance_ratio=np.nan_to_num(pca.explained_variance_ratio_, nan=0.0),
        codes=codes,
        wrong=wrong,
        mse=mse,
    )


def _scores(images: np.ndarray, output_of) -> tuple[np.ndarray, np.ndarray]:
    """Wrong pixels and MSE (n,) each of the outputs `output_of(lo, hi)` (hi - lo, d) against
    images[lo:hi], a block at a time."""
    wrong, mse = np.zeros(len(images), np.int64), np.zeros(len(images))
    for lo in range(0, len(images), BLOCK):
        hi = min(lo + BLOCK, len(images))
        target = unit_floats(images[lo:hi], np.float64)  # (b, d)
        output = output_of(lo, hi)  # (b, d)
        wrong[lo:hi] = wrong_pixels(output, target)
        mse[lo:hi] = image_mse(output, target)
    return wrong, mse


@dataclass(frozen=True, eq=False)
class PCAComparison:
    """PCA and an autoencoder scored glyph by glyph on the same images."""

    pca: PCAResult
    ae_wrong: np.ndarray  # (n,)
    ae_mse: np.ndarray  # (n,)


def compare_with_pca(model: Autoencoder, images: np.ndarray, pca: PCAResult) -> PCAComparison:
    """Score `model`'s reconstruction of `images` (n, d) (floats or uint8) beside `pca`, fitted
    to the same images; a block of images at a time."""
    if len(images) != len(pca.wrong):
        raise ValueError(f"PCA was fitted to {len(pca.wrong)} images, got {len(images)}")

    def output(lo: int, hi: int) -> np.ndarray:  # (b, d); a VAE decodes its mean code
        return model.reconstruct(unit_floats(images[lo:hi], model.dtype))

    wrong, mse = _scores(images, output)
    return PCAComparison(pca, wrong, mse)
