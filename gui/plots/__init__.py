"""pyqtgraph plots that show a run: the latent scatter and its glyph points, the loss plot, their
live axes and sticky views, and figure export (PNG/SVG).

May import: `gui.widgets`.
"""
