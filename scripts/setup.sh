#!/usr/bin/env bash
# setup.sh — make this checkout ready to run: Qt's system libraries (Debian/Ubuntu, when missing)
# and a virtual environment in .venv with the app and its test tools.
# Idempotent: a second run takes about a second. Usage: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Libraries PySide6 needs on a bare Debian 12 (offscreen and a real X11 window), and a font:
# without one Qt draws every character as an empty box.
PKGS=(libgl1 libegl1 libxkbcommon0 libfontconfig1 fonts-dejavu-core libglib2.0-0 libdbus-1-3
      libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
      libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 libx11-xcb1
      librsvg2-bin)  # rsvg-convert: the tests draw every SVG export with librsvg too
PY="${PYTHON:-python3}"
if command -v dpkg-query >/dev/null 2>&1; then
  # Debian's own python3 needs python3-venv before `python3 -m venv` works.
  "$PY" -c "import ensurepip, venv" 2>/dev/null || PKGS+=(python3-venv)
  missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last successful install.
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
  rm -f .venv/.installed-*; touch "$stamp"
fi
