"""Glyph sets: the Dataset record, the built-in sets, the JSON format, and the noise that corrupts
inputs for denoising.

May import: `engine.atomic` and `engine.limits` (and nothing else from `engine`).
"""
