"""Each glyph set's training settings, remembered between launches in QSettings.

A set keeps its own settings (the 5x7 font and the 1797 digits want different models), stored as
JSON under `training/<set name>`. Apart from the RunController because it is plain reading and
writing of a value, not run state: a damaged or missing entry falls back to the set's defaults.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings

from gui.run.run_settings import RunSettings, default_settings, sized_settings


def stored_settings(store: QSettings | None, set_name: str, n_images: int) -> RunSettings:
    """The settings last used with `set_name`, or its defaults (no store, nothing stored), with
    the preset for its `n_images` images in every preset field not set by hand (an entry from
    before the window tracked hand edits gets the whole preset)."""
    defaults = default_settings(set_name, n_images)
    if store is None:
        return defaults
    text = store.value(f"training/{set_name}", "")
    try:
        data = json.loads(text) if isinstance(text, str) and text else {}
    except json.JSONDecodeError:
        data = {}
    if not isinstance(data, dict):
        return defaults
    return sized_settings(RunSettings.from_dict(data, base=defaults), n_images)


def store_settings(store: QSettings | None, set_name: str, settings: RunSettings) -> None:
    """Remember `settings` for `set_name` (nothing without a store: tests, a fresh window)."""
    if store is not None:
        text = json.dumps(settings.to_dict())
        store.setValue(f"training/{set_name}", text)
