"""`main.py download mnist|fashion-mnist`: fetch a set once into the user's data folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.data.download import SOURCES, data_home, download


def add_download_parser(sub: argparse._SubParsersAction) -> None:
    dl = sub.add_parser(
        "download",
        help="download MNIST or Fashion-MNIST (checked by SHA-256) into the data folder",
    )
    dl.add_argument("name", choices=sorted(SOURCES), help="the set to download")
    dl.add_argument(
        "--cache", help=f"folder to keep the sets in (default {data_home() / 'datasets'})"
    )
    dl.add_argument("--quiet", action="store_true", help="no progress bar")


class ByteBar:
    """A one-line progress bar on stderr per file: name, bar, megabytes."""

    def __init__(self) -> None:
        self.name = ""

    def __call__(self, name: str, done: int, total: int) -> None:
        if name != self.name and self.name:
            sys.stderr.write("\n")
        self.name = name
        filled = int(30 * done / max(total, 1))
        sys.stderr.write(
            f"\r{name:28} [{'#' * filled}{'-' * (30 - filled)}] "
            f"{done / 1e6:6.1f} of {total / 1e6:.1f} MB"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.name:
            sys.stderr.write("\n")


def cmd_download(args: argparse.Namespace) -> int:
    source = SOURCES[args.name]
    bar = None if args.quiet or not sys.stderr.isatty() else ByteBar()
    try:
        folder = download(source, Path(args.cache) if args.cache else None, bar)
    finally:
        if bar:
            bar.close()
    images = folder / source.train_images
    sys.stderr.write(
        f"{args.name} is in {folder}. Train on it with: python main.py train --data {images}\n"
    )
    sys.stdout.write(f"{folder}\n")
    return 0
