"""Is there a screen for the window? Asked before Qt loads.

On Linux (and the BSDs) without an X server or a Wayland compositor, Qt picks its xcb plugin,
fails, and aborts the process (exit 134) with a note about `libxcb-cursor0` that sends people
installing packages they already have. macOS and Windows always have a screen; a set
`QT_QPA_PLATFORM` (offscreen, vnc, eglfs...) is the user's own choice and is left to Qt.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

# Any of these set and non-empty means a display server to talk to.
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET")
NO_DISPLAY = (
    "no display was found (neither DISPLAY nor WAYLAND_DISPLAY is set): to open the window, run "
    "it under `xvfb-run -a`, or use the commands (see --help), which need none"
)


def missing_display_message(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """The sentence to print when the window cannot open here, or None when it can (or when
    Qt is told what to use)."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform in ("darwin", "win32", "cygwin") or env.get("QT_QPA_PLATFORM"):
        return None
    if any(env.get(name) for name in DISPLAY_VARIABLES):
        return None
    return NO_DISPLAY
