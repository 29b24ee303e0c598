"""The whole window: start-up like main.py, the generator, draw to encode, files, close, settings."""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtWidgets import QLabel

from engine.serialization import save_model
from gui.main_window import MainWindow

TIMEOUT = 10_000
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(make_window, store):
    return make_window(store)


def start_and_finish(qtbot, win) -> None:
    with qtbot.waitSignal(
        win.run.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"
    ):
        qtbot.mouseClick(win.training_panel.start_button, Qt.MouseButton.LeftButton)


SMOKE = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gui.app import make_application
from gui.main_window import MainWindow
import main

def close_window():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            print("shown", widget.glyph_set.name, widget.run.state, flush=True)
            widget.close()  # the last window closed: the event loop ends

make_application()
QTimer.singleShot(300, close_window)
sys.exit(main.main([]))
"""


def test_main_py_opens_the_window_and_quits(tmp_path):
    """`python main.py` in a fresh process: the window starts on the 5x7 font, ready to press
    Start, and closing it ends the process with status 0 (no Qt abort at exit)."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", SMOKE.format(root=str(ROOT))],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "shown font5x7 idle" in result.stdout
    assert time.monotonic() - started < 15


def test_clicking_the_latent_plane_shows_the_decoded_glyph(qtbot, window):
    start_and_finish(qtbot, window)
    scatter, view = window.latent_scatter, window.latent_scatter.getViewBox()
    qtbot.wait(50)
    (x0, x1), (y0, y1) = view.viewRange()
    x, y = x0 + 0.8 * (x1 - x0), y0 + 0.2 * (y1 - y0)
    pos = scatter.mapFromScene(view.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(scatter.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    code = window.generator.code
    assert code is not None
    px, py = view.viewPixelSize()
    if window.glyph_set.current != 0 or abs(code[0] - x) > 2 * px:
        # the click landed on a glyph: the generator decodes that glyph's code instead
        assert np.hypot(*((scatter.plane_points - code) / (px, py)).T).min() < 1e-6
    else:
        assert abs(code[1] - y) <= 2 * py
    snapshot = window.run.snapshot
    expected = snapshot.model.decode(code[None, :])[0].reshape(7, 5)
    np.testing.assert_allclose(window.generator.grey_view.image, expected, rtol=1e-6)
    np.testing.assert_array_equal(window.generator.binary_view.image, expected >= 0.5)
    assert "Nearest glyph" in window.generator.nearest_label.text()


def test_add_to_set_appends_the_generated_glyph(qtbot, window):
    window.latent_scatter.point_clicked.emit(np.array([0.3, -0.2]))
    count = len(window.glyph_set)
    qtbot.mouseClick(window.generator.add_button, Qt.MouseButton.LeftButton)
    assert len(window.glyph_set) == count + 1
    assert window.glyph_set.label(count) == "gen-1"
    expected = (window.generator.generated >= 0.5).astype(np.float32)  # the font is black/white
    np.testing.assert_array_equal(window.glyph_set.image(count), expected)


def test_draw_to_encode_moves_the_probe(qtbot, window):
    start_and_finish(qtbot, window)
    glyphs, model = window.glyph_set, window.run.snapshot.model
    glyphs.set_current(glyphs.dataset().labels.index("o"))
    editor = window.data_panel.editor
    qtbot.mouseClick(editor, Qt.MouseButton.LeftButton, pos=editor.cell_center(0, 0))
    drawn = glyphs.image(glyphs.current)
    assert drawn[0, 0] == 1.0
    code = model.encode(drawn.reshape(1, -1))[0]
    probe_x, probe_y = window.latent_scatter._probe_item.getData()
    assert (probe_x[0], probe_y[0]) == pytest.approx(tuple(code), rel=1e-5)
    np.testing.assert_array_equal(window.readout.input_view.image, drawn)
    reconstruction = model.decode(code[None, :])[0].reshape(drawn.shape)
    np.testing.assert_allclose(window.readout.output_view.image, reconstruction, rtol=1e-6)


def test_closing_mid_training_exits_within_a_second(qtbot, store):
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    panel = win.training_panel
    qtbot.mouseClick(panel.stop_check, Qt.MouseButton.LeftButton)
    panel.epochs_spin.setValue(1_000_000)
    with qtbot.waitSignal(
        win.run.snapshot_changed, timeout=TIMEOUT, check_params_cb=lambda s: s.epoch > 10
    ):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert win.run.state == "running"
    started = time.monotonic()
    assert win.close()
    assert time.monotonic() - started < 1.0
    assert not win.run._threads  # every training thread has ended


def test_model_files_round_trip_and_a_wrong_size_is_a_sentence(qtbot, window, tmp_path):
    start_and_finish(qtbot, window)
    path = str(tmp_path / "font.npz")
    assert window.run.save_model(path)
    trained = window.run.snapshot.model.params.copy()
    qtbot.mouseClick(window.training_panel.reset_button, Qt.MouseButton.LeftButton)
    assert not np.array_equal(window.run.snapshot.model.params, trained)
    assert window.run.load_model(path)
    np.testing.assert_array_equal(window.run.snapshot.model.params, trained)
    assert window.run.snapshot.evaluation.max_wrong == 0

    wrong = str(tmp_path / "wrong.npz")
    from engine import Autoencoder

    save_model(wrong, Autoencoder(64, (8,), 2))
    assert not window.run.load_model(wrong)
    assert window.errors and "64 pixels" in window.errors[-1]
    assert window.errors[-1].endswith(".")
    assert not window.run.load_model(str(tmp_path / "missing.npz"))
    assert "no such model file" in window.errors[-1]


def test_settings_come_back_on_the_next_launch(qtbot, store):
    first = MainWindow(store)
    qtbot.addWidget(first)
    first.data_panel.select_builtin("emoji12x12")
    assert first.run.settings.kind == "vae"  # the emoji default
    first.training_panel.lr_spin.setValue(0.0025)
    first.latent_tab.thumbnails_action.setChecked(True)
    first.close()
    second = MainWindow(store)
    qtbot.addWidget(second)
    assert second.glyph_set.name == "emoji12x12"
    assert second.run.settings.lr == pytest.approx(0.0025)
    assert second.training_panel.lr_spin.value() == pytest.approx(0.0025)
    assert second.latent_tab.thumbnails_action.isChecked()
    second.close()


def test_vae_shows_its_loss_terms_and_takes_beta_while_paused(qtbot, window):
    window.data_panel.select_builtin("emoji12x12")
    run, panel = window.run, window.training_panel
    assert run.settings.kind == "vae" and panel.beta_spin.isEnabled()
    with qtbot.waitSignal(
        run.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "paused"
    ):
        qtbot.mouseClick(panel.step_buttons[10], Qt.MouseButton.LeftButton)
    assert run.snapshot.epoch == 10 and run.snapshot.logvar is not None
    assert "KL" in window.loss_plot.loss_plot.titleLabel.text
    assert window.loss_plot.kl_curve.isVisible()
    panel.beta_spin.setValue(0.25)
    with qtbot.waitSignal(
        run.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "paused"
    ):
        qtbot.mouseClick(panel.step_buttons[1], Qt.MouseButton.LeftButton)
    assert run.snapshot.model.beta == pytest.approx(0.25)


def test_the_model_readout_follows_a_new_set(window):
    """Switching sets shows the new set's input size at once (it once showed the old one's)."""
    panel = window.training_panel
    assert panel.parameter_label.text().endswith("layers 35-64-32-2-32-64-35")
    window.data_panel.select_builtin("emoji12x12")
    assert window.run.settings.kind == "vae"  # the emoji set's own preset
    assert "layers 144-" in panel.parameter_label.text()
    assert panel.parameter_label.text().endswith("-144")


def test_a_tab_is_one_line(window):
    later = QLabel("later")
    index = window.add_tab(later, "PCA")
    assert window.tabs.tabText(0) == "Latent space"
    assert window.tabs.tabText(index) == "PCA"
    inner = window.add_tab(QLabel("grouped"), "Inner", "Explore")
    assert window.tabs.group("Explore").tabText(inner) == "Inner"
    assert window.tabs.show_view(later) and window.tabs.current_view() is later
    assert not window.tabs.show_view(QLabel("never added"))


def test_the_generator_uses_the_engines_nearest_glyph(qtbot, window):
    import gui.views.generator_canvas as canvas
    from engine.nearest import nearest_images

    assert not hasattr(canvas, "nearest_glyph")  # one implementation, in the engine
    start_and_finish(qtbot, window)
    generator, dataset = window.generator, window.run.dataset
    generator.set_code(window.run.snapshot.latent[3])
    index, distance = nearest_images(generator.grey_view.image.reshape(1, -1), dataset.images)
    assert f"<b>{dataset.labels[int(index[0])]}</b>" in generator.nearest_label.text()
    assert f"{int(distance[0])} pixel" in generator.nearest_label.text()


def test_every_tab_fits_a_1400_by_900_window(window, qtbot):
    """With both panels docked, a 1400 x 900 window leaves the tabs ~510 pixels of width
    (measured on a virtual screen); a tab that needs more scrolls sideways and hides its last
    controls (the Reconstructions, Interpolation and Noise sweep tabs did: 850, 829 and 685
    pixels). Nor may a tab be made taller than its view: a tab with word-wrapped text is given
    its preferred height, and the PCA tab's plots asked for ~1000 pixels, which put its second
    plane below the fold."""
    window.resize(1400, 900)
    for title, page in window.tabs.views():
        tab = page.view  # each view sits in a scroll area of its own
        assert tab.minimumSizeHint().width() <= 500, title
        window.tabs.show_view(tab)
        qtbot.waitUntil(lambda tab=tab: tab.height() > 0)
        assert tab.height() <= page.viewport().height(), title
    # The VAE tab's controls show only for a VAE; they must fit as well.
    assert window.vae_panel.content.minimumSizeHint().width() <= 500
    window.pca_view.wait_for_fit()


def test_closing_lets_a_running_pca_fit_end_first(window, qtbot, monkeypatch):
    """Quitting right after opening the PCA tab (its fit imports scikit-learn) printed a
    traceback: the interpreter was shutting down under the fit's thread."""
    import gui.views.pca_view

    real_fit, ended = gui.views.pca_view.fit_pca, []

    def slow_fit(images, k):
        time.sleep(0.5)
        result = real_fit(images, k)
        ended.append(True)
        return result

    monkeypatch.setattr(gui.views.pca_view, "fit_pca", slow_fit)
    window.tabs.show_view(window.pca_view)  # showing the tab starts a fit
    qtbot.waitUntil(lambda: not window.pca_view.wait_for_fit(0))  # it is running
    window.close()
    assert ended  # close returned only after the fit
