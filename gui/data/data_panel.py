"""The "Data" part of the window: choose, open, import, edit and save the glyph set.

Every control writes to the GlyphSet it was given; the labels, gallery and editor follow the set's
signals. Dialogs go through small `_ask_*` / `_show_error` / `_confirm_discard` methods, so a
test can answer them without a modal window.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine import limits
from engine.data.datasets import BUILTIN_DATASETS, Dataset, DatasetError, load_dataset
from gui.data.glyph_gallery import GlyphGallery
from gui.data.glyph_set import GlyphSet
from gui.data.image_import import ImportDialog, ImportOptions
from gui.data.pixel_editor import PixelEditor

# The window may hold a set's pixels about this many times at once (the set, an edited copy, the
# run's copy and a view's page): a set whose copies would not fit the memory one task may use
# (engine.limits.memory_budget) is refused with a sentence before anything else is replaced.
WINDOW_COPIES = 4
# What File > Open reads: everything `main.py train --data` reads (engine.data.datasets).
OPEN_FILTERS = (
    "Glyph sets and images (*.json *.txt *.npy *.npz *idx* *ubyte* *.gz)",
    "Glyph sets (*.json *.txt)",
    "MNIST files (*idx* *ubyte* *.gz)",
    "NumPy arrays (*.npy *.npz)",
    "All files (*)",
)
# What File > Save as writes: a glyph set as JSON, a set of images as a .npz of its pixels.
SAVE_FILTERS = ("Glyph sets (*.json)", "Image arrays (*.npz)")
SAVE_SUFFIXES = (".json", ".npz")
SAVE_AS_ARRAYS_ABOVE = 2000  # glyphs; above, Save as offers .npz first (see `_save_suffix`)
TIMES = "\u00d7"  # the multiplication sign of "5 by 7" (ruff flags the literal character)
BUILTIN_TITLES = {
    "font5x7": f"Letters 5{TIMES}7",
    "emoji12x12": f"Emoji 12{TIMES}12",
    "digits": f"Digits 8{TIMES}8",
}


def _action(parent: QWidget, text: str, shortcut: str | None, tip: str) -> QAction:
    action = QAction(text, parent)
    action.setIconText(text.replace("&", ""))  # keeps the "…" that says a dialog follows
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        tip = f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    parent.addAction(action)  # the shortcut works anywhere in the window, even before any menu
    return action


@contextlib.contextmanager
def _busy() -> Iterator[None]:
    """The wait cursor while a large set is read or shown (the work is in this thread)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def _tool_button(action: QAction) -> QToolButton:
    button = QToolButton()
    button.setDefaultAction(action)
    return button


def _glyph_button(text: str, tip: str) -> QToolButton:
    """A compact text button that shares its row's width: seven of them fit a ~420 px panel."""
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


class DataPanel(QWidget):
    """Set chooser, gallery, pixel editor and glyph buttons, all editing one GlyphSet."""

    def __init__(self, glyph_set: GlyphSet, parent: QWidget | None = None):
        super().__init__(parent)
        self.glyph_set = glyph_set
        stack = glyph_set.undo_stack
        self.open_action = _action(
            self,
            "&Open…",
            "Ctrl+O",
            "Open a glyph set (.json, .txt) or images: MNIST's IDX files (.gz or not), .npy/.npz",
        )
        self.open_folder_action = _action(
            self,
            "Open &Folder…",
            None,
            "Open a folder of PNGs (or of one folder of PNGs per class)",
        )
        self.import_action = _action(
            self, "&Import…", None, "Make a glyph set from a PNG sheet or a folder of PNGs"
        )
        self.save_action = _action(self, "&Save", "Ctrl+S", "Save the glyph set")
        self.save_as_action = _action(
            self, "Save &As…", "Ctrl+Shift+S", "Save the set to a new file"
        )
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.addActions([self.undo_action, self.redo_action])
        self.open_action.triggered.connect(self._on_open_triggered)
        self.open_folder_action.triggered.connect(self._on_open_folder_triggered)
        self.import_action.triggered.connect(self._on_import_triggered)
        self.save_action.triggered.connect(self.save)
        self.save_as_action.triggered.connect(self.save_as)

        self.set_combo = QComboBox()
        self.set_combo.setToolTip("Choose a built-in glyph set")
        for name in BUILTIN_DATASETS:
            self.set_combo.addItem(BUILTIN_TITLES.get(name, name), name)
        self.set_combo.activated.connect(self._on_set_activated)
        # A file's name may be long ("train-images-idx3-ubyte (not saved)"): the combo and the
        # line under it must not widen the panel past a laptop's ~270 px, which cut "Save As…"
        # and the gallery's right column off; the combo elides, the line wraps.
        policy = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        self.set_combo.setSizeAdjustPolicy(policy)
        self.set_combo.setMinimumContentsLength(12)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.gallery = GlyphGallery(glyph_set)
        self.editor = PixelEditor(glyph_set)
        self.glyph_label = QLabel()
        self.glyph_label.setToolTip("The glyph being edited")

        self.add_button = _glyph_button("Add", "Add a blank glyph at the end of the set")
        self.duplicate_button = _glyph_button("Duplicate", "Insert a copy of this glyph after it")
        self.rename_button = _glyph_button("Rename…", "Change this glyph's label")
        self.delete_button = _glyph_button(
            "Delete", "Remove this glyph from the set (a set keeps at least one)"
        )
        self.clear_button = _glyph_button("Clear", "Erase every pixel of this glyph")
        self.undo_button = _glyph_button("Undo", "Undo (Ctrl+Z)")
        self.undo_button.clicked.connect(stack.undo)
        self.redo_button = _glyph_button("Redo", "Redo (Ctrl+Shift+Z)")
        self.redo_button.clicked.connect(stack.redo)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.duplicate_button.clicked.connect(self._on_duplicate_clicked)
        self.rename_button.clicked.connect(self._on_rename_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.clear_button.clicked.connect(self._on_clear_clicked)

        # The set on one row, the file buttons sharing the next: at the ~290 px a laptop
        # screen gives the panel, one flowing row left "Save As…" alone on a line.
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Data set:"))
        chooser.addWidget(self.set_combo, 1)
        files = QHBoxLayout()
        files.setSpacing(4)
        for action in (self.open_action, self.import_action, self.save_action, self.save_as_action):
            button = _tool_button(action)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            files.addWidget(button)
        # Two rows under the editor: what to do with this glyph, then clearing and undo.
        glyph_buttons = QVBoxLayout()
        glyph_buttons.setSpacing(4)
        for buttons in (
            (self.add_button, self.duplicate_button, self.rename_button),
            (self.delete_button, self.clear_button, self.undo_button, self.redo_button),
        ):
            row = QHBoxLayout()
            for button in buttons:
                row.addWidget(button)
            glyph_buttons.addLayout(row)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.glyph_label)
        editor_layout.addWidget(self.editor, 1)
        editor_layout.addLayout(glyph_buttons)
        # The gallery above the editor: side by side, a narrow panel gave each a thin column
        # and left most of the panel empty around a 5x7 editor.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.gallery)
        self.splitter.addWidget(editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(chooser)
        layout.addLayout(files)
        layout.addWidget(self.status_label)
        layout.addWidget(self.splitter, 1)

        glyph_set.glyphs_reset.connect(self._on_glyphs_reset)
        glyph_set.current_changed.connect(self._on_current_changed)
        glyph_set.modified_changed.connect(self._on_modified_changed)
        # These slots use only the signal's arguments: the stack also signals while it is deleted.
        stack.canUndoChanged.connect(self.undo_button.setEnabled)
        stack.canRedoChanged.connect(self.redo_button.setEnabled)
        stack.undoTextChanged.connect(self._on_undo_text_changed)
        stack.redoTextChanged.connect(self._on_redo_text_changed)
        self._show_set()
        self.undo_button.setEnabled(stack.canUndo())
        self.redo_button.setEnabled(stack.canRedo())
        self._on_undo_text_changed(stack.undoText())
        self._on_redo_text_changed(stack.redoText())

    # ---- choosing a set --------------------------------------------------------------------

    def select_builtin(self, name: str) -> bool:
        """Show a built-in set (asking first about unsaved edits). True if it is now shown."""
        return self._replace_set(lambda: load_dataset(name), None, f"Cannot load {name}")

    def open_file(self, path: str) -> bool:
        """Open what `main.py train --data` reads: a .json or .txt set, an MNIST IDX file
        (gzip'd or not; a labels file beside it names the classes), a .npy/.npz array or a
        folder of PNGs (asking first about unsaved edits). True if opened."""
        # Only JSON is written back; a .txt set gets "Save As" so the text file is never clobbered.
        keep = path if Path(path).suffix.lower() == ".json" else None
        return self._replace_set(
            lambda: load_dataset(path), keep, "Cannot open the file", source=path
        )

    def import_images(self, options: ImportOptions) -> bool:
        """Replace the set by imported pictures; it counts as modified until saved."""
        return self._replace_set(options.load, None, "Cannot import the images", modified=True)

    def _replace_set(
        self,
        load: Callable[[], Dataset],
        path: str | None,
        title: str,
        modified: bool = False,
        source: str | None = None,
    ) -> bool:
        try:
            with _busy():  # 60,000 gzip'd MNIST images take ~0.5 s
                dataset = load()  # first, so a bad file costs nothing, not even a question
        except DatasetError as error:
            self._show_error(title, str(error))
            self._sync_combo()
            return False
        try:
            what = (
                f"showing {len(dataset):,} images of {dataset.width}x{dataset.height} in the window"
            )
            limits.check_memory(WINDOW_COPIES * dataset.pixels.nbytes, what, source or dataset.name)
        except limits.LimitError as error:
            self._show_error(
                title,
                f"{error}. Train on it from the command line: "
                f"python main.py train --data {source or 'FILE'}",
            )
            self._sync_combo()
            return False
        if self.glyph_set.modified and not self._confirm_discard():
            self._sync_combo()
            return False
        with _busy():  # the views and the run follow the new set
            self.glyph_set.set_dataset(dataset, path)
        if modified:
            self.glyph_set.undo_stack.resetClean()  # no file holds these glyphs yet
        return True

    # ---- saving ----------------------------------------------------------------------------

    def save(self) -> bool:
        """Save to the set's file, or ask for one. True if the set is saved."""
        if self.glyph_set.path is None:
            return self.save_as()
        return self._save_to(self.glyph_set.path)

    def save_as(self) -> bool:
        path = self._ask_save_path()
        if not path:
            return False
        if Path(path).suffix.lower() not in SAVE_SUFFIXES:
            path += self._save_suffix()
        return self._save_to(path)

    def _save_suffix(self) -> str:
        """.npz for sets of images (bytes, or more than SAVE_AS_ARRAYS_ABOVE glyphs): JSON of
        60,000 MNIST images took half a minute and 170 MB; their .npz, 47 MB in well under a
        second. Glyph sets stay JSON, a file a person can read and diff."""
        glyphs = self.glyph_set
        return ".npz" if glyphs.is_bytes or len(glyphs) > SAVE_AS_ARRAYS_ABOVE else ".json"

    def _save_to(self, path: str) -> bool:
        try:
            self.glyph_set.save(path)
        except (OSError, DatasetError) as error:
            self._show_error("Cannot save the glyph set", f"{path}: {error}")
            return False
        self._show_set()  # the file shown may have changed even if nothing was modified
        return True

    def maybe_save(self) -> bool:
        """For the window's closeEvent: True when nothing unsaved would be lost."""
        return not self.glyph_set.modified or self._confirm_discard()

    # ---- dialogs (tests replace these) ---------------------------------------------------

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def _confirm_discard(self) -> bool:
        """Save / Discard / Cancel for unsaved edits; True to go on (after saving or discarding)."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"The glyph set {self.glyph_set.name!r} has unsaved changes. Save them first?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            return self.save()
        return answer == buttons.Discard

    def _ask_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open glyph set",
            "",
            ";;".join(OPEN_FILTERS),
        )
        return path or None

    def _ask_open_folder(self) -> str | None:
        return QFileDialog.getExistingDirectory(self, "Open a folder of PNG images") or None

    def _ask_save_path(self) -> str | None:
        start = self.glyph_set.path or f"{self.glyph_set.name}{self._save_suffix()}"
        filters = SAVE_FILTERS if start.endswith(".json") else SAVE_FILTERS[::-1]
        path, _ = QFileDialog.getSaveFileName(self, "Save glyph set", start, ";;".join(filters))
        return path or None

    def _ask_label(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, "Label:", QLineEdit.EchoMode.Normal, label)
        return text if ok and text.strip() else None

    def _ask_import_options(self) -> ImportOptions | None:
        dialog = ImportDialog(self.glyph_set.width, self.glyph_set.height, self)
        return dialog.options() if dialog.exec() == QDialog.DialogCode.Accepted else None

    # ---- slots: controls -> glyph set -------------------------------------------------------

    def _on_set_activated(self, index: int) -> None:
        name = self.set_combo.itemData(index)
        if name in BUILTIN_DATASETS:
            self.select_builtin(name)

    def _on_open_triggered(self) -> None:
        path = self._ask_open_path()
        if path:
            self.open_file(path)

    def _on_open_folder_triggered(self) -> None:
        path = self._ask_open_folder()
        if path:
            self.open_file(path)

    def _on_import_triggered(self) -> None:
        options = self._ask_import_options()
        if options is not None:
            self.import_images(options)

    def _on_add_clicked(self) -> None:
        label = self._ask_label("Add glyph", f"glyph {len(self.glyph_set) + 1}")
        if label is not None:
            self.glyph_set.add_glyph(label)

    def _on_duplicate_clicked(self) -> None:
        self.glyph_set.duplicate(self.glyph_set.current)

    def _on_rename_clicked(self) -> None:
        current = self.glyph_set.current
        label = self._ask_label("Rename glyph", self.glyph_set.label(current))
        if label is not None:
            self.glyph_set.rename(current, label)

    def _on_delete_clicked(self) -> None:
        try:
            self.glyph_set.delete(self.glyph_set.current)
        except ValueError as error:
            self._show_error("Cannot delete the glyph", str(error))

    def _on_clear_clicked(self) -> None:
        self.glyph_set.clear(self.glyph_set.current)

    # ---- slots: glyph set -> labels ---------------------------------------------------------

    def _on_glyphs_reset(self) -> None:
        self._show_set()

    def _show_set(self) -> None:
        """Bring every label and the combo box up to date with the whole set."""
        self._sync_combo()
        self._on_modified_changed(self.glyph_set.modified)
        self._on_current_changed(self.glyph_set.current)
        self.delete_button.setEnabled(len(self.glyph_set) > 1)

    def _on_current_changed(self, index: int) -> None:
        glyphs = self.glyph_set
        label = html.escape(glyphs.label(index))
        self.glyph_label.setText(f"Glyph {index + 1:,} of {len(glyphs):,}: <b>{label}</b>")

    def _on_modified_changed(self, modified: bool) -> None:
        glyphs = self.glyph_set
        size = f"{glyphs.width}{TIMES}{glyphs.height}"
        text = f"<b>{html.escape(glyphs.name)}</b> — {len(glyphs):,} glyphs, {size}"
        if modified:
            text += " — <span style='color:#b00000'>modified</span>"
        self.status_label.setText(text)
        self.status_label.setToolTip(glyphs.path or "Not saved to a file yet")

    def _on_undo_text_changed(self, text: str) -> None:
        self.undo_button.setToolTip(f"Undo {text}".rstrip() + " (Ctrl+Z)")

    def _on_redo_text_changed(self, text: str) -> None:
        self.redo_button.setToolTip(f"Redo {text}".rstrip() + " (Ctrl+Shift+Z)")

    def _sync_combo(self) -> None:
        """Show the current set in the combo: a built-in entry, or one extra entry for a file."""
        glyphs, combo = self.glyph_set, self.set_combo
        builtin = glyphs.path is None and glyphs.name in BUILTIN_DATASETS
        while combo.count() > len(BUILTIN_DATASETS):
            combo.removeItem(combo.count() - 1)
        if builtin:
            combo.setCurrentIndex(BUILTIN_DATASETS.index(glyphs.name))
            return
        title = Path(glyphs.path).name if glyphs.path else f"{glyphs.name} (not saved)"
        combo.addItem(title, None)
        combo.setCurrentIndex(combo.count() - 1)
