"""How training goes, per epoch: the loss on a log scale, and wrong pixels (max and total).

The curves are created once and fed with `setData` from each snapshot's history. For a VAE the
reconstruction and KL terms get their own curves; for an AE they equal the loss and are hidden.
A run with a held-out test set draws the test loss over the training loss (orange), at the
evaluations that scored it: where it turns up while the training loss still falls, the model
overfits. Without one (glyph sets) the plot is as it always was.
A history of thousands of epochs is drawn downsampled (peaks kept) to about a point per screen
pixel, and snapshots that arrive faster than REFRESH_MS apart are coalesced: the axes move with
every redraw, and redrawing them 30 times a second took a third of the GUI thread (measured).
The curves are one pixel wide: Qt strokes a wider line about ten times slower (3-12 ms against
0.3 ms for 1400 points, measured), and the plot is redrawn while training runs.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QWidget

from engine.training import Snapshot
from gui.plots.live_axes import live_axes
from gui.plots.sticky_view import StickyViewBox
from gui.widgets.rate_limit import RateLimit

REFRESH_MS = 500  # the curves are redrawn at most twice a second
# Room for epochs to come and a loss still falling, as a fraction of the span shown, when the
# curves reach an edge: relabelling the axes was the plot's largest cost while a run goes.
ROOM_AHEAD = 0.5
TINY = 1e-12  # log axes cannot show 0
# Room before epoch 0, as a fraction of the last epoch shown: more than pyqtgraph's auto range
# padding (at most 0.1), so the sticky view keeps the range this leaves.
EPOCH_MARGIN = 0.12
AXIS_WIDTH = 60  # pixels of every y axis of both plots, so their epochs line up on screen
MAX_EXTRA_DECADES = 10  # the loss axis gets ticks at most this far beyond the data
LABEL_GAP = 18  # screen pixels between labelled ticks of the log axis: no two labels overlap
# Mantissas to label in each decade, densest first: 1..9, then 1-2-5, then 1-3 (two labels in a
# short plot showing one decade), then the decades alone.
MANTISSAS = ((1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 5), (1, 3), (1,))
KEY_AE = "<span style='color:#141414'>\u2014 loss per glyph</span>"
KEY_TRAIN = "<span style='color:#141414'>\u2014 training loss per image</span>"
KEY_TEST = "<span style='color:#e07800'>\u2014 test loss ({count:,} held out)</span>"
TEST_COLOUR = (224, 120, 0)
KEY_VAE = (
    "<span style='color:#141414'>\u2014 loss</span> = "
    "<span style='color:#285adc'>\u2014 reconstruction</span> + beta \u00b7 "
    "<span style='color:#dc3c28'>- - KL</span>"
)


class _EpochsFromZero(pg.ViewBox):
    """Every x range the auto range sets starts at most EPOCH_MARGIN of its right end below
    epoch 0. The sticky auto range leaves room on the side the data left through, and the
    padding of a run shown from 0..1 leaves through epoch 0: the view reached 2800 epochs below
    0. Epochs never go there; the room belongs ahead. (After StickyViewBox in `_EpochView`'s
    bases, it clamps the range that view settles on.)"""

    def setRange(
        self,
        rect=None,
        xRange=None,
        yRange=None,
        padding=None,
        update=True,
        disableAutoRange=True,
    ) -> None:
        if rect is None and xRange is not None and padding == 0:
            low, high = xRange
            xRange = (max(low, -EPOCH_MARGIN * max(high, 1.0)), high)
        super().setRange(rect, xRange, yRange, padding, update, disableAutoRange)


class _EpochView(StickyViewBox, _EpochsFromZero):
    """The loss plot's view: a sticky auto range over epochs that start at 0."""


class LossPlot(pg.GraphicsLayoutWidget):
    """Loss (log y) above, wrong pixels below (max left, total right), over the same epochs.

    The two plots are not x-linked: linked view boxes switch off each other's auto range in
    pyqtgraph 0.14 when one is resized. The wrong-pixel plot copies the loss plot's epochs
    instead (their own auto ranges padded differently: -171..4279 above -179..4285 below).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setMinimumHeight(180)
        self.loss_plot = self.addPlot(
            row=0, col=0, viewBox=_EpochView(grow_x=ROOM_AHEAD, grow_y=ROOM_AHEAD)
        )
        self.wrong_plot = self.addPlot(row=1, col=0, viewBox=StickyViewBox(grow_x=ROOM_AHEAD))
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.setLabel("left", "loss")
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen(20, 20, 20, width=1))
        self.recon_curve = self.loss_plot.plot(pen=pg.mkPen(40, 90, 220, width=1))
        self.kl_curve = self.loss_plot.plot(
            pen=pg.mkPen(220, 60, 40, width=1, style=Qt.PenStyle.DashLine)
        )
        self.test_curve = self.loss_plot.plot(pen=pg.mkPen(*TEST_COLOUR, width=1))
        self._variational = False
        self._test_count = 0  # images in the run's test set; 0: none, the curve hidden
        self._loss_range = (1.0, 1.0)  # the smallest and largest loss shown, for the tick labels
        self._ticks: list = []  # the loss axis' (major, minor) ticks
        self._snapshot: Snapshot | None = None
        # The last epoch drawn: a history that ends sooner is a new run (the first one is too,
        # or a lone epoch 0 sat in the middle of -0.5..0.5 until Start).
        self._last_epoch: float = math.inf
        self._settled = False  # True once no run goes (`flush`): every redraw fits tightly
        self._rate = RateLimit(self, self._draw, REFRESH_MS)
        for plot in (self.loss_plot, self.wrong_plot):
            live_axes(plot)
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
        self.loss_plot.getViewBox().sigResized.connect(self._on_loss_view_changed)
        self.loss_plot.getViewBox().sigYRangeChanged.connect(self._on_loss_view_changed)

        self.wrong_plot.setLabel("bottom", "epoch")
        for plot in (self.loss_plot, self.wrong_plot):  # epochs, never "epoch (x0.001)"
            plot.getAxis("bottom").enableAutoSIPrefix(False)
        # Short axis titles: a long one is taller than the half-height plot and runs into "loss"
        # or past the widget's bottom ("wrong px: worst" lost 4 px at 1280x800, 7 at 1366x768).
        self.wrong_plot.setLabel("left", "worst px", color="#c03020")
        self.max_curve = self.wrong_plot.plot(pen=pg.mkPen(200, 50, 30, width=1))
        self.stop_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(200, 50, 30, style=Qt.PenStyle.DotLine)
        )
        self.stop_line.setToolTip("The stop rule: every glyph at most this many wrong pixels.")
        self.wrong_plot.addItem(self.stop_line)  # in the bounds: the axis always shows the goal
        self.best_line = pg.InfiniteLine(
            angle=90,
            pen=pg.mkPen(0, 150, 70, style=Qt.PenStyle.DashLine),
            label="best",
            labelOpts={"position": 0.9, "color": (0, 120, 60)},
        )
        self.wrong_plot.addItem(self.best_line, ignoreBounds=True)

        # Total wrong pixels on a second y axis (right) with its own view box.
        self.total_view = pg.ViewBox()
        self.wrong_plot.showAxis("right")
        self.wrong_plot.scene().addItem(self.total_view)
        self.wrong_plot.getAxis("right").linkToView(self.total_view)
        self.wrong_plot.getAxis("right").setLabel("all", color="#707070")
        self.total_view.setXLink(self.wrong_plot)
        self.total_curve = pg.PlotDataItem(pen=pg.mkPen(120, 120, 120, width=1))
        self.total_curve.setDownsampling(auto=True, method="peak")
        self.total_curve.setClipToView(True)
        self.total_view.addItem(self.total_curve)
        self.wrong_plot.getViewBox().sigResized.connect(self._on_wrong_view_resized)
        # The epochs below follow the loss plot's: one x range for both, zoomed from the top.
        self.wrong_plot.enableAutoRange(x=False)
        self.wrong_plot.setMouseEnabled(x=False)
        self.loss_plot.getViewBox().sigXRangeChanged.connect(self._on_epochs_shown_changed)
        # The loss plot gets an empty right axis as wide as the wrong plot's "all" axis: with
        # the same x range, epoch 2000 was drawn 25 px apart in the two plots.
        self.loss_plot.showAxis("right")
        self.loss_plot.getAxis("right").setStyle(showValues=False)
        self.loss_plot.getAxis("right").setPen(None)  # room only: no line, no ticks
        for plot in (self.loss_plot, self.wrong_plot):
            for side in ("left", "right"):
                plot.getAxis(side).setWidth(AXIS_WIDTH)
        self.ci.layout.setRowStretchFactor(0, 1)
        self.ci.layout.setRowStretchFactor(1, 1)
        self.setToolTip(
            "Top: loss per epoch (log scale); with a held-out test set, its loss in orange "
            "(rising while the training loss falls: overfitting). Bottom: the worst glyph's wrong pixels (red, left "
            "axis) and all wrong pixels together (grey, right axis); 'best' marks the weights "
            "Stop keeps."
        )
        self._curves = (
            self.loss_curve, self.recon_curve, self.kl_curve, self.test_curve, self.max_curve,
            self.total_curve,
        )  # fmt: skip
        self._lone = False  # the curves mark their points: a history of one evaluation
        self.set_stop_limit(None)
        self._show_key(False, 0)

    def set_stop_limit(self, limit: int | None) -> None:
        """Draw the stop rule's wrong-pixel limit (None: no rule)."""
        self.stop_line.setVisible(limit is not None)
        if limit is not None:
            self.stop_line.setValue(limit)

    @Slot(object)
    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the snapshot's history now, or within REFRESH_MS if the last redraw was sooner."""
        self._snapshot = snapshot
        self._rate.request()

    def flush(self) -> None:
        """Draw a waiting snapshot now and fit the curves tightly (the run paused or ended: show
        where it stopped, without the room left for epochs to come). The run's last snapshot
        may come a moment after its end: it is fitted too, until `set_running`."""
        self._settled = True
        self._rate.flush()
        self._fit()

    def set_running(self) -> None:
        """A run goes: leave room for the epochs to come instead of fitting every redraw."""
        self._settled = False

    def _fit(self) -> None:
        for plot in (self.loss_plot, self.wrong_plot):
            plot.getViewBox().fit()
        if self._last_epoch <= 0:  # epoch 0 alone: fitting it showed -0.4..0.4 when a run
            view = self.loss_plot.getViewBox()  # paused within its first epoch; the sticky
            view.setXRange(0, 1, padding=0)  # auto range keeps 0..1 until data leave it
            view.enableAutoRange(x=True)

    def _draw(self) -> None:
        snapshot = self._snapshot
        history = snapshot.history
        epoch = history["epoch"]
        last = int(epoch[-1]) if len(epoch) else -1
        restarted = last < self._last_epoch  # Reset, a new set, a loaded model: start afresh
        self._last_epoch = last
        variational = snapshot.logvar is not None
        test = snapshot.test_evaluation
        test_count = 0 if test is None else len(test.wrong)
        if variational != self._variational or test_count != self._test_count:
            self._show_key(variational, test_count)
        shown = [np.maximum(history["loss"], TINY)]
        if variational:
            shown += [np.maximum(history["recon"], TINY), np.maximum(history["kl"], TINY)]
            self.recon_curve.setData(epoch, shown[1])
            self.kl_curve.setData(epoch, shown[2])
        self.loss_curve.setData(epoch, shown[0])
        if test_count:
            scored = np.isfinite(history["test_loss"])  # the evaluations that scored the test set
            test_loss = np.maximum(history["test_loss"][scored], TINY)
            self.test_curve.setData(epoch[scored], test_loss)
            if len(test_loss):
                shown.append(test_loss)
        if len(epoch):  # (min(initial=1.0) would stretch every range down to 1)
            self._label_decades(min(v.min() for v in shown), max(v.max() for v in shown))
        self.max_curve.setData(epoch, history["max_wrong"])
        self.total_curve.setData(epoch, history["total_wrong"])
        if (len(epoch) == 1) != self._lone:
            self._mark_lone_points(len(epoch) == 1)
        self.total_view.setYRange(0, max(1.0, float(history["total_wrong"].max(initial=0))))
        self.best_line.setVisible(len(epoch) > 1)
        self.best_line.setValue(snapshot.best_epoch)
        if restarted:
            self._show_from_start(last)
        elif self._settled:
            self._fit()

    def _mark_lone_points(self, lone: bool) -> None:
        """A curve of one point draws no line: until a second evaluation, each curve's point is
        a dot (the untrained model's loss, or a run paused within its first epoch)."""
        self._lone = lone
        for curve in self._curves:
            colour = curve.opts["pen"].color() if lone else None
            curve.setSymbol("o" if lone else None)
            curve.setSymbolSize(5)
            curve.setSymbolPen(None)
            curve.setSymbolBrush(colour)

    def _show_from_start(self, last: int) -> None:
        """The epochs of a run that starts again from 0..1 (or its last epoch): the old run's
        range left a lone point at the edge of -1000..5000 after Reset."""
        view = self.loss_plot.getViewBox()
        if last <= 1:
            view.setXRange(0, 1, padding=0)  # one point: no span to fit (the sticky auto
        for plot in (self.loss_plot, self.wrong_plot):  # range keeps it until data leave it)
            plot.getViewBox().enableAutoRange(y=True)
        view.enableAutoRange(x=True)
        if last > 1:
            view.fit()

    def _label_decades(self, low: float, high: float) -> None:
        """Label as many of 1, 2, ... 9 x 10^k as fit LABEL_GAP pixels apart: 1..9 in a tall or
        narrow view, then 1-2-5, then every decade or every n-th (pyqtgraph labels all of 1..9,
        which piles up on a short axis). Unlabelled marks stay at the others. Log10 positions."""
        self._loss_range = (low, high)
        view_low, view_high = self.loss_plot.getViewBox().viewRange()[1]  # log10 of the loss
        # Ticks over the data and the view, within reason (a person may zoom far out).
        bottom = max(min(np.log10(low), view_low), np.log10(low) - MAX_EXTRA_DECADES)
        top = min(max(np.log10(high), view_high), np.log10(high) + MAX_EXTRA_DECADES)
        first, last = int(np.floor(bottom)), int(np.ceil(top))
        span = np.log10(high) - np.log10(low)
        # Decades shown: at least the data's with auto range's margins (the view may not have
        # caught up with new data yet), or the view's when it shows more (room for the loss to
        # fall). pyqtgraph shows a range of zero height (one evaluation, or a flat loss) as one
        # unit around it: a whole decade on this axis.
        span = 1.0 if span < 1e-9 else max(span, 0.1) * 1.3
        span = max(span, view_high - view_low)
        per_decade = max(self.loss_plot.getViewBox().height(), 40.0) / span  # pixels
        decade_step = 1
        for mantissas in MANTISSAS:
            smallest = min(np.diff(np.log10([*mantissas, 10])))  # closest two labels, in decades
            if smallest * per_decade >= LABEL_GAP:
                break
        else:
            decade_step = int(np.ceil(LABEL_GAP / per_decade))
        decades = range(first, last + 1)
        major = [
            (float(np.log10(m) + k), f"{m * 10.0**k:g}")
            for k in decades
            if k % decade_step == 0
            for m in mantissas
        ]
        labelled = {position for position, _ in major}
        minor = [
            (float(np.log10(m) + k), "")
            for k in decades
            for m in range(1, 10)
            if float(np.log10(m) + k) not in labelled
        ]
        ticks = [major, minor]
        if ticks != self._ticks:  # setTicks re-lays the axis out: only when they change
            self._ticks = ticks
            self.loss_plot.getAxis("left").setTicks(ticks)

    @Slot()
    def _on_loss_view_changed(self) -> None:
        self._label_decades(*self._loss_range)

    def _show_key(self, variational: bool, test_count: int) -> None:
        """A VAE's loss is reconstruction + beta * KL: show both terms; a test set's loss beside
        the training loss. The key is the title, where it never hides a curve."""
        self._variational, self._test_count = variational, test_count
        self.recon_curve.setVisible(variational)
        self.kl_curve.setVisible(variational)
        self.test_curve.setVisible(test_count > 0)
        if not test_count:
            self.test_curve.setData([], [])
        key = KEY_VAE if variational else KEY_TRAIN if test_count else KEY_AE
        if test_count:
            key += " &nbsp; " + KEY_TEST.format(count=test_count)
        self.loss_plot.setTitle(key, size="8pt")

    @Slot()
    def _on_epochs_shown_changed(self) -> None:
        """The wrong-pixel plot shows the same epochs."""
        low, high = self.loss_plot.getViewBox().viewRange()[0]
        self.wrong_plot.setXRange(low, high, padding=0)

    @Slot()
    def _on_wrong_view_resized(self) -> None:
        self.total_view.setGeometry(self.wrong_plot.getViewBox().sceneBoundingRect())
