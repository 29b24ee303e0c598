"""The glyph set and everything that edits or shows it: the set's Qt model, glyph pixmaps, the
gallery, the pixel editor, image import and the data panel that holds them.

May import: `gui.widgets`.
"""
