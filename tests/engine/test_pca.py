"""PCA, the linear baseline: it matches scikit-learn, more components never reconstruct worse,
and its scores are the same wrong pixels and MSE the autoencoder is judged by."""

import itertools
import subprocess
import sys

import numpy as np
import pytest
from sklearn.decomposition import PCA

from engine import Autoencoder, TrainConfig, Trainer
from engine.data.datasets import load_builtin
from engine.data.noise import Noise
from engine.metrics import evaluate, mse, wrong_pixels
from engine.pca import PCAResult, compare_with_pca, fit_pca, image_mse


@pytest.fixture(scope="module")
def font():
    return load_builtin("font5x7")


def test_each_component_reconstructs_better_than_one_fewer(font):
    errors = [fit_pca(font.images, k).mse.sum() for k in range(1, 8)]
    assert all(later < earlier for earlier, later in itertools.pairwise(errors))


def test_explained_variance_ratios_sum_to_at_most_one(font):
    for k in (1, 2, 5, 31):
        pca = fit_pca(font.images, k)
        assert pca.explained_variance_ratio.shape == (k,)
        assert np.all(pca.explained_variance_ratio >= 0)
        assert pca.total_explained_variance <= 1 + 1e-9
        assert np.all(np.diff(pca.explained_variance_ratio) <= 1e-12)  # largest first
    # 32 images span at most 31 directions around their mean: all the variance is explained.
    assert fit_pca(font.images, 31).total_explained_variance == pytest.approx(1.0)


def test_codes_and_reconstruction_match_sklearn(font):
    pca = fit_pca(font.images, 3)
    reference = PCA(n_components=3, svd_solver="full").fit(font.images.astype(np.float64))
    codes = reference.transform(font.images.astype(np.float64))
    np.testing.assert_allclose(pca.codes, codes, atol=1e-9)
    output = np.clip(reference.inverse_transform(codes), 0, 1)
    np.testing.assert_allclose(pca.output, output, atol=1e-9)
    np.testing.assert_allclose(pca.reconstruct(pca.codes), output, atol=1e-9)
    np.testing.assert_array_equal(pca.wrong, wrong_pixels(output, font.images))
    np.testing.assert_allclose(pca.mse, ((output - font.images) ** 2).mean(axis=1))
    assert pca.mse.mean() == pytest.approx(mse(output, font.images))
    assert output.min() >= 0 and output.max() <= 1


def test_a_wrong_basis_fails_the_same_checks(font):
    """Negative control: codes from a flipped component no longer match sklearn's, and a random
    orthonormal basis reconstructs worse than PCA, so the checks above can fail."""
    pca = fit_pca(font.images, 3)
    flipped = pca.components * np.array([[1.0], [-1.0], [1.0]])
    wrong_codes = (font.images - pca.mean) @ flipped.T
    assert not np.allclose(wrong_codes, pca.codes, atol=1e-9)
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(font.n_pixels, 3)))[0].T  # (3, d) orthonormal rows
    random = PCAResult(pca.mean, basis, pca.explained_variance_ratio, pca.codes, *[None] * 2)
    output = random.reconstruct((font.images - pca.mean) @ basis.T)
    assert image_mse(output, font.images).sum() > pca.mse.sum()


def test_components_are_limited_by_the_images():
    images = np.random.default_rng(1).random((4, 6))
    assert fit_pca(images, 10).n_components == 4
    with pytest.raises(ValueError, match="at least two images"):
        fit_pca(images[:1], 2)


def test_a_set_without_variance_explains_nothing_and_warns_not():
    pca = fit_pca(np.full((3, 4), 0.25), 2)
    np.testing.assert_array_equal(pca.explained_variance_ratio, [0.0, 0.0])
    np.testing.assert_allclose(pca.output, 0.25)


def test_the_comparison_scores_the_model_like_evaluate(font):
    model = Autoencoder(font.n_pixels, (16,), 2, seed=1)
    Trainer(model, font.images, TrainConfig(epochs=30, stop_max_wrong_pixels=None)).run()
    pca = fit_pca(font.images, 2)
    comparison = compare_with_pca(model, font.images, pca)
    ev = evaluate(model, font.images)
    np.testing.assert_array_equal(comparison.ae_wrong, ev.wrong)
    assert comparison.ae_mse.mean() == pytest.approx(ev.mse, rel=1e-5)
    assert comparison.pca is pca
    with pytest.raises(ValueError, match="fitted to 32 images"):
        compare_with_pca(model, font.images[:5], pca)


def test_importing_engine_pca_does_not_import_sklearn():
    code = "import sys, engine.pca\nprint('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_new_images_are_projected_like_sklearn_transform(font):
    pca = fit_pca(font.images, 4)
    reference = PCA(n_components=4, svd_solver="full").fit(font.images.astype(np.float64))
    noisy = Noise("gaussian", 0.3).apply(font.images, np.random.default_rng(0))
    np.testing.assert_allclose(pca.transform(noisy), reference.transform(noisy), atol=1e-8)
    expected = np.clip(reference.inverse_transform(reference.transform(noisy)), 0, 1)
    np.testing.assert_allclose(pca.denoise(noisy), expected, atol=1e-8)
    np.testing.assert_allclose(pca.denoise(font.images), pca.output, atol=1e-12)
