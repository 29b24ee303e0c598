"""What a run is made of, as one frozen value: model kind and shape, optimiser, stop rule, seeds.

The training panel writes these, the run controller turns them into a model and a TrainConfig,
and QSettings stores them as a plain dict, so all three agree on one list of fields.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

from engine.data.noise import NOISES, Noise
from engine.data.split import default_test_fraction
from engine.models import Autoencoder, model_from_config
from engine.nn.activations import ACTIVATIONS
from engine.nn.losses import LOSS_FUNCTIONS
from engine.nn.optimizers import OPTIMIZERS
from engine.presets import PRESETS
from engine.train_config import LR_SCHEDULES, TrainConfig

MODEL_KINDS: dict[str, str] = {
    "ae": "AE (autoencoder)",
    "dae": "DAE (denoising)",
    "vae": "VAE (variational)",
}
# The fields that shape the initial weights; changing one means a new model.
ARCHITECTURE_FIELDS = ("kind", "hidden", "latent", "activation", "loss", "init_seed")
LIVE_FIELDS = ("lr", "beta", "pace")  # the only fields a running trainer accepts
# The fields a model kind's preset sets (engine.presets) for a set of a given size: picking a
# kind, another set or another glyph count, or restoring the defaults, sets each of them that the
# person has not set by hand (RunSettings.by_hand) to what `main.py train` uses on that set.
PRESET_FIELDS = (
    "hidden", "activation", "lr", "epochs", "batch_size", "stop_enabled", "stop_wrong",
    "plateau_epochs", "plateau_tolerance", "noise_kind", "noise_level", "noise_copies",
    "lr_schedule", "free_bits", "beta", "test_fraction", "noise_floor", "eval_every",
)  # fmt: skip
LR_SCHEDULE_NAMES = {
    "constant": "constant",
    "cosine": "cosine (decays to 1/20)",
    "warmup-cosine": "warm-up, then cosine",
}


@dataclass(frozen=True)
class RunSettings:
    """Everything a person chooses before pressing Start."""

    kind: str = "ae"
    hidden: tuple[int, ...] = PRESETS["ae"].hidden
    latent: int = 2
    activation: str = PRESETS["ae"].activation
    loss: str = "bce"
    optimizer: str = "adam"
    lr: float = PRESETS["ae"].lr
    batch_size: int = 0  # 0: the whole set in one batch
    epochs: int = PRESETS["ae"].epochs
    lr_schedule: str = "constant"  # or "cosine" / "warmup-cosine" (engine.train_config)
    beta: float = 1.0  # VAE only
    free_bits: float = 0.0  # VAE only: KL floor per latent axis (engine.models)
    noise_kind: str = "salt-pepper"  # DAE only
    noise_level: float = 0.1
    noise_copies: int = 1  # DAE only: noisy copies of every glyph per epoch
    noise_floor: float = 0.0  # DAE only: the least share of pixels the training noise changes
    eval_every: int = 1  # epochs between evaluations (the preset's; no control sets it)
    init_seed: int = 0
    batch_seed: int = 0
    noise_seed: int = 0
    stop_enabled: bool = True
    stop_wrong: int = 0  # stop once every glyph has at most this many wrong pixels
    # Stop once the loss has not improved by plateau_tolerance in plateau_epochs epochs (0: never).
    plateau_epochs: int = 0
    plateau_tolerance: float = TrainConfig.plateau_tolerance
    pace: float = 0.0  # epochs per second to train at, so a person can watch; 0: full speed
    # Hold out this fraction of the images as a test set, drawn with split_seed (a tenth above
    # SPLIT_ABOVE images, none for glyph sets): scored beside training, never trained on.
    test_fraction: float = 0.0
    split_seed: int = 0
    # The PRESET_FIELDS the person changed by hand: a set of another size keeps them as they are.
    by_hand: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        checks = (
            (self.kind in MODEL_KINDS, f"unknown model kind {self.kind!r}"),
            (self.activation in ACTIVATIONS, f"unknown activation {self.activation!r}"),
            (self.loss in LOSS_FUNCTIONS, f"unknown loss {self.loss!r}"),
            (self.optimizer in OPTIMIZERS, f"unknown optimizer {self.optimizer!r}"),
            (self.noise_kind in NOISES, f"unknown noise {self.noise_kind!r}"),
            (all(h >= 1 for h in self.hidden), "hidden layer sizes must be at least 1"),
            (self.latent >= 1, "the latent size must be at least 1"),
            (self.lr > 0, "the learning rate must be positive"),
            (self.batch_size >= 0 and self.epochs >= 1, "batch size >= 0 and epochs >= 1"),
            (self.beta >= 0 and self.noise_level >= 0, "beta and the noise level must be >= 0"),
            (self.free_bits >= 0, "free bits must be >= 0"),
            (self.stop_wrong >= 0, "the wrong-pixel limit must be >= 0"),
            (self.noise_copies >= 1, "at least 1 noisy copy per epoch"),
            (self.eval_every >= 1, "the epochs between evaluations must be at least 1"),
            (0 <= self.noise_floor <= 0.5, "the training noise floor must be in [0, 0.5]"),
            (self.lr_schedule in LR_SCHEDULES, f"unknown schedule {self.lr_schedule!r}"),
            (self.pace >= 0, "the speed must be >= 0 epochs per second (0: full speed)"),
            (self.plateau_epochs >= 0, "the plateau must be >= 0 epochs (0: no plateau stop)"),
            (0 <= self.plateau_tolerance < 1, "the plateau tolerance must be in [0, 1)"),
            (0 <= self.test_fraction < 1, "the test fraction must be at least 0 and below 1"),
            (set(self.by_hand) <= set(PRESET_FIELDS), f"unknown preset fields {self.by_hand}"),
        )
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        object.__setattr__(self, "by_hand", tuple(sorted(set(self.by_hand))))

    def replace(self, **changes: Any) -> RunSettings:
        return dataclasses.replace(self, **changes)

    # --- what the engine needs ------------------------------------------------------------------
    def model_config(self, n_inputs: int) -> dict[str, Any]:
        """The engine's model config (see Autoencoder.config) for images of `n_inputs` pixels."""
        config = {
            "kind": "vae" if self.kind == "vae" else "ae",
            "n_inputs": n_inputs,
            "hidden": list(self.hidden),
            "latent": self.latent,
            "activation": self.activation,
            "loss": self.loss,
            "seed": self.init_seed,
        }
        if self.kind == "vae":
            config["beta"] = self.beta
            config["free_bits"] = self.free_bits
        return config

    def build_model(self, n_inputs: int) -> Autoencoder:
        """Fresh weights from the init seed: the same settings always give the same start."""
        return model_from_config(self.model_config(n_inputs))

    def train_config(self) -> TrainConfig:
        noise = Noise(self.noise_kind, self.noise_level) if self.kind == "dae" else None
        return TrainConfig(
            epochs=self.epochs,
            batch_size=self.batch_size,
            optimizer=self.optimizer,
            lr=self.lr,
            noise=noise,
            noise_copies=self.noise_copies,
            noise_floor=self.noise_floor,
            eval_every=self.eval_every,
            lr_schedule=self.lr_schedule,
            stop_max_wrong_pixels=self.stop_wrong if self.stop_enabled else None,
            plateau_epochs=self.plateau_epochs,
            plateau_tolerance=self.plateau_tolerance,
            batch_seed=self.batch_seed,
            noise_seed=self.noise_seed,
            test_fraction=self.test_fraction,
            split_seed=self.split_seed,
        )

    def parameter_count(self, n_inputs: int) -> int:
        """Weights plus biases of encoder and decoder, without building the model."""
        outputs = 2 * self.latent if self.kind == "vae" else self.latent
        encoder = (n_inputs, *self.hidden, outputs)
        decoder = (self.latent, *reversed(self.hidden), n_inputs)
        return sum(a * b + b for sizes in (encoder, decoder) for a, b in itertools.pairwise(sizes))

    # --- storage --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["hidden"] = list(self.hidden)
        data["by_hand"] = list(self.by_hand)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: RunSettings | None = None) -> RunSettings:
        """Known fields from `data` over `base`; a stored value of the wrong type is skipped."""
        settings = base or cls()
        for field in dataclasses.fields(cls):
            if field.name not in data:
                continue
            default = getattr(settings, field.name)
            try:
                if field.name == "by_hand":  # names, not sizes; unknown ones are dropped
                    value = tuple(v for v in data["by_hand"] if v in PRESET_FIELDS)
                else:
                    value = _coerce(data[field.name], default)
                settings = settings.replace(**{field.name: value})
            except (TypeError, ValueError):
                continue
        return settings


def _coerce(value: Any, like: Any) -> Any:
    """Turn a stored value (QSettings may give strings) into the type of `like`."""
    if isinstance(like, bool):
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)
    if isinstance(like, tuple):
        if isinstance(value, str):
            return parse_hidden(value)
        return tuple(int(v) for v in value)
    return type(like)(value)


def parse_hidden(text: str) -> tuple[int, ...]:
    """'30, 20, 10' -> (30, 20, 10); '' -> () (no hidden layer). Raises ValueError with a reason."""
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    if parts == [""]:
        return ()
    sizes = []
    for part in parts:
        if not part:
            raise ValueError("a layer size is missing between commas; write sizes like 30,20,10")
        if not part.isdigit():
            raise ValueError(f"{part!r} is not a whole number; write sizes like 30,20,10")
        size = int(part)
        if not 1 <= size <= 4096:
            raise ValueError(f"a hidden layer needs 1 to 4096 units, not {size}")
        sizes.append(size)
    return tuple(sizes)


def format_hidden(hidden: tuple[int, ...]) -> str:
    return ",".join(str(h) for h in hidden)


def preset_values(kind: str, n_images: int) -> dict[str, Any]:
    """The PRESET_FIELDS of `kind`'s preset for a set of `n_images` images: what `main.py train`
    gives a set of that size (engine.cli.commands.cmd_train), through the same Preset methods."""
    preset = PRESETS[kind].for_set(n_images)
    model = preset.model_kwargs(n_images)
    sized = preset.train_kwargs(n_images)
    noise = Noise.parse(preset.noise) if preset.noise else Noise("salt-pepper", 0.1)
    stop = sized["stop_max_wrong_pixels"]
    return {
        "hidden": tuple(model["hidden"]),
        "activation": model["activation"],
        "lr": sized["lr"],
        "epochs": sized["epochs"],
        "batch_size": sized.get("batch_size", 0),
        "stop_enabled": stop is not None,
        "stop_wrong": stop or 0,
        "plateau_epochs": sized.get("plateau_epochs", 0),
        "plateau_tolerance": sized.get("plateau_tolerance", TrainConfig.plateau_tolerance),
        "noise_kind": noise.kind,
        "noise_level": noise.level,
        "noise_copies": sized["noise_copies"],
        "noise_floor": sized["noise_floor"],
        "eval_every": sized["eval_every"],
        "lr_schedule": sized["lr_schedule"],
        "free_bits": model.get("free_bits", 0.0),
        "beta": model.get("beta", 1.0),
        "test_fraction": default_test_fraction(n_images),
    }


def default_settings(dataset_name: str, n_images: int, kind: str | None = None) -> RunSettings:
    """A set's settings before anyone changed them: its kind's preset for its size.

    The emoji default to a VAE, every other set to an AE; the preset depends on the number of
    images only, never on the name, so the window trains as `main.py train` does.
    """
    if kind is None:
        kind = "vae" if dataset_name == "emoji12x12" else "ae"
    return RunSettings(kind=kind, **preset_values(kind, n_images))


def sized_settings(settings: RunSettings, n_images: int) -> RunSettings:
    """`settings` with its kind's preset for `n_images` images in every PRESET_FIELD that was
    not set by hand."""
    values = preset_values(settings.kind, n_images)
    return settings.replace(**{k: v for k, v in values.items() if k not in settings.by_hand})


def with_kind_preset(settings: RunSettings, kind: str, n_images: int) -> RunSettings:
    """`settings` with another model kind and that kind's whole preset for a set of `n_images`
    images (no field counts as set by hand any more); the latent size, loss, optimizer, seeds and
    speed stay as they were."""
    return settings.replace(kind=kind, by_hand=(), **preset_values(kind, n_images))
