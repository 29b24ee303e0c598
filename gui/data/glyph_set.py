"""The editable glyph set behind the window: widgets write to it, views listen to its signals.

Every edit is a QUndoCommand on `undo_stack`, so Undo/Redo and the "modified" flag come from one
place. The engine only ever sees `dataset()`, an immutable snapshot rebuilt after a change.

The pixels are one (n, height*width) array: uint8 for a set read from image files (60,000 MNIST
digits are 47 MB; a pixel value v is stored as round(255 v)), float32 for glyph sets. Until the
first edit that array is the Dataset's own read-only one (no copy); an edit copies it once
(copy-on-write), and `dataset()` after a change hands its copy back to the set as the shared,
read-only array, so a set of any size is held about once between edits.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from engine.data.arrays import save_npz
from engine.data.dataset_json import save_json
from engine.data.datasets import Dataset

Cell = tuple[int, int]  # (row, column)


class GlyphSet(QObject):
    """An editable list of equally sized, labelled glyphs with a selected (current) glyph."""

    glyph_changed = Signal(int)  # pixels of glyph i changed (edit, undo, redo)
    glyphs_reset = Signal()  # glyphs added/removed/renamed/reordered or whole set replaced
    current_changed = Signal(int)  # the selected glyph (never -1: a set keeps at least one glyph)
    modified_changed = Signal(bool)
    path_changed = Signal(str)  # saved to another file (Save As): the file's path

    def __init__(self, dataset: Dataset, path: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._strokes = itertools.count(1)  # serial numbers: pixels merge only within one drag
        self._stroke: int | None = None
        self._load(dataset, path)

    # ---- the whole set ---------------------------------------------------------------------

    def _load(self, dataset: Dataset, path: str | None) -> None:
        self._name = dataset.name
        self._width, self._height = dataset.width, dataset.height
        self._labels = list(dataset.labels)
        # (n, height*width) uint8 or float32: the dataset's read-only array until an edit copies it
        self._pixels: np.ndarray = dataset.pixels
        self._dataset: Dataset | None = dataset
        self._path = None if path is None else str(path)
        self._current = 0
        self._stroke = None

    def set_dataset(self, dataset: Dataset, path: str | None = None) -> None:
        """Replace everything (a new set was chosen); the old edits cannot be undone any more."""
        self._load(dataset, path)
        self.undo_stack.clear()  # also marks the stack clean, so `modified` becomes False
        self.glyphs_reset.emit()
        self.current_changed.emit(0)

    def dataset(self) -> Dataset:
        """An immutable engine Dataset of the current contents; rebuilt only after a change."""
        if self._dataset is None:
            self._dataset = Dataset(
                self._name, self._width, self._height, tuple(self._labels), self._pixels
            )
            self._pixels = self._dataset.pixels  # its private copy: the next edit copies again
        return self._dataset

    @property
    def name(self) -> str:
        return self._name

    @property
    def width(self) -> int:
        return self._width

    @property
    def height(self) -> int:
        return self._height

    @property
    def path(self) -> str | None:
        """The JSON file this set was loaded from or saved to; None for built-in/imported ones."""
        return self._path

    @property
    def modified(self) -> bool:
        """True when the contents differ from the last load or save (undo can make it False)."""
        return not self.undo_stack.isClean()

    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    def save(self, path: str | None = None) -> None:
        """Write the set (atomically) as JSON, or as a .npz of its pixels when `path` ends in
        .npz; remember the path and mark the set unmodified."""
        target = self._path if path is None else str(path)
        if target is None:
            raise ValueError(f"the set {self._name!r} has no file yet; give a path to save it")
        if Path(target).suffix.lower() == ".npz":
            save_npz(self.dataset(), target)
        else:
            save_json(self.dataset(), target)
        moved, self._path = target != self._path, target
        self.undo_stack.setClean()
        if moved:
            self.path_changed.emit(target)

    def __len__(self) -> int:
        return len(self._pixels)

    @property
    def is_bytes(self) -> bool:
        """True when the pixels are kept as uint8 (255 is 1.0): sets read from image files."""
        return self._pixels.dtype == np.uint8

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self._labels)

    def label(self, i: int) -> str:
        return self._labels[self._check_index(i)]

    def image(self, i: int) -> np.ndarray:
        """Glyph i as a (height, width) float32 copy: the caller may change it freely."""
        return self._floats(self._pixels[self._check_index(i)]).reshape(self._height, self._width)

    def _floats(self, stored: np.ndarray) -> np.ndarray:
        """Stored pixels as new float32 values in [0, 1]."""
        if self.is_bytes:
            return np.divide(stored, 255, dtype=np.float32)
        return np.array(stored, dtype=np.float32)

    def _stored(self, values: np.ndarray | float) -> np.ndarray:
        """Values in [0, 1] as the set stores them (bytes round to the nearest of 256 levels)."""
        if self.is_bytes:
            return np.rint(np.asarray(values, np.float32) * 255).astype(np.uint8)
        return np.asarray(values, np.float32)

    def _writable(self) -> np.ndarray:
        """The pixel array, copied first if it is still shared with a Dataset (copy-on-write)."""
        if not self._pixels.flags.writeable:
            self._pixels = self._pixels.copy()
        return self._pixels

    # ---- selection -------------------------------------------------------------------------

    @property
    def current(self) -> int:
        return self._current

    def set_current(self, i: int) -> None:
        self._check_index(i)
        if i != self._current:
            self._current = i
            self.current_changed.emit(i)

    # ---- edits (each one undoable) ---------------------------------------------------------

    def begin_stroke(self, i: int) -> None:
        """Start a mouse drag on glyph i: the pixels it sets until end_stroke are one undo step."""
        self._check_index(i)
        self._stroke = next(self._strokes)

    def end_stroke(self) -> None:
        self._stroke = None

    def set_pixel(self, i: int, row: int, col: int, value: float) -> None:
        """Set one pixel; inside a stroke it merges into the stroke's undo step."""
        self._check_index(i)
        if not (0 <= row < self._height and 0 <= col < self._width):
            raise IndexError(
                f"pixel ({row}, {col}) is outside the {self._width}x{self._height} glyph"
            )
        value = _check_value(value)
        if self.is_bytes:
            value = float(np.float32(self._stored(value) / np.float32(255)))
        cell = row * self._width + col
        old = float(self._floats(self._pixels[i, cell]))
        if old == value:
            return  # nothing changes, so no undo step either
        stroke = self._stroke if self._stroke is not None else next(self._strokes)
        verb = "Paint" if value == 1 else "Erase" if value == 0 else "Shade"
        text = f"{verb} {self._labels[i]!r}"
        self.undo_stack.push(_PaintCommand(self, i, stroke, {(row, col): (old, value)}, text))

    def set_image(self, i: int, image: np.ndarray) -> None:
        """Replace all pixels of glyph i as one undo step (nothing happens if they are equal)."""
        self._set_image(i, image, f"Change {self.label(i)!r}")

    def clear(self, i: int) -> None:
        """Erase every pixel of glyph i (one undo step)."""
        self._set_image(
            i, np.zeros((self._height, self._width), np.float32), f"Clear {self.label(i)!r}"
        )

    def _set_image(self, i: int, image: np.ndarray, text: str) -> None:
        new = self._check_image(image)
        old = self.image(i)
        if np.array_equal(self._stored(new), self._stored(old)):
            return
        self.undo_stack.push(_SetImageCommand(self, i, old, new, text))

    def add_glyph(self, label: str, image: np.ndarray | None = None) -> int:
        """Append a glyph (blank unless `image` is given); it becomes current. Returns its index."""
        image = np.zeros((self._height, self._width), np.float32) if image is None else image
        index = len(self)
        text = f"Add {label!r}"
        command = _InsertCommand(self, index, _check_label(label), self._check_image(image), text)
        self.undo_stack.push(command)
        return index

    def duplicate(self, i: int) -> int:
        """Insert a copy of glyph i right after it; the copy becomes current. Returns its index."""
        label, image = self.label(i), self.image(i)
        self.undo_stack.push(_InsertCommand(self, i + 1, label, image, f"Duplicate {label!r}"))
        return i + 1

    def rename(self, i: int, label: str) -> None:
        old, new = self.label(i), _check_label(label)
        if new != old:
            self.undo_stack.push(_RenameCommand(self, i, old, new))

    def delete(self, i: int) -> None:
        """Remove glyph i; refused for the last one, because a data set needs at least one glyph."""
        label = self.label(i)
        if len(self) == 1:
            raise ValueError(f"cannot delete {label!r}: a set must keep at least one glyph")
        self.undo_stack.push(_RemoveCommand(self, i, f"Delete {label!r}"))

    # ---- checks ----------------------------------------------------------------------------

    def _check_index(self, i: int) -> int:
        if not 0 <= i < len(self):
            raise IndexError(f"there is no glyph {i}; the set has {len(self)} glyphs")
        return i

    def _check_image(self, image: np.ndarray) -> np.ndarray:
        image = np.array(image, dtype=np.float32)  # a private copy
        if image.shape != (self._height, self._width):
            raise ValueError(
                f"an image for this set must be {self._height} rows x {self._width} columns, "
                f"not {image.shape}"
            )
        if not np.all(np.isfinite(image) & (image >= 0) & (image <= 1)):
            raise ValueError("pixel values must lie in [0, 1]")
        return image + 0.0  # -0.0 -> 0.0, as in Dataset

    # ---- the only writers: called by the undo commands ---------------------------------------

    def _write_pixels(self, i: int, cells: dict[Cell, float]) -> None:
        pixels = self._writable()
        for (row, col), value in cells.items():
            pixels[i, row * self._width + col] = self._stored(value)
        self._after_pixels(i)

    def _write_image(self, i: int, image: np.ndarray) -> None:
        self._writable()[i] = self._stored(image).reshape(-1)
        self._after_pixels(i)

    def _after_pixels(self, i: int) -> None:
        self._dataset = None
        self.set_current(i)  # show the glyph an undo or redo changed
        self.glyph_changed.emit(i)

    def _insert(self, i: int, label: str, image: np.ndarray, current: int) -> None:
        self._labels.insert(i, label)
        row = self._stored(image).reshape(1, -1)  # (1, height*width)
        self._pixels = np.concatenate([self._pixels[:i], row, self._pixels[i:]])  # a new array
        self._after_structure(current)

    def _remove(self, i: int, current: int) -> None:
        del self._labels[i]
        self._pixels = np.delete(self._pixels, i, axis=0)  # a new array
        self._after_structure(current)

    def _write_label(self, i: int, label: str) -> None:
        self._labels[i] = label
        self._after_structure(i)

    def _after_structure(self, current: int) -> None:
        """Views rebuild on glyphs_reset, which they see with the new current glyph already set."""
        previous, self._current = self._current, current
        self._dataset = None
        self.glyphs_reset.emit()
        if current != previous:
            self.current_changed.emit(current)


def _check_value(value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise ValueError(f"a pixel value must lie in [0, 1], not {value}")
    return float(np.float32(value)) + 0.0  # as stored, so "unchanged" is an exact comparison


def _check_label(label: str) -> str:
    if not isinstance(label, str) or not label.strip() or "\n" in label:
        raise ValueError(f"a glyph label must be a non-empty single line of text, not {label!r}")
    return label


class _PaintCommand(QUndoCommand):
    """Pixels of one glyph set during one drag; Qt merges each later pixel of the drag into it."""

    def __init__(self, glyphs: GlyphSet, i: int, stroke: int, changes: dict, text: str):
        super().__init__(text)
        self._glyphs, self._index, self._stroke = glyphs, i, stroke
        self._changes: dict[Cell, tuple[float, float]] = changes  # cell -> (old, new)

    def id(self) -> int:
        return 1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _PaintCommand) or (other._stroke, other._index) != (
            self._stroke,
            self._index,
        ):
            return False
        for cell, (old, new) in other._changes.items():
            first_old = self._changes.get(cell, (old, new))[0]
            self._changes[cell] = (first_old, new)
        return True

    def redo(self) -> None:
        self._glyphs._write_pixels(self._index, {c: new for c, (_, new) in self._changes.items()})

    def undo(self) -> None:
        self._glyphs._write_pixels(self._index, {c: old for c, (old, _) in self._changes.items()})


class _SetImageCommand(QUndoCommand):
    def __init__(self, glyphs: GlyphSet, i: int, old: np.ndarray, new: np.ndarray, text: str):
        super().__init__(text)
        self._glyphs, self._index, self._old, self._new = glyphs, i, old, new

    def redo(self) -> None:
        self._glyphs._write_image(self._index, self._new)

    def undo(self) -> None:
        self._glyphs._write_image(self._index, self._old)


class _InsertCommand(QUndoCommand):
    def __init__(self, glyphs: GlyphSet, i: int, label: str, image: np.ndarray, text: str):
        super().__init__(text)
        self._glyphs, self._index, self._label, self._image = glyphs, i, label, image
        self._previous = glyphs.current

    def redo(self) -> None:
        self._glyphs._insert(self._index, self._label, self._image, current=self._index)

    def undo(self) -> None:
        self._glyphs._remove(self._index, current=self._previous)


class _RemoveCommand(QUndoCommand):
    def __init__(self, glyphs: GlyphSet, i: int, text: str):
        super().__init__(text)
        self._glyphs, self._index = glyphs, i
        self._label, self._image = glyphs.label(i), glyphs.image(i)

    def redo(self) -> None:
        last = len(self._glyphs) - 2  # the last index once this glyph is gone
        self._glyphs._remove(self._index, current=min(self._index, last))

    def undo(self) -> None:
        self._glyphs._insert(self._index, self._label, self._image, current=self._index)


class _RenameCommand(QUndoCommand):
    def __init__(self, glyphs: GlyphSet, i: int, old: str, new: str):
        super().__init__(f"Rename {old!r} to {new!r}")
        self._glyphs, self._index, self._old, self._new = glyphs, i, old, new

    def redo(self) -> None:
        self._glyphs._write_label(self._index, self._new)

    def undo(self) -> None:
        self._glyphs._write_label(self._index, self._old)
