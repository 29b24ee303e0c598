"""The latent plane: every glyph's code as a labelled point that moves while the model learns.

Left click or left drag anywhere picks a latent point to decode (the view does not pan then);
the wheel and right drag zoom, middle drag pans. With more than two latent dimensions the plane is
the 2-D PCA projection of the codes, and a picked point is lifted back through it:
latent = mean + [x, y] @ components. All plot items are created once and only their positions
change; the glyphs and markers are GlyphPoints, which keep their rendered symbols, so 30 updates
a second stay cheap even for 1797 digits, and draw more than DENSE_ABOVE points on screen as
dots in one image (60,000 MNIST codes: ~5 ms a frame), the symbols coming back as you zoom in.

Text stays bounded at any size: word labels beside their points for at most TEXT_LABELS_UP_TO
glyphs, else one label per class at its centre (gui.plots.latent_plane.label_mode), placed at
most five times a second. Classes are coloured with a legend; hovering over a point names it.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem, QWidget

from engine.data.datasets import Dataset
from engine.models import Autoencoder
from engine.training import Snapshot
from gui.plots.class_legend import ClassLegend
from gui.plots.glyph_points import GlyphPoints
from gui.plots.label_layout import label_anchors, place_labels
from gui.plots.latent_plane import (
    DENSE_ABOVE,
    INK,
    Projection,
    class_brushes,
    class_centres,
    class_colours,
    class_index,
    class_names,
    label_mode,
    label_symbols,
)
from gui.plots.live_axes import live_axes
from gui.plots.point_raster import RING, draw_order
from gui.plots.sticky_view import StickyViewBox
from gui.plots.thumbnails import Thumbnails, ring_symbol
from gui.plots.word_labels import WordLabels

SELECTED_PEN = pg.mkPen(220, 40, 40, width=2.5)
PROBE_BRUSH = pg.mkBrush(255, 150, 0)
GENERATOR_PEN = pg.mkPen(0, 140, 60, width=2.5)
PATH_PEN = pg.mkPen(230, 110, 0, width=2)
PATH_BRUSH = pg.mkBrush(255, 170, 60)
ELLIPSE_PEN = pg.mkPen(60, 90, 200, 110, width=1)
ELLIPSE_BRUSH = pg.mkBrush(60, 90, 200, 18)
SAMPLE_BRUSH = pg.mkBrush(120, 120, 120, 110)
PICK_RADIUS = 12  # screen pixels: a click this close to a point selects its glyph
CROWDED = 200  # more glyphs than this get smaller symbols
TILE_PIXELS = 40  # screen width a decoded background tile aims for
BACKGROUND_INTERVAL_MS = 200  # the decoded background is redrawn at most 5 times a second
LABEL_INTERVAL_MS = 200  # word labels are re-placed at most 5 times a second (they move live)
LABEL_GAP = 4  # pixels between a word label and its point
LABEL_STILL = 1.0  # pixels: points and markers that moved less keep their labels' sides
DOT_SIZE = 7  # pixels: the point drawn for a glyph with a word label
# Half the size (pixels) of each marker, and the selection ring's: labels keep clear of them.
PROBE_SIZE, SELECTED_SIZE, GENERATOR_SIZE = 20, 30, 26
ELLIPSES_UP_TO = 500  # a VAE's mu +/- sigma ellipses for at most this many glyphs (a fixed sample)
TEST_SIZE = 9  # pixels: the hollow ring of a test image's code
INFO_BRUSH = pg.mkBrush(255, 255, 255, 220)


class _LatentViewBox(StickyViewBox):
    """Left click and left drag pick points instead of panning; other buttons act as usual."""

    picked = Signal(QPointF, bool)  # (view coordinates, True for a click / False for a drag)

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.picked.emit(self.mapSceneToView(ev.scenePos()), True)
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and axis is None:
            ev.accept()
            self.picked.emit(self.mapSceneToView(ev.scenePos()), False)
        else:
            super().mouseDragEvent(ev, axis)


class LatentScatter(pg.PlotWidget):
    """Glyph codes on the latent plane, with markers for the selection, the editor drawing and
    the decoded point, and an optional background of glyphs decoded all over the view."""

    point_clicked = Signal(object)  # np.ndarray (latent,): decode this point
    glyph_selected = Signal(int)  # a labelled point was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        self._view = _LatentViewBox()
        super().__init__(parent, viewBox=self._view)
        self.setBackground("w")
        self.setMinimumSize(200, 200)
        plot = self.getPlotItem()
        # Short: pyqtgraph widens a plot to its title, and a narrow pane then cut the plot off.
        plot.setTitle("click: decode · wheel: zoom", size="8pt", color="#666")
        plot.setMenuEnabled(False)  # the view box menu would reopen on every right click
        live_axes(plot)
        self._view.setMenuEnabled(True)
        self._projection = Projection(2)
        self._dataset: Dataset | None = None
        self._model: Autoencoder | None = None
        self._codes: np.ndarray | None = None  # (n, L)
        self._plane = np.zeros((0, 2))  # (n, 2) where the points are drawn
        self._thumbnails = False
        self._selected: int | None = None
        self._probe: np.ndarray | None = None
        self._generator: np.ndarray | None = None
        self._label_symbols: list[QPainterPath] | str = "o"
        self._thumbnail_symbols: Thumbnails | list = []
        self._brushes: list = []
        self._labels = WordLabels(self._view)  # every word label, in one item
        self._label_mode: str | None = None  # "words", "classes" or None (label_mode)
        self._label_points = np.zeros((0, 2))  # (m, 2) where each text label's point is
        self._classes: tuple[str, ...] = ()  # the set's class names, if its labels are classes
        self._class_of = np.zeros(0, np.intp)  # (n,) each glyph's class in self._classes
        self._legend = ClassLegend(self._view)
        self._info = pg.TextItem(color=INK, fill=INFO_BRUSH, anchor=(0, 0))
        self._info.setParentItem(self._view)
        self._info.setPos(4, 4)
        self._info.setZValue(20)
        self._info.setVisible(False)
        self._test_codes: np.ndarray | None = None  # (m, L) held-out images' codes
        self._test_labels: tuple[str, ...] = ()
        self._test_style: tuple | None = None  # (classes, test labels) the rings are coloured for
        self._snapshot_sigma: np.ndarray | None = None  # (n, L) a VAE snapshot's sigma
        self._ellipse_count = 0

        self._background = pg.ImageItem(axisOrder="row-major")
        self._background.setZValue(-10)
        self._background.setVisible(False)
        self._points = GlyphPoints(dense_above=DENSE_ABOVE)
        self._test_item = GlyphPoints(
            symbol=ring_symbol(), size=TEST_SIZE, dense_above=DENSE_ABOVE, footprint=RING
        )
        self._test_item.setZValue(1)
        self._test_item.setVisible(False)
        self._selected_item = GlyphPoints(symbol="o", size=SELECTED_SIZE, pen=SELECTED_PEN)
        self._probe_item = GlyphPoints(
            symbol="star", size=PROBE_SIZE, pen=pg.mkPen("k"), brush=PROBE_BRUSH
        )
        self._generator_item = GlyphPoints(
            symbol="crosshair", size=GENERATOR_SIZE, pen=GENERATOR_PEN
        )
        self._path: np.ndarray | None = None  # (k, L) interpolation path codes
        self._samples: np.ndarray | None = None  # (m, L) prior samples
        self._ellipses: tuple[np.ndarray, np.ndarray] | None = None  # mu, sigma (n, L) each
        self._ellipses_follow_snapshot = False
        self._path_item = pg.PlotDataItem(
            pen=PATH_PEN, symbol="o", symbolSize=6, symbolPen=None, symbolBrush=PATH_BRUSH
        )
        self._path_item.setZValue(4)
        self._samples_item = GlyphPoints(symbol="o", size=5, brush=SAMPLE_BRUSH)
        self._samples_item.setZValue(-2)
        self._ellipse_item = QGraphicsPathItem()  # every glyph's ellipse in one path: one item
        self._ellipse_item.setPen(ELLIPSE_PEN)
        self._ellipse_item.setBrush(ELLIPSE_BRUSH)
        self._ellipse_item.setZValue(-5)
        self._view.addItem(self._background, ignoreBounds=True)
        for item in (self._ellipse_item, self._samples_item, self._path_item, self._test_item):
            self._view.addItem(item, ignoreBounds=True)
        plot.addItem(self._points)
        for z, item in enumerate((self._selected_item, self._probe_item, self._generator_item)):
            item.setZValue(5 + z)
            self._view.addItem(item, ignoreBounds=True)
        # The star marks where the editor's glyph encodes: on the selected glyph's own point.
        # Under the points, the glyph's letter is drawn over it and stays readable.
        self._probe_item.setZValue(-1)
        self._label_timer = QTimer(self, singleShot=True, interval=LABEL_INTERVAL_MS)
        self._label_timer.timeout.connect(self.place_labels)
        self._label_sizes = np.zeros((0, 2))  # (n, 2) pixel width, height of each word label
        # What the labels were last placed for: (sizes, selected, screen points, avoided rects).
        self._placed_for: tuple | None = None
        self._background_timer = QTimer(self, singleShot=True, interval=BACKGROUND_INTERVAL_MS)
        self._background_timer.timeout.connect(self._on_background_timeout)
        self._view.sigRangeChanged.connect(self._on_range_changed)
        self._view.picked.connect(self._on_picked)
        self._view.sigResized.connect(self._schedule_labels)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._set_axis_labels()
        self.setToolTip(
            "Each glyph sits where the encoder puts it; hover over one to see which it is.\n"
            "Left click or drag: decode that point (shown in the generator).\n"
            "Click a glyph: select it.  Wheel or right drag: zoom.  Middle drag: pan.\n"
            "Right click: view menu (View All)."
        )

    # --- what the window calls ------------------------------------------------------------------
    @property
    def projection(self) -> Projection:
        return self._projection

    @property
    def plane_points(self) -> np.ndarray:
        """(n, 2) where each glyph is drawn (plot coordinates), e.g. for a test to click one."""
        return self._plane.copy()

    def set_snapshot(self, snapshot: Snapshot, dataset: Dataset) -> None:
        """Move the points to the snapshot's codes; `dataset` gives their labels and images."""
        codes = np.asarray(snapshot.latent, np.float64)
        if codes.shape[1] != self._projection.latent:
            self._projection = Projection(codes.shape[1])
            self._set_axis_labels()
        if dataset is not self._dataset:
            self._dataset = dataset
            self._make_symbols(dataset)
        self._model = snapshot.model
        self._codes = codes
        mu_sigma = _mu_sigma(snapshot)
        self._snapshot_sigma = None if mu_sigma is None else mu_sigma[1]
        self._projection.fit(codes)
        self._plane = self._projection.to_plane(codes)
        if self._ellipses_follow_snapshot:
            self._ellipses = _mu_sigma(snapshot)
        self._redraw_points()
        self._redraw_markers()
        self._redraw_overlays()
        self._redraw_test_points()
        self._schedule_background()

    def set_test_codes(
        self, codes: np.ndarray | None, labels: tuple[str, ...] | list[str] = ()
    ) -> None:
        """Show held-out images' codes (m, L) as hollow rings, coloured by class when `labels`
        (m,) are the training set's classes; None hides them. They are projected like the
        training codes and follow the projection's refits until replaced."""
        self._test_codes = None if codes is None else np.atleast_2d(np.asarray(codes, np.float64))
        self._test_labels = tuple(labels)
        self._redraw_test_points()

    @property
    def test_points(self) -> np.ndarray:
        """(m, 2) where the test images' codes are drawn (empty when hidden)."""
        if not self._test_item.isVisible():
            return np.zeros((0, 2))
        return np.column_stack(self._test_item.getData())

    @property
    def legend_entries(self) -> list[tuple[str, object]]:
        """(class name, QColor) of each legend entry; empty when the set has no classes."""
        return self._legend.entries if self._legend.isVisible() else []

    @property
    def points_item(self) -> GlyphPoints:
        """The item that draws the glyphs' points (for tests: was the last paint dense?)."""
        return self._points

    @property
    def info_text(self) -> str:
        """What the corner note says about the point under the mouse or last clicked."""
        return self._info.textItem.toPlainText() if self._info.isVisible() else ""

    def set_path(self, codes: np.ndarray | None) -> None:
        """Draw an interpolation path (k, L) as a line with small markers, or hide it."""
        self._path = None if codes is None else np.atleast_2d(np.asarray(codes, np.float64))
        self._redraw_overlays()

    def set_samples(self, codes: np.ndarray | None) -> None:
        """Show prior samples (m, L) as faint dots, or hide them."""
        self._samples = None if codes is None else np.atleast_2d(np.asarray(codes, np.float64))
        self._redraw_overlays()

    def set_ellipses(self, mu: np.ndarray | None, sigma: np.ndarray | None = None) -> None:
        """Draw mu +/- sigma of each glyph's posterior as an axis-aligned ellipse; None hides them.
        mu, sigma: (n, 2), or (n, L) codes that are projected like the points. This fixes the
        ellipses; `set_ellipses_visible` makes them follow every snapshot instead."""
        self._ellipses_follow_snapshot = False
        if mu is None or sigma is None:
            self._ellipses = None
        else:
            self._ellipses = (np.asarray(mu, np.float64), np.asarray(sigma, np.float64))
        self._redraw_overlays()

    @Slot(bool)
    def set_ellipses_visible(self, on: bool) -> None:
        """Show each glyph's mu +/- sigma from the snapshots (a VAE's; nothing for an AE)."""
        self._ellipses_follow_snapshot = bool(on)
        snapshot_mu = None
        if on and self._codes is not None and self._snapshot_sigma is not None:
            snapshot_mu = (self._codes, self._snapshot_sigma)
        self._ellipses = snapshot_mu
        self._redraw_overlays()

    @property
    def path_points(self) -> np.ndarray:
        """(k, 2) where the interpolation path is drawn (empty when hidden)."""
        x, y = self._path_item.getData()
        return np.zeros((0, 2)) if x is None or len(x) == 0 else np.column_stack([x, y])

    @property
    def sample_points(self) -> np.ndarray:
        """(m, 2) where the prior samples are drawn (empty when hidden)."""
        x, y = self._samples_item.getData()
        return np.column_stack([x, y]) if len(x) else np.zeros((0, 2))

    @property
    def ellipse_count(self) -> int:
        """How many ellipses are drawn (for tests)."""
        return self._ellipse_count

    def set_thumbnails(self, on: bool) -> None:
        """Draw each glyph's pixels at its point instead of its label."""
        self._thumbnails = bool(on)
        self._show_text_labels()
        self._redraw_points()

    def set_background_visible(self, on: bool) -> None:
        """Show glyphs decoded on a grid over the visible part of the plane, under the points."""
        self._background.setVisible(bool(on))
        self._schedule_background()

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        self._redraw_markers()

    def set_probe(self, code: np.ndarray | None, redraw: bool = True) -> None:
        """Mark where the editor's drawing encodes (a latent vector), or hide the mark.
        `redraw=False` leaves the drawing to the `set_snapshot` that follows (one paint)."""
        self._probe = None if code is None else np.asarray(code, np.float64)
        if redraw:
            self._redraw_markers()

    def set_generator_point(self, code: np.ndarray | None) -> None:
        """Mark the latent point the generator canvas is decoding."""
        self._generator = None if code is None else np.asarray(code, np.float64)
        self._redraw_markers()

    # --- drawing ----------------------------------------------------------------------------------
    def _set_axis_labels(self) -> None:
        plot = self.getPlotItem()
        pca = self._projection.is_pca
        plot.setLabel("bottom", "PCA 1 of the codes" if pca else "latent 1")
        plot.setLabel("left", "PCA 2 of the codes" if pca else "latent 2")

    def _make_symbols(self, dataset: Dataset) -> None:
        """Symbols, colours, legend and text labels for a new set (reused by every update)."""
        labels = dataset.labels
        symbols = label_symbols(labels)
        self._label_symbols = "o" if symbols is None else symbols
        classes = class_names(labels)
        self._classes = classes or ()
        self._class_of = class_index(labels, classes) if classes else np.zeros(len(labels), np.intp)
        self._legend.set_classes(self._classes, class_colours(len(self._classes)))
        self._label_mode = label_mode(labels)
        texts = {"words": labels, "classes": self._classes}.get(self._label_mode, ())
        self._labels.set_texts(texts, boxed=self._label_mode == "classes")
        self._label_sizes = self._labels.sizes  # (m, 2) pixel width, height of each label
        self._label_points = np.full((len(texts), 2), np.nan)
        self._show_text_labels()
        self._brushes = class_brushes(labels)
        self._thumbnail_symbols = Thumbnails(dataset)  # each made when first drawn
        self._info.setVisible(False)

    def _show_text_labels(self) -> None:
        """Long labels show beside the points, but not over thumbnails (set once, not per frame:
        every Qt call in a snapshot's redraw is taken from the training thread)."""
        self._labels.setVisible(not self._thumbnails)
        self._schedule_labels()

    def _redraw_points(self) -> None:
        n = len(self._plane)
        if n == 0 or self._dataset is None or n != len(self._dataset):
            self._points.set_positions([], [])
            return
        crowded = n > CROWDED
        if self._thumbnails:
            symbols, size = self._thumbnail_symbols, 16 if crowded else 26
        elif self._label_mode == "words" or self._label_symbols == "o":
            symbols, size = "o", DOT_SIZE
        else:
            symbols, size = self._label_symbols, 12 if crowded else 22
        self._points.set_style(symbols, size, self._brushes)  # unchanged: nothing redrawn
        x, y = self._plane[:, 0], self._plane[:, 1]
        self._points.set_positions(x, y)
        if self._label_mode == "words":  # long labels beside the points, moving with them
            self._label_points = self._plane
            self._labels.set_points(self._label_points)  # one call for every label
        self._schedule_labels()  # class labels move to their centres when placed (5 a second)

    # --- word labels ----------------------------------------------------------------------------
    def _schedule_labels(self) -> None:
        if self._label_mode is not None and not self._label_timer.isActive():
            self._label_timer.start()

    @Slot()
    def place_labels(self) -> None:
        """Put each text label beside its point where it overlaps no other label and no marker;
        hide those with no room (`gui.plots.label_layout`). Rate-limited by `_schedule_labels`:
        the labels move with their points on every snapshot, only their sides are chosen here.
        At most TEXT_LABELS_UP_TO labels (or one per class), whatever the set's size."""
        if self._label_mode == "classes" and len(self._plane) == len(self._class_of):
            self._label_points = class_centres(self._plane, self._class_of, len(self._classes))
            self._labels.set_points(self._label_points)
        n = len(self._label_points)
        if self._label_mode is None or n != len(self._label_sizes) or self._thumbnails:
            return
        words = self._label_mode == "words"
        screen = self._to_screen(self._label_points)  # (n, 2)
        markers = []
        selected = self._selected if self._selected is not None and self._selected < n else None
        if not words:
            selected = None  # class labels belong to no one glyph
            if self._selected is not None and self._selected < len(self._plane):
                ring = self._plane[self._selected : self._selected + 1]  # (1, 2)
                markers.append((self._to_screen(ring)[0], SELECTED_SIZE))
        if selected is not None:
            markers.append((screen[selected], SELECTED_SIZE))
        for code, size in ((self._probe, PROBE_SIZE), (self._generator, GENERATOR_SIZE)):
            if code is not None and len(code) == self._projection.latent:
                markers.append((self._to_screen(self._projection.to_plane(code))[0], size))
        avoid = np.array([[x - s / 2, y - s / 2, x + s / 2, y + s / 2] for (x, y), s in markers])
        # Nor over another glyph's dot: "queasy •smile" read as the dot's label. (Class labels
        # sit in their clouds of points by design.)
        finite = screen[np.isfinite(screen).all(axis=1)] if words else np.zeros((0, 2))
        dots = np.concatenate([finite - DOT_SIZE / 2, finite + DOT_SIZE / 2], axis=1)  # (m, 4)
        avoid = np.concatenate([avoid.reshape(-1, 4), dots])
        # Late in a run the codes barely move: the sides chosen last time still fit while no
        # point or marker has moved a pixel since (placing them cost ~1.2 ms, 5 times a second).
        placed = self._placed_for
        if (
            placed is not None
            and placed[0] is self._label_sizes
            and placed[1] == selected
            and placed[2].shape == screen.shape
            and placed[3].shape == avoid.shape
            and np.all(np.abs(placed[2] - screen) < LABEL_STILL)  # NaN: moved
            and np.all(np.abs(placed[3] - avoid) < LABEL_STILL)
        ):
            return
        self._placed_for = (self._label_sizes, selected, screen, avoid)
        gaps = np.full(n, float(LABEL_GAP))
        if selected is not None:  # clear of the ring and the star on its own point
            gaps[selected] = max(SELECTED_SIZE, PROBE_SIZE) / 2 + 1
        place = place_labels(screen, self._label_sizes, gaps, avoid, selected)
        self._labels.set_layout(label_anchors(self._label_sizes, gaps, place), place >= 0)

    def _to_screen(self, plane: np.ndarray) -> np.ndarray:
        """Plane points (k, 2) -> the view's pixels (k, 2), y down."""
        rect = self._view.viewRect()
        width, height = max(rect.width(), 1e-12), max(rect.height(), 1e-12)
        with np.errstate(invalid="ignore", over="ignore"):
            x = (plane[:, 0] - rect.left()) / width * self._view.width()
            y = (rect.bottom() - plane[:, 1]) / height * self._view.height()
        return np.column_stack([x, y])

    def label_rects(self) -> list[QRectF | None]:
        """Each text label's rectangle in scene pixels, None where hidden (for tests)."""
        if not self._labels.isVisible():
            return [None] * len(self._label_sizes)
        return [
            None if rect is None else self._labels.mapRectToScene(rect)
            for rect in self._labels.rects()
        ]

    def _redraw_markers(self) -> None:
        def place(item: GlyphPoints, code: np.ndarray | None) -> None:
            if code is None or len(code) != self._projection.latent:
                _show(item, None)
            else:
                _show(item, self._projection.to_plane(code))

        n = len(self._plane)
        selected = self._selected
        if selected is not None and 0 <= selected < n and self._codes is not None:
            place(self._selected_item, self._codes[selected])
        else:
            place(self._selected_item, None)
        place(self._probe_item, self._probe)
        place(self._generator_item, self._generator)
        self._schedule_labels()

    def _on_plane(self, codes: np.ndarray | None) -> np.ndarray | None:
        """Codes (k, L) -> plane points (k, 2); None if they do not fit this latent space."""
        if codes is None or codes.ndim != 2 or codes.shape[1] != self._projection.latent:
            return None
        return self._projection.to_plane(codes)

    def _redraw_overlays(self) -> None:
        """The interpolation path, the prior samples and the mu +/- sigma ellipses."""
        _show(self._path_item, self._on_plane(self._path))
        _show(self._samples_item, self._on_plane(self._samples))
        shape = QPainterPath()
        self._ellipse_count = 0
        if self._ellipses is not None:
            mu, sigma = self._ellipses
            if mu.shape == sigma.shape and mu.ndim == 2 and mu.shape[1] >= 1:
                if mu.shape[1] == self._projection.latent and self._projection.is_pca:
                    centres = self._projection.to_plane(mu)
                    # Axis-aligned spread along each PCA axis: sqrt(sum_j c_ij^2 sigma_j^2).
                    with np.errstate(invalid="ignore", over="ignore"):  # inf/NaN: skipped below
                        radii = np.sqrt(sigma**2 @ (self._projection.components**2).T)
                else:
                    centres, radii = np.zeros((len(mu), 2)), np.zeros((len(mu), 2))
                    width = min(2, mu.shape[1])
                    centres[:, :width], radii[:, :width] = mu[:, :width], sigma[:, :width]
                drawn = draw_order(len(mu))[:ELLIPSES_UP_TO]  # all of a glyph set's
                for (cx, cy), (sx, sy) in zip(
                    centres[drawn].tolist(), radii[drawn].tolist(), strict=True
                ):
                    if math.isfinite(cx + cy + sx + sy):  # a diverging run's may not be
                        shape.addEllipse(QRectF(cx - sx, cy - sy, 2 * sx, 2 * sy))
                self._ellipse_count = len(drawn)
        self._ellipse_item.setPath(shape)

    def _redraw_test_points(self) -> None:
        plane = self._on_plane(self._test_codes)
        if plane is None or not len(plane):
            self._test_item.set_positions([], [])
            self._test_item.setVisible(False)
            return
        style = (self._classes, self._test_labels)
        if style != self._test_style:  # new labels or classes: new colours (kept while equal)
            self._test_style = style
            self._test_item.set_style(ring_symbol(), TEST_SIZE, self._test_brushes(len(plane)))
        self._test_item.set_positions(plane[:, 0], plane[:, 1])
        self._test_item.setVisible(True)

    def _test_brushes(self, count: int) -> QBrush | list[QBrush]:
        """The training classes' colours for test labels of those classes, ink otherwise."""
        ink = pg.mkBrush(INK)
        if len(self._test_labels) != count or not self._classes:
            return ink
        colours = [pg.mkBrush(c) for c in class_colours(len(self._classes))]
        position = {name: i for i, name in enumerate(self._classes)}
        return [colours[position[k]] if k in position else ink for k in self._test_labels]

    # --- decoded background ---------------------------------------------------------------------
    def _schedule_background(self) -> None:
        if self._background.isVisible() and not self._background_timer.isActive():
            self._background_timer.start()

    @Slot()
    def _on_background_timeout(self) -> None:
        if not self._background.isVisible() or self._model is None or self._dataset is None:
            return
        (x0, x1), (y0, y1) = self._view.viewRange()
        h, w = self._dataset.height, self._dataset.width
        cols = int(np.clip(self._view.width() / TILE_PIXELS, 3, 40))
        rows = int(np.clip(self._view.height() / (TILE_PIXELS * h / w), 3, 40))
        xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
        ys = y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows
        grid = np.array([[x, y] for y in ys for x in xs])  # (rows*cols, 2), row by row upwards
        codes = self._projection.mean + grid @ self._projection.components  # (k, L)
        ink = self._model.decode(codes).reshape(rows, cols, h, w)
        tiles = np.zeros((rows, cols, h + 1, w + 1))  # one blank row and column between tiles
        tiles[:, :, 1:, :w] = ink[:, :, ::-1, :]  # image rows grow with y: draw glyphs upright
        picture = tiles.transpose(0, 2, 1, 3).reshape(rows * (h + 1), cols * (w + 1))
        self._background.setImage((255 - 75 * picture).astype(np.uint8), levels=(0, 255))
        self._background.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))

    @Slot()
    def _on_range_changed(self) -> None:
        self._schedule_background()
        self._schedule_labels()  # zoomed in: room for labels that were hidden

    # --- picking ----------------------------------------------------------------------------------
    @Slot(QPointF, bool)
    def _on_picked(self, point: QPointF, is_click: bool) -> None:
        index = self._glyph_at(point) if is_click else None
        if index is not None and self._codes is not None:
            self._show_info(index)
            self.glyph_selected.emit(index)
            self.point_clicked.emit(self._codes[index].copy())
        else:
            self.point_clicked.emit(self._projection.lift(point.x(), point.y()))

    @Slot(object)
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        """Name the point under the mouse in the corner note (its index and label)."""
        if not self._view.sceneBoundingRect().contains(scene_pos):
            return
        index = self._glyph_at(self._view.mapSceneToView(scene_pos))
        if index is not None:
            self._show_info(index)

    def _show_info(self, index: int) -> None:
        if self._dataset is None or index >= len(self._dataset):
            return
        n = len(self._dataset)
        self._info.setText(f"image {index:,} of {n:,} · {self._dataset.labels[index]}")
        self._info.setVisible(True)

    def _glyph_at(self, point: QPointF) -> int | None:
        """The glyph drawn within PICK_RADIUS screen pixels of `point`, nearest first."""
        if len(self._plane) == 0:
            return None
        px, py = self._view.viewPixelSize()  # plot units per screen pixel
        dx = (self._plane[:, 0] - point.x()) / px
        dy = (self._plane[:, 1] - point.y()) / py
        distance = np.hypot(dx, dy)
        index = int(np.argmin(distance))
        return index if distance[index] <= PICK_RADIUS else None


def _show(item: GlyphPoints | pg.PlotDataItem, points: np.ndarray | None) -> None:
    """Move `item` to `points` (k, 2), or hide it for None. Hidden and unchanged items are
    left alone: every setData costs the GUI thread a re-layout and a paint, 30 times a second."""
    if points is None or len(points) == 0:
        if item.isVisible():
            item.setData([], [])
            item.setVisible(False)
        return
    x, y = item.getData()
    if item.isVisible() and x is not None and np.array_equal(np.column_stack([x, y]), points):
        return
    item.setData(points[:, 0], points[:, 1])
    item.setVisible(True)


def _mu_sigma(snapshot: Snapshot) -> tuple[np.ndarray, np.ndarray] | None:
    """A VAE snapshot's posterior means and standard deviations, (n, L) each; None for an AE."""
    if snapshot.logvar is None:
        return None
    mu = np.asarray(snapshot.latent, np.float64)
    return mu, np.exp(0.5 * np.asarray(snapshot.logvar, np.float64))
