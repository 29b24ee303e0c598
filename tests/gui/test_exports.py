"""File > Export: plots as PNG/SVG, the decoded latent grid, loss history and latent codes as CSV."""

import csv

import pytest

from engine.history import History

TIMEOUT = 10_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def window(qtbot, make_window):
    win = make_window(discard=False)
    with qtbot.waitSignal(win.run.state_changed, timeout=TIMEOUT, check_params_cb="paused".__eq__):
        win.run.step(30)
    return win


def export_to(win, path, export) -> bytes:
    asked = []
    win.dialogs.ask_save_path = lambda title, file_filter: asked.append(file_filter) or str(path)
    assert export(), win.errors
    assert asked, "the path must come from the save dialog"
    assert win.errors == []
    return path.read_bytes()


@pytest.mark.parametrize("which", ["loss", "latent"])
def test_plots_as_png_and_svg(window, tmp_path, which):
    export = (
        window.exports.export_loss_plot if which == "loss" else window.exports.export_latent_plot
    )
    png = export_to(window, tmp_path / f"{which}.png", export)
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 1000  # a real picture, not an empty one
    svg = export_to(window, tmp_path / f"{which}.svg", export)
    assert b"<svg" in svg[:2000]
    assert b"</svg>" in svg
    assert b"<image" not in svg  # vector: no pictures of the axes (cached on screen) or points


def test_the_latent_grid_is_one_picture_of_10_by_10_glyphs(window, tmp_path):
    png = export_to(window, tmp_path / "grid.png", window.exports.export_latent_grid)
    assert png.startswith(PNG_MAGIC)
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    dataset = window.run.dataset  # 5x7 glyphs at scale 4 with a 2-pixel gap
    assert width == 10 * (dataset.width * 4 + 2) + 2
    assert height == 10 * (dataset.height * 4 + 2) + 2


def test_the_loss_history_as_csv(window, tmp_path):
    export_to(window, tmp_path / "history.csv", window.exports.export_history_csv)
    rows = list(csv.reader((tmp_path / "history.csv").read_text().splitlines()))
    assert tuple(rows[0]) == History.KEYS
    history = window.run.snapshot.history
    assert len(rows) - 1 == len(history["epoch"])
    assert int(rows[-1][0]) == 30
    assert float(rows[-1][1]) == pytest.approx(history["loss"][-1])


def test_the_latent_codes_as_csv(window, tmp_path):
    export_to(window, tmp_path / "codes.csv", window.exports.export_latent_csv)
    rows = list(csv.reader((tmp_path / "codes.csv").read_text().splitlines()))
    assert rows[0] == ["index", "label", "z1", "z2"]
    dataset, latent = window.run.dataset, window.run.snapshot.latent
    assert len(rows) - 1 == len(dataset)
    assert rows[1][1] == dataset.labels[0]
    assert float(rows[5][2]) == pytest.approx(latent[4, 0])


def test_a_cancelled_dialog_writes_nothing(window, tmp_path):
    window.dialogs.ask_save_path = lambda title, file_filter: None
    assert not window.exports.export_history_csv()
    assert list(tmp_path.glob("*.csv")) == []
    assert window.errors == []


def test_an_unwritable_path_says_why(window, tmp_path):
    (tmp_path / "file").write_text("x")
    window.dialogs.ask_save_path = lambda title, file_filter: str(tmp_path / "file" / "codes.csv")
    assert not window.exports.export_latent_csv()
    assert len(window.errors) == 1 and "Could not write" in window.errors[0]
