"""The report's models, built from the presets with fixed seeds, trained and scored; no Qt.

Apart from `gui.report.build` so that a spawned training process imports only the engine and this
module, never PySide6 or pyqtgraph; the figures and the Markdown read the scores defined here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np

from engine.data.datasets import Dataset, load_builtin
from engine.data.noise import Noise
from engine.denoising import bound_wrong_pixels, model_wrong_pixels, noisy_copies
from engine.generation import GRID, GRID_RANGE, NEW_PIXELS, GridQuality, grid_quality
from engine.metrics import evaluate
from engine.models import Autoencoder, VariationalAutoencoder
from engine.pca import fit_pca
from engine.presets import PRESETS
from engine.sweep import SweepRow, run_sweep
from engine.train_config import TrainConfig
from engine.training import Trainer

# DAEs trained for the report: the noise each one sees, and what it is used for.
DAE_NOISES = ("salt-pepper:0.1", "salt-pepper:0.2", "bitflip:0.1", "gaussian:0.3")
SWEEP_DAE = {"salt-pepper": "salt-pepper:0.2", "bitflip": "bitflip:0.1", "gaussian": "gaussian:0.3"}
NEW_DISTANCE = NEW_PIXELS  # the VAE's generated grid: GRID x GRID points over GRID_RANGE^2


@dataclass(frozen=True)
class Settings:
    """What `run_report` read from the command line; every step below takes it."""

    seed: int
    dae_epochs: int
    vae_epochs: int | None  # None: the preset's
    repeats: int  # noisy copies of every glyph for the DAE numbers
    sweep_repeats: int
    jobs: int


# --- training (no Qt; runs in worker processes) ---------------------------------------------------
@dataclass(frozen=True)
class Trained:
    name: str
    params: np.ndarray
    epochs: int
    seconds: float
    state: str
    message: str


def _build(kind: str, n_pixels: int, seed: int) -> Autoencoder:
    preset = PRESETS[kind]
    cls = VariationalAutoencoder if kind == "vae" else Autoencoder
    return cls(n_pixels, latent=2, loss="bce", seed=seed, **preset.model_kwargs())


def make_trainer(
    kind: str, data: Dataset, seed: int, noise: str | None, epochs: int | None
) -> Trainer:
    """A trainer of PRESETS[kind] seeded with `seed`; `epochs` None keeps the preset's."""
    settings = PRESETS[kind].train_kwargs()
    if epochs is not None:
        settings["epochs"] = epochs
    config = TrainConfig(
        noise=Noise.parse(noise) if noise else None, batch_seed=seed, noise_seed=seed, **settings
    )
    return Trainer(_build(kind, data.n_pixels, seed), data.images, config)


def train_job(
    name: str, kind: str, data_name: str, seed: int, noise: str | None, epochs: int | None
) -> Trained:
    """Train one model of PRESETS[kind]; top level so a worker process can run it."""
    trainer = make_trainer(kind, load_builtin(data_name), seed, noise, epochs)
    start = time.perf_counter()
    final = trainer.run()
    seconds = time.perf_counter() - start
    return Trained(
        name, trainer.model.params.copy(), final.epoch, seconds, final.state, final.message
    )


def train_all(settings: Settings, progress: Callable[[str], None]) -> dict[str, Trained]:
    """Every DAE of DAE_NOISES and the VAE, in `settings.jobs` spawned processes."""
    # The long DAEs first, so the short VAE fills the gap at the end.
    jobs = [(noise, "dae", "font5x7", noise, settings.dae_epochs) for noise in DAE_NOISES]
    jobs.append(("vae", "vae", "emoji12x12", None, settings.vae_epochs))
    progress(
        f"training {len(DAE_NOISES)} DAEs ({settings.dae_epochs} epochs each) and the VAE "
        f"in {settings.jobs} process(es)"
    )
    results: dict[str, Trained] = {}
    if settings.jobs == 1:
        for name, kind, data, noise, epochs in jobs:
            results[name] = train_job(name, kind, data, settings.seed, noise, epochs)
            progress(f"trained {name} in {results[name].seconds:.1f} s")
        return results
    with ProcessPoolExecutor(settings.jobs, mp_context=get_context("spawn")) as pool:
        futures = [
            pool.submit(train_job, name, kind, data, settings.seed, noise, epochs)
            for name, kind, data, noise, epochs in jobs
        ]
        for future in as_completed(futures):
            done = future.result()
            results[done.name] = done
            progress(f"trained {done.name} in {done.seconds:.1f} s")
    return results


# --- measuring ------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DaeScore:
    noise: Noise
    model: Autoencoder
    trained: Trained
    copies: np.ndarray  # (repeats, n, d)
    wrong: np.ndarray  # (repeats, n)
    bound: np.ndarray  # (repeats, n)
    ae_wrong: np.ndarray  # (repeats, n): the plain AE on the same copies


def score_dae(
    trained: Trained, font: Dataset, ae: Autoencoder, settings: Settings, index: int
) -> DaeScore:
    """The DAE's wrong pixels on fresh noisy copies, beside the Bayes bound and the plain AE."""
    noise = Noise.parse(trained.name)
    model = _build("dae", font.n_pixels, settings.seed)
    model.params[...] = trained.params
    rng = np.random.default_rng([settings.seed, 1000 + index])
    copies = noisy_copies(font.images, noise, settings.repeats, rng)
    return DaeScore(
        noise,
        model,
        trained,
        copies,
        model_wrong_pixels(model, font.images, copies),
        bound_wrong_pixels(font.images, copies, noise),
        model_wrong_pixels(ae, font.images, copies),
    )


@dataclass(frozen=True, eq=False)
class VaeScore:
    model: VariationalAutoencoder
    trained: Trained
    wrong: np.ndarray  # (n,) from mu
    kl: float
    quality: GridQuality  # the decoded grid, scored as `main.py generate` and the VAE tab do

    @property
    def grid(self) -> np.ndarray:
        """(GRID*GRID, d) decoded grey levels."""
        return self.quality.images

    @property
    def is_new(self) -> np.ndarray:
        """(GRID*GRID,) bool: at least NEW_DISTANCE pixels from every emoji."""
        return self.quality.distance >= NEW_DISTANCE

    @property
    def distinct(self) -> int:
        return self.quality.distinct

    @property
    def new(self) -> int:
        return self.quality.new


def score_vae(trained: Trained, emoji: Dataset, seed: int) -> VaeScore:
    """Reconstruction of the emojis from mu, and how many of the decoded grid are new."""
    model = _build("vae", emoji.n_pixels, seed)
    assert isinstance(model, VariationalAutoencoder)
    model.params[...] = trained.params
    ev = evaluate(model, emoji.images)
    quality = grid_quality(model, emoji.images, GRID, *GRID_RANGE)
    return VaeScore(model, trained, ev.wrong, ev.kl, quality)


def sweep_rows(
    font: Dataset, ae: Autoencoder, daes: dict[str, DaeScore], settings: Settings
) -> list[SweepRow]:
    """The noise sweep of every kind: its DAE, the plain AE and PCA with as many components."""
    pca = fit_pca(font.images, ae.latent)
    rows: list[SweepRow] = []
    for kind, dae_name in SWEEP_DAE.items():
        denoisers = {"DAE": daes[dae_name].model.reconstruct, "AE": ae.reconstruct}
        denoisers["PCA"] = pca.denoise
        rows += run_sweep(
            font.images, denoisers, kind, repeats=settings.sweep_repeats, seed=settings.seed
        )
    return rows
