"""Glyph sets: the Dataset record, the built-in sets, the JSON format, image files (MNIST's IDX,
.npy/.npz arrays, PNG folders, and the download of the MNIST family), the held-out test split,
and the noise that corrupts inputs for denoising.

May import: `engine.atomic` and `engine.limits` (and nothing else from `engine`).
"""
