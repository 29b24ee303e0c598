"""Issue 15.2: every plot export drawn by real renderers lines up with the PNG export of the same
plot. The SVGs once held axes drawn at 72 dpi around data drawn at 96 (curves past the axis end,
the "best" marker outside the plot), librsvg drew the loss line as a band 200 pixels thick, and
the latent plot carried the on-screen hint "click: decode · wheel: zoom"."""

import shutil
import subprocess

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

TIMEOUT = 10_000
RADIUS = 2  # pixels: antialiasing and font hinting differ between renderers by about this
MATCH = 0.97  # share of one picture's ink that must have ink of the other within RADIUS


@pytest.fixture
def ended(qtbot, make_window):
    """A window whose run has finished: curves, the stop line and the "best" marker drawn."""
    win = make_window(size=(1280, 800), discard=False)
    with qtbot.waitSignal(
        win.run.state_changed, timeout=TIMEOUT, check_params_cb="finished".__eq__
    ):
        win.run.start()
    qtbot.wait(100)
    return win


def export(win, which: str, path) -> None:
    win.dialogs.ask_save_path = lambda title, file_filter: str(path)
    menu = win.exports
    assert (menu.export_loss_plot if which == "loss" else menu.export_latent_plot)(), win.errors


def ink(image: QImage) -> np.ndarray:
    """(h, w) True where something is drawn on the white page."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    h, w = image.height(), image.width()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine() // 4, 4)
    return pixels[:, :w, :3].min(axis=2) < 200


def near(mask: np.ndarray, radius: int = RADIUS) -> np.ndarray:
    """`mask` grown by `radius` pixels in every direction."""
    grown = np.zeros_like(mask)
    padded = np.pad(mask, radius)
    h, w = mask.shape
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            grown |= padded[dy : dy + h, dx : dx + w]
    return grown


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    """The smaller share of either picture's ink that has the other's ink near it."""
    return min((a & near(b)).sum() / a.sum(), (b & near(a)).sum() / b.sum())


def on_white(size) -> QImage:
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    return image


def qt_render(svg_path, size) -> QImage:
    renderer = QSvgRenderer(str(svg_path))
    assert renderer.isValid()
    image = on_white(size)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def rsvg_render(svg_path, size, tmp_path) -> QImage:
    out = tmp_path / f"{svg_path.stem}-rsvg.png"
    subprocess.run(
        ["rsvg-convert", "-w", str(size.width()), "-h", str(size.height()), "-b", "white",
         "-o", str(out), str(svg_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    return QImage(str(out))


@pytest.mark.parametrize("which", ["loss", "latent"])
def test_svg_ink_falls_where_the_png_ink_does(ended, tmp_path, which, qtlog):
    export(ended, which, tmp_path / f"{which}.png")
    export(ended, which, tmp_path / f"{which}.svg")
    png = QImage(str(tmp_path / f"{which}.png"))
    page = on_white(png.size())
    painter = QPainter(page)  # the PNG export is transparent around the plot
    painter.drawImage(0, 0, png)
    painter.end()
    reference = ink(page)
    assert reference.mean() > 0.01  # curves, points and axes were drawn
    renders = {"QSvgRenderer": qt_render(tmp_path / f"{which}.svg", png.size())}
    if shutil.which("rsvg-convert"):  # CI installs librsvg2-bin (scripts/setup.sh)
        renders["rsvg-convert"] = rsvg_render(tmp_path / f"{which}.svg", png.size(), tmp_path)
    for name, image in renders.items():
        drawn = ink(image)
        assert agreement(reference, drawn) >= MATCH, name
        # The thick band: a line must not cover far more of the page than in the PNG.
        assert drawn.sum() < 1.5 * reference.sum(), name
        # Negative control: the same picture 6 pixels off no longer agrees.
        assert agreement(reference, np.roll(drawn, 6, axis=1)) < MATCH, name
    assert not [r for r in qtlog.records if "qt.svg" in r.message or "Invalid" in r.message]
    if which == "latent":
        assert b"click: decode" not in (tmp_path / "latent.svg").read_bytes()
