"""Glyph arrays as Qt images: one place decides how ink looks, so every panel draws glyphs alike.

Ink (1.0) is dark and background (0.0) is white, like pen on paper; grey levels lie between.
Scaling never smooths, so each glyph pixel stays a crisp square however large it is drawn.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

# Error-map colours (R, G, B): what a reconstruction got right and how it went wrong.
CORRECT_INK = (64, 64, 64)
CORRECT_BACKGROUND = (255, 255, 255)
MISSING_INK = (220, 40, 40)  # the target has ink, the output does not
EXTRA_INK = (70, 120, 230)  # the output has ink the target does not


def _check_image(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 2 or 0 in image.shape:
        raise ValueError(
            f"a glyph image must be a non-empty 2-D (height, width) array, not {image.shape}"
        )
    return image


def glyph_image(image: np.ndarray) -> QImage:
    """(height, width) in [0, 1] -> a greyscale QImage, one pixel per glyph pixel, ink dark."""
    image = _check_image(image)
    height, width = image.shape
    grey = np.rint(255.0 * (1.0 - np.clip(image, 0.0, 1.0))).astype(np.uint8)  # (h, w)
    # .copy() makes Qt own the pixels; the QImage must not point into a numpy buffer that may die.
    return QImage(grey.tobytes(), width, height, width, QImage.Format.Format_Grayscale8).copy()


def _scaled_pixmap(picture: QImage, scale: int) -> QPixmap:
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    size = picture.size() * scale
    return QPixmap.fromImage(
        picture.scaled(
            size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation
        )
    )


def glyph_pixmap(image: np.ndarray, scale: int) -> QPixmap:
    """The glyph with every pixel drawn as a `scale` x `scale` square (nearest neighbour)."""
    return _scaled_pixmap(glyph_image(image), scale)


def error_pixmap(output: np.ndarray, target: np.ndarray, scale: int) -> QPixmap:
    """Where a reconstruction is wrong: both images are thresholded at 0.5, then each pixel is
    coloured as correct ink, correct background, missing ink (red) or extra ink (blue)."""
    output, target = _check_image(output), _check_image(target)
    if output.shape != target.shape:
        raise ValueError(f"output {output.shape} and target {target.shape} differ in shape")
    height, width = target.shape
    out_ink, target_ink = output >= 0.5, target >= 0.5
    rgb = np.empty((height, width, 3), np.uint8)
    rgb[out_ink & target_ink] = CORRECT_INK
    rgb[~out_ink & ~target_ink] = CORRECT_BACKGROUND
    rgb[~out_ink & target_ink] = MISSING_INK
    rgb[out_ink & ~target_ink] = EXTRA_INK
    picture = QImage(rgb.tobytes(), width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    return _scaled_pixmap(picture, scale)
