"""report.md: the measured numbers beside the course's claims and the issue's bars, as Markdown.

Plain string building, apart from the training and the drawing so that the wording of the
write-up can be read and changed on its own.
"""

from __future__ import annotations

import numpy as np

from engine.data.datasets import Dataset
from engine.generation import COLLAPSED_RATIO
from engine.presets import PRESETS
from engine.sweep import SweepRow
from engine.training import Snapshot
from gui.report.report_models import (
    DAE_NOISES,
    NEW_DISTANCE,
    SWEEP_DAE,
    DaeScore,
    Settings,
    VaeScore,
)

BARS = {"salt-pepper:0.1": 0.1, "salt-pepper:0.2": 0.5, "bitflip:0.1": 0.25}  # issue 2


def _holds(ok: bool) -> str:
    return "yes" if ok else "**no**"


def markdown(
    settings: Settings,
    font: Dataset,
    ae: Snapshot,
    ae_seconds: float,
    daes: dict[str, DaeScore],
    vae: VaeScore,
    rows: list[SweepRow],
    figures: dict[str, str],
    seconds: float,
) -> str:
    """The whole report.md; COMMAND is left for the caller to fill in with the command line."""
    ev = ae.evaluation
    lines = [
        "# Autoencoder Lab: report",
        "",
        f"Measured by `COMMAND` in {seconds:.0f} s (seed {settings.seed}). Everything below is "
        "retrained from scratch with fixed seeds; rerunning the command gives the same numbers.",
        "",
        "## Measured numbers beside the course's",
        "",
        "| what | course | bar (issue 2) | measured | holds |",
        "|---|---|---|---|---|",
        f"| font AE: wrong pixels per glyph (worst) | at most 1 | 0 | {ev.max_wrong} "
        f"(total {ev.total_wrong}, epoch {ae.epoch}) | {_holds(ev.max_wrong == 0)} |",
    ]
    course = {"salt-pepper": "returns the clean glyph", "gaussian": "returns the clean glyph"}
    for name in DAE_NOISES:
        s = daes[name]
        mean = float(s.wrong.mean())
        exact = 100 * float((s.wrong == 0).mean())
        bar = BARS.get(name)
        lines.append(
            f"| DAE, {s.noise.kind} {s.noise.level:g}: mean wrong pixels per glyph "
            f"| {course.get(s.noise.kind, '')} | {f'<= {bar:g}' if bar is not None else ''} "
            f"| {mean:.3f} ({exact:.1f}% of copies exactly clean; best possible "
            f"{s.bound.mean():.3f}; plain AE {s.ae_wrong.mean():.2f}) "
            f"| {_holds(mean <= bar) if bar is not None else ''} |"
        )
    lines += [
        f"| VAE: wrong pixels per emoji decoding mu (worst) | | <= 2 | {int(vae.wrong.max())} "
        f"(total {int(vae.wrong.sum())}, KL {vae.kl:.2f}) | {_holds(vae.wrong.max() <= 2)} |",
        f"| VAE: distinct images in the 10x10 grid | draws new emojis | >= 20 | {vae.distinct} "
        f"| {_holds(vae.distinct >= 20)} |",
        f"| VAE: new images (>= {NEW_DISTANCE} px from every emoji) | draws new emojis | >= 5 "
        f"| {vae.new} | {_holds(vae.new >= 5)} |",
        f"| VAE: change along the quieter latent axis / the busier one (no collapsed axis) "
        f"| | >= {COLLAPSED_RATIO:g} | {vae.quality.axis_ratio:.2f} (z1 "
        f"{vae.quality.axis_change[0]:.3f}, z2 {vae.quality.axis_change[1]:.3f} per step; "
        f"nearest emoji median {float(np.median(vae.quality.distance)):g} px) "
        f"| {_holds(vae.quality.axis_ratio >= COLLAPSED_RATIO)} |",
        "",
        f"DAE numbers: {settings.repeats} fresh noisy copies of each of the {len(font)} glyphs, "
        'the output thresholded at 0.5 and compared with the clean glyph. "Best possible" is '
        "the Bayes-optimal denoiser that knows the clean glyphs and the noise: each pixel set "
        "where the glyphs that could have made the copy are mostly ink (`engine.denoising`), on "
        "the same copies.",
        "",
        "## Figures",
        "",
    ]
    for name, caption in figures.items():
        lines += [f"### {caption}", "", f"![{caption}]({name})", ""]
    lines += ["## Noise sweep", "", _sweep_markdown(rows), "",
              f"The rows are in [sweep.csv](sweep.csv); error bars are one standard deviation over "
              f"{settings.sweep_repeats} repeats.", ""]  # fmt: skip
    dae = PRESETS["dae"]
    lines += [
        "## Seeds and settings",
        "",
        f"- Seed {settings.seed} for every model's initial weights, batch order and training "
        "noise; the scoring noise is drawn from its own seeded streams.",
        f"- Font AE: `{PRESETS['ae']}`; trained {ae.epoch} epochs in {ae_seconds:.2f} s.",
        f"- DAEs: the preset `{dae}`"
        + (
            f" with **{settings.dae_epochs} epochs instead of {dae.epochs}** (shorter; the "
            "README's table uses the preset)."
            if settings.dae_epochs != dae.epochs
            else f", {dae.epochs} epochs as in the README's table."
        )
        + " One DAE per noise: "
        + ", ".join(
            f"{n} ({daes[n].trained.epochs} epochs, {daes[n].trained.seconds:.1f} s)"
            for n in DAE_NOISES
        )
        + ". The sweep uses the DAE trained on "
        + ", ".join(f"{SWEEP_DAE[k]} for {k}" for k in SWEEP_DAE)
        + ".",
        f"- VAE: `{PRESETS['vae']}`; {vae.trained.epochs} epochs in {vae.trained.seconds:.1f} s.",
        f"- Noise sweep: `engine.sweep.run_sweep`, {settings.sweep_repeats} repeats per level; "
        "PCA with 2 components (`engine.pca.fit_pca(...).denoise`).",
        f"- Training ran in {settings.jobs} process(es); total {seconds:.1f} s.",
        "",
        "Command:",
        "",
        "```sh",
        ".venv/bin/COMMAND",
        "```",
        "",
    ]
    return "\n".join(lines)


def _sweep_markdown(rows: list[SweepRow]) -> str:
    methods = list(dict.fromkeys(r.method for r in rows))
    cells = {(r.kind, r.level, r.method): f"{r.mean:.3f} ± {r.std:.3f}" for r in rows}
    lines = ["| noise | level | " + " | ".join(methods) + " |", "|---|---|" + "---|" * len(methods)]
    for kind in dict.fromkeys(r.kind for r in rows):
        for level in dict.fromkeys(r.level for r in rows if r.kind == kind):
            row = [cells.get((kind, level, m), "") for m in methods]
            lines.append(f"| {kind} | {level:g} | " + " | ".join(row) + " |")
    return "\n".join(lines)
