"""How well a decoder generates: what the 10x10 grid over the latent plane shows a person.

A VAE is trained to be clicked: every point of the plane should decode to a plausible glyph,
neighbours should differ a little, and some points should give glyphs the set does not hold.
`grid_quality` decodes a grid over [lo, hi]^2 on the first two latent axes (others 0) and counts
what a person sees there, on thresholded images (the distinct count) and on grey levels (how much
each axis changes the picture: a collapsed axis changes nothing, whatever tiny grey differences
make the distinct count look healthy). `collapse_report` turns these numbers and the per-axis KL
into a warning with what to change. Shared by `main.py generate`, the VAE tab and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.latent import latent_grid
from engine.metrics import THRESHOLD
from engine.models import kl_per_axis
from engine.nearest import nearest_images

GRID = 10
GRID_RANGE = (-2.0, 2.0)
NEW_PIXELS = 3  # a decoded image this many pixels from every training glyph is new
COLLAPSED_RATIO = (
    0.3  # an axis changing the image less than this fraction of the other's: collapsed
)
# KL collapse, judged by its effect: the most common thresholded grid image covers at least this
# share of the grid (a healthy plane spreads its points over many glyphs) ...
ALIKE_SHARE = 0.5
# ... or a latent axis whose KL, averaged over the set, is below this (nats): its codes are the prior.
INACTIVE_KL = 0.02
# With fewer glyphs one axis may be all a set needs and one glyph may fill half the grid: no
# sign of collapse, so no report.
FEW_GLYPHS = 4


@dataclass(frozen=True, eq=False)
class GridQuality:
    """The decoded grid and what it offers: distinct and new images, change along each axis."""

    grid: int
    lo: float
    hi: float
    codes: np.ndarray  # (grid*grid, latent), row by row from the top (high z2), as latent_grid
    images: np.ndarray  # (grid*grid, d) decoded, in [0, 1]
    distinct: int  # distinct thresholded images
    new: int  # distinct thresholded images at least NEW_PIXELS from every training glyph
    largest_share: float  # share of the grid taken by its most common thresholded image
    axis_change: tuple[float, ...]  # mean |pixel change| between neighbours along z1 (across), z2
    nearest: np.ndarray  # (grid*grid,) index of the nearest training glyph
    distance: np.ndarray  # (grid*grid,) its distance in thresholded pixels

    @property
    def axis_ratio(self) -> float | None:
        """Quieter axis over busier axis (1: even; 0: one axis does nothing); None for one axis."""
        if len(self.axis_change) < 2:
            return None
        busier = max(self.axis_change)
        return min(self.axis_change) / busier if busier > 0 else 0.0

    @property
    def collapsed_axis(self) -> int | None:
        """0 (z1) or 1 (z2) when that axis changes the image under COLLAPSED_RATIO of the other."""
        ratio = self.axis_ratio
        if ratio is None or ratio >= COLLAPSED_RATIO:
            return None
        return int(np.argmin(self.axis_change))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers (the images stay out; `generate --out *.json` writes them as a set)."""
        return {
            "grid": self.grid,
            "range": [self.lo, self.hi],
            "distinct": self.distinct,
            "new": self.new,
            "new_pixels": NEW_PIXELS,
            "largest_share": self.largest_share,
            "axis_change": {f"z{i + 1}": v for i, v in enumerate(self.axis_change)},
            "axis_ratio": self.axis_ratio,
            "collapsed_axis": None
            if self.collapsed_axis is None
            else f"z{self.collapsed_axis + 1}",
            "nearest_distance": self.distance.tolist(),
        }

    def summary(self) -> str:
        """Two or three lines for a person: counts, axis change, the collapsed axis if any."""
        n = self.grid * self.grid
        lines = [
            f"{self.grid}x{self.grid} grid over [{self.lo:g}, {self.hi:g}]^2: {self.distinct} of "
            f"{n} images distinct, {self.new} new (at least {NEW_PIXELS} pixels from every "
            f"training glyph); nearest glyph {int(self.distance.min())}-{int(self.distance.max())} "
            f"pixels away (median {float(np.median(self.distance)):g}).",
        ]
        change = ", ".join(f"{v:.3f} along z{i + 1}" for i, v in enumerate(self.axis_change))
        lines.append(f"Mean pixel change between neighbours: {change}.")
        if self.collapsed_axis is not None:
            lines.append(axis_collapse_text(self))
        return "\n".join(lines)


def grid_quality(
    model,
    training: np.ndarray,
    grid: int = GRID,
    lo: float = GRID_RANGE[0],
    hi: float = GRID_RANGE[1],
) -> GridQuality:
    """Decode a grid x grid sheet over [lo, hi]^2 and score it against the training images (n, d)."""
    codes = latent_grid(model, grid, lo, hi)  # (grid*grid, latent)
    images = np.asarray(model.decode(codes), np.float64)  # (grid*grid, d)
    return score_grid(images, np.asarray(training), grid, lo, hi, codes, axes=min(model.latent, 2))


def score_grid(
    images: np.ndarray,
    training: np.ndarray,
    grid: int,
    lo: float,
    hi: float,
    codes: np.ndarray,
    axes: int = 2,
) -> GridQuality:
    """The numbers of `grid_quality` for already decoded images (grid*grid, d), row by row from
    the top, z1 across and z2 down; `axes` is how many latent axes the grid spans (1 or 2)."""
    binary = images >= THRESHOLD  # (m, d)
    _, inverse, counts = np.unique(binary, axis=0, return_inverse=True, return_counts=True)
    nearest, distance = nearest_images(images, training)
    first = np.unique(inverse.ravel(), return_index=True)[1]  # one image of each distinct kind
    new = int(np.sum(distance[first] >= NEW_PIXELS))
    sheet = images.reshape(grid, grid, -1)  # (rows: z2 from the top, columns: z1, d)
    across = float(np.abs(np.diff(sheet, axis=1)).mean()) if grid > 1 else 0.0
    down = float(np.abs(np.diff(sheet, axis=0)).mean()) if grid > 1 else 0.0
    change = (across, down) if axes > 1 else (across,)
    return GridQuality(
        grid, float(lo), float(hi), codes, images, len(counts), new,
        float(counts.max()) / len(images), change, nearest, distance,
    )  # fmt: skip


def axis_collapse_text(quality: GridQuality) -> str:
    axis = quality.collapsed_axis
    other = 1 - axis
    if quality.axis_change[other] == 0:
        return "Neither latent axis changes the image: every point of the plane decodes alike."
    return (
        f"Latent axis z{axis + 1} has collapsed: moving along it changes the image "
        f"{quality.axis_change[axis]:.3f} per step against {quality.axis_change[other]:.3f} along "
        f"z{other + 1}, so the plane offers one line of glyphs instead of a space to explore."
    )


def collapse_report(model, training: np.ndarray, quality: GridQuality | None = None) -> str | None:
    """A warning when the VAE's latent space has collapsed, judged by what it does, with what to
    change; None when it is healthy (or the model is not a VAE).

    Collapse shows as a grid whose points mostly decode to one image, as latent axes whose KL is
    near zero (their codes say nothing about the glyph), or as one axis of the plane that changes
    nothing. A low total KL alone is no sign: a set of near-identical glyphs needs little.
    Sets of fewer than FEW_GLYPHS glyphs get no report.
    """
    if model.kind != "vae" or len(training) < FEW_GLYPHS:
        return None
    quality = quality or grid_quality(model, training)
    mu, logvar = model.encode_distribution(training)
    kl = kl_per_axis(np.asarray(mu, np.float64), np.asarray(logvar, np.float64))  # (L,)
    # Only the plane's axes count: axes beyond z2 that a model leaves unused cost nothing a
    # person sees on the plane.
    inactive = [i for i in range(min(model.latent, 2)) if kl[i] < INACTIVE_KL]
    alike = quality.largest_share >= ALIKE_SHARE
    problems = []
    if alike:
        problems.append(
            f"{round(quality.largest_share * 100)}% of the {quality.grid}x{quality.grid} latent "
            "grid decodes to one and the same image"
        )
    if inactive:
        names = ", ".join(f"z{i + 1}" for i in inactive)
        problems.append(
            f"latent {'axis' if len(inactive) == 1 else 'axes'} {names} "
            f"{'carries' if len(inactive) == 1 else 'carry'} no information (KL "
            f"{', '.join(f'{kl[i]:.3f}' for i in inactive)} nats)"
        )
    if quality.collapsed_axis is not None and quality.collapsed_axis not in inactive:
        axis = quality.collapsed_axis
        problems.append(
            f"moving along z{axis + 1} barely changes the image ({quality.axis_change[axis]:.3f} "
            f"per step against {quality.axis_change[1 - axis]:.3f} along z{2 - axis})"
        )
    if not problems:
        return None
    beta = model.beta
    lower = f"{beta / 10:g}" if beta > 1 else f"{beta / 4:g}"
    return (
        "Posterior collapse: " + "; ".join(problems) + f". The KL weight beta ({beta:g}) pushes "
        f"the codes onto the prior: lower beta (e.g. to {lower}) and train again."
    )
