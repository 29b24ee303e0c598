"""A few thousand MNIST-sized images in the window, driven like a person (issue 18): File > Open
of a gzip'd IDX file, the gallery, the editor on the selected image, one pixel edited and undone,
and the Reconstructions and Denoising tabs a page at a time. 3,000 images: more than the 2,000
the window used to refuse, few enough to keep these tests to a few seconds."""

import gzip

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from benchmarks.mnist import synthetic_mnist
from engine.data.datasets import load_builtin, load_dataset
from gui.data.data_panel import DataPanel
from gui.data.glyph_pixmap import glyph_image
from gui.data.glyph_set import GlyphSet
from gui.run.run_controller import RunController
from gui.views.denoising_view import DenoisingView
from gui.views.interpolation_view import InterpolationView
from gui.views.paging import PAGE_SIZE, run_wrong
from gui.views.reconstruction_view import ReconstructionView

N = 3000
PAGES = -(-N // PAGE_SIZE)  # 47
LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton


class ScriptedPanel(DataPanel):
    """The data panel with its dialogs answered by the test."""

    def __init__(self, glyph_set):
        super().__init__(glyph_set)
        self.errors, self.open_answer = [], None

    def _show_error(self, title, text):
        self.errors.append(text)

    def _confirm_discard(self):
        return True

    def _ask_open_path(self):
        return self.open_answer


@pytest.fixture(scope="module")
def mnist_file(tmp_path_factory):
    return synthetic_mnist(tmp_path_factory.mktemp("mnist"), n=N)


@pytest.fixture
def window(qtbot, tmp_path):
    """The data panel beside a run and the Reconstructions tab, as the main window wires them."""
    glyphs = GlyphSet(load_builtin("font5x7"))
    run = RunController(glyphs, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    panel = ScriptedPanel(glyphs)
    view = ReconstructionView(run, glyphs)
    for widget in (panel, view):
        qtbot.addWidget(widget)
        widget.resize(900, 700)
        widget.show()
        qtbot.waitExposed(widget)
    panel.run, panel.view = run, view
    yield panel
    assert run.shutdown(1000)


def open_by_menu(qtbot, panel, path) -> None:
    panel.open_answer = str(path)
    panel.open_action.trigger()  # File > Open, with the dialog answered
    # The set's first codes are made in the run's worker thread (gui.run.run_controller).
    qtbot.waitUntil(lambda: not panel.run.codes_pending, timeout=10_000)


def click_gallery_item(qtbot, panel, row: int) -> None:
    gallery = panel.gallery
    index = gallery.model().index(row)
    gallery.scrollTo(index)
    qtbot.mouseClick(gallery.viewport(), LEFT, pos=gallery.visualRect(index).center())


def editor_shows(panel, image: np.ndarray) -> bool:
    """True when the editor paints `image` cell by cell (grey levels as glyph_image draws them)."""
    shot = panel.editor.grab().toImage()
    grey = glyph_image(image)
    for row, col in ((r, c) for r in range(0, 28, 3) for c in range(0, 28, 3)):
        point = panel.editor.cell_center(row, col)
        if shot.pixelColor(point).red() != grey.pixelColor(col, row).red():
            return False
    return True


def test_file_open_of_a_gzipped_idx_file_shows_every_image_in_the_gallery(
    qtbot, window, mnist_file
):
    expected = load_dataset(str(mnist_file))
    open_by_menu(qtbot, window, mnist_file)
    glyphs = window.glyph_set
    assert not window.errors
    assert len(glyphs) == N and glyphs.is_bytes  # bytes stay bytes
    assert glyphs.labels == expected.labels  # the labels file beside it names the classes
    assert window.gallery.model().rowCount() == N
    assert f"{N:,} glyphs, 28\u00d728" in window.status_label.text()
    assert glyphs.dataset() is glyphs.dataset()  # reused, not rebuilt per call
    np.testing.assert_array_equal(glyphs.dataset().pixels, expected.pixels)
    assert window.run.dataset.pixels.dtype == np.uint8  # the run trains on the bytes too


def test_a_damaged_idx_file_is_a_sentence_and_the_set_stays(qtbot, window, mnist_file, tmp_path):
    """Negative control: the same file cut short opens nothing."""
    broken = tmp_path / "train-images-idx3-ubyte.gz"
    broken.write_bytes(gzip.compress(gzip.decompress(mnist_file.read_bytes())[: 28 * 28 * 100]))
    open_by_menu(qtbot, window, broken)
    assert len(window.errors) == 1 and str(broken) in window.errors[0]
    assert window.glyph_set.name == "font5x7" and len(window.glyph_set) == 32


def test_selecting_image_k_shows_it_in_the_editor(qtbot, window, mnist_file):
    open_by_menu(qtbot, window, mnist_file)
    glyphs, k = window.glyph_set, 2345
    click_gallery_item(qtbot, window, k)
    assert glyphs.current == k
    assert f"Glyph {k + 1:,} of {N:,}" in window.glyph_label.text()
    qtbot.waitUntil(lambda: editor_shows(window, glyphs.image(k)))
    assert not editor_shows(window, glyphs.image(k + 1))  # negative control: another image


def test_editing_one_pixel_of_a_byte_set_and_undo(qtbot, window, mnist_file):
    open_by_menu(qtbot, window, mnist_file)
    glyphs, k = window.glyph_set, 1234
    original = glyphs.dataset()
    click_gallery_item(qtbot, window, k)
    row, col = map(int, np.argwhere(glyphs.image(k) == 0)[0])  # a background pixel
    qtbot.mouseClick(window.editor, LEFT, pos=window.editor.cell_center(row, col))
    edited = glyphs.dataset()
    assert edited is not original and edited.pixels.dtype == np.uint8
    assert edited.pixels[k, row * 28 + col] == 255  # painted ink
    changed = np.argwhere(edited.pixels != original.pixels)
    assert changed.tolist() == [[k, row * 28 + col]]  # that pixel and nothing else
    assert original.pixels[k, row * 28 + col] == 0  # copy-on-write: the opened set is intact
    assert glyphs.modified
    qtbot.mouseClick(window.undo_button, LEFT)
    np.testing.assert_array_equal(glyphs.dataset().pixels, original.pixels)
    assert not glyphs.modified


def test_reconstructions_show_a_page_at_a_time(qtbot, window, mnist_file):
    view, bar = window.view, window.view.page_bar
    assert bar.isHidden() and view.sheet.count == 32  # negative control: the font is whole
    open_by_menu(qtbot, window, mnist_file)
    qtbot.waitUntil(lambda: view.rows is not None)
    assert bar.isVisible() and view.sheet.count == PAGE_SIZE
    assert f"page 1 of {PAGES}" in view.header.text()
    np.testing.assert_array_equal(view.rows, np.arange(PAGE_SIZE))
    qtbot.mouseClick(bar.next_button, LEFT)
    qtbot.waitUntil(lambda: view.rows[0] == PAGE_SIZE)
    assert f"page 2 of {PAGES}" in view.header.text()
    rect = view.sheet.cell_rect(5)
    qtbot.mouseClick(view.sheet.viewport(), LEFT, pos=rect.center())
    assert window.glyph_set.current == PAGE_SIZE + 5  # the page's sixth image
    window.glyph_set.set_current(N - 1)  # e.g. picked in the gallery: the view turns the page
    qtbot.waitUntil(lambda: view.rows[-1] == N - 1)
    assert len(view.rows) == N - (PAGES - 1) * PAGE_SIZE and not bar.next_button.isEnabled()
    images = window.glyph_set.dataset().images[view.rows]
    np.testing.assert_array_equal(view.outputs, window.run.snapshot.model.reconstruct(images))


def test_denoising_shows_a_page_at_a_time(qtbot, window, mnist_file):
    view = DenoisingView(window.run, window.glyph_set)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.rows is None and view.sheet.count == 32  # negative control: the font is whole
    open_by_menu(qtbot, window, mnist_file)
    qtbot.waitUntil(lambda: view.rows is not None and view.outputs is not None)
    assert view.sheet.count == PAGE_SIZE and f"page 1 of {PAGES}" in view.summary_label.text()
    first = view.noisy.copy()
    qtbot.mouseClick(view.page_bar.next_button, LEFT)
    qtbot.waitUntil(lambda: view.rows[0] == PAGE_SIZE)
    assert view.noisy.shape == first.shape and not np.array_equal(view.noisy, first)


def test_interpolation_pickers_list_every_image_without_an_item_each(qtbot, window, mnist_file):
    view = InterpolationView(window.run, window.glyph_set)
    qtbot.addWidget(view)
    view.show()  # a hidden tab decodes its frames only when shown
    qtbot.waitExposed(view)
    assert view.start_combo.itemText(0) == window.glyph_set.label(0)  # unique: no numbers
    open_by_menu(qtbot, window, mnist_file)
    combo, labels = view.start_combo, window.glyph_set.labels
    assert combo.count() == N
    assert combo.itemText(2999) == f"{labels[2999]} (#2999)"  # labels repeat: numbered
    view.set_glyphs(10, 2999)
    assert view.frames is not None and view.frames.shape[1] == 28 * 28


def test_a_hidden_reconstruction_tab_opens_on_the_selected_images_page(qtbot, window, mnist_file):
    view = window.view
    view.hide()
    open_by_menu(qtbot, window, mnist_file)
    window.glyph_set.set_current(3 * PAGE_SIZE + 60)  # picked while another tab was shown
    view.show()
    qtbot.waitUntil(lambda: view.rows is not None)
    assert view.rows[0] == 3 * PAGE_SIZE and f"page 4 of {PAGES}" in view.header.text()
    sheet = view.sheet  # and scrolled to it: the 61st strip is rows below the first screen
    assert sheet.verticalScrollBar().value() > 0
    assert sheet.viewport().rect().contains(sheet.cell_rect(60))
    view.hide()
    window.glyph_set.set_current(5)  # control: a glyph of the first page opens the first page
    view.show()
    qtbot.waitUntil(lambda: view.rows[0] == 0)


def test_worst_first_orders_every_image_by_the_runs_own_scores(qtbot, window, mnist_file):
    view = window.view
    open_by_menu(qtbot, window, mnist_file)
    qtbot.waitUntil(lambda: view.rows is not None)
    np.testing.assert_array_equal(view.rows, np.arange(PAGE_SIZE))  # control: in order
    scores = run_wrong(window.run.snapshot, window.run.dataset, window.glyph_set.dataset())
    assert scores is not None and len(scores) == N
    qtbot.mouseClick(view.worst_first, LEFT)
    qtbot.waitUntil(lambda: view.rows[0] != 0)
    np.testing.assert_array_equal(view.rows, np.argsort(-scores, kind="stable")[:PAGE_SIZE])
    assert view.wrong[0] == scores.max()  # the page's own reconstruction agrees with the run's
    assert f"worst image <b>{scores.max()}</b> wrong px" in view.header.text()
    assert "worst first" in view.header.text()
