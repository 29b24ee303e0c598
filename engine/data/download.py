"""Download MNIST and Fashion-MNIST once, check them, and keep them in the user's data folder.

Each file has a known size and SHA-256 sum; a download is streamed to a temporary file beside its
target, hashed on the way, and renamed into place only when size and sum match, so the cache
never holds a partial or altered file. A cached file is hashed again before it is trusted.
Mirrors are tried in order. The sums are the ones published with the sets (Zalando's
Fashion-MNIST README) and used by TensorFlow Datasets and torchvision for MNIST.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.data.dataset import DatasetError

APP_FOLDER = "autoencoder-lab"
CHUNK = 1 << 16  # bytes read at a time
TIMEOUT = 30.0  # seconds without data before a mirror counts as failed

Progress = Callable[[str, int, int], None]  # (file name, bytes so far, bytes in all)


class DownloadError(DatasetError):
    """No mirror gave a file with the expected size and checksum; the message says why."""


class DownloadCancelled(Exception):
    """Raised by a progress callback to stop a download: no other mirror is tried and the
    partial file is removed (the window's Cancel button)."""


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int  # bytes
    sha256: str


@dataclass(frozen=True)
class Source:
    """A data set published as files under one folder URL, on one or more mirrors."""

    key: str
    folder: str  # the cache subfolder; "fashion" in it makes the IDX reader name the classes
    mirrors: tuple[str, ...]  # folder URLs ending in "/"
    files: tuple[RemoteFile, ...]

    @property
    def train_images(self) -> str:
        return self.files[0].name


SOURCES = {
    "mnist": Source(
        "mnist",
        "mnist",
        (
            "https://ossci-datasets.s3.amazonaws.com/mnist/",  # PyTorch's mirror
            "https://storage.googleapis.com/cvdf-datasets/mnist/",  # TensorFlow's mirror
        ),
        (
            RemoteFile(
                "train-images-idx3-ubyte.gz",
                9_912_422,
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            ),
            RemoteFile(
                "train-labels-idx1-ubyte.gz",
                28_881,
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            ),
            RemoteFile(
                "t10k-images-idx3-ubyte.gz",
                1_648_877,
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            ),
            RemoteFile(
                "t10k-labels-idx1-ubyte.gz",
                4_542,
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            ),
        ),
    ),
    "fashion-mnist": Source(
        "fashion-mnist",
        "fashion-mnist",
        (
            "https://fashion-mnist.s3.eu-central-1.amazonaws.com/",
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # the README's link
        ),
        (
            RemoteFile(
                "train-images-idx3-ubyte.gz",
                26_421_880,
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            ),
            RemoteFile(
                "train-labels-idx1-ubyte.gz",
                29_515,
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            ),
            RemoteFile(
                "t10k-images-idx3-ubyte.gz",
                4_422_102,
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            ),
            RemoteFile(
                "t10k-labels-idx1-ubyte.gz",
                5_148,
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            ),
        ),
    ),
}


def data_home(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """Where downloaded sets live: $XDG_DATA_HOME (else ~/.local/share) on Linux,
    ~/Library/Application Support on macOS, %APPDATA% on Windows; then autoencoder-lab/."""
    home = Path(environ.get("HOME") or Path.home())
    if platform == "win32":
        base = Path(environ["APPDATA"]) if environ.get("APPDATA") else home / "AppData" / "Roaming"
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"  # the XDG rule
    return base / APP_FOLDER


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def download(source: Source, cache: Path | None = None, progress: Progress | None = None) -> Path:
    """Every file of `source` in `cache`/folder (default: data_home()/datasets), fetched only if
    missing or not matching its checksum. Returns the folder. `progress` may raise
    DownloadCancelled to stop: the files checked so far stay, the partial one is removed."""
    folder = (cache or data_home() / "datasets") / source.folder
    folder.mkdir(parents=True, exist_ok=True)
    for remote in source.files:
        target = folder / remote.name
        if target.is_file() and sha256_of(target) == remote.sha256:
            if progress is not None:
                progress(remote.name, remote.size, remote.size)
            continue
        failures = []
        for mirror in source.mirrors:
            try:
                _fetch(mirror + remote.name, remote, target, progress)
                break
            except DownloadError as error:
                failures.append(str(error))
        else:
            raise DownloadError(f"{remote.name}: no mirror gave the file: {'; '.join(failures)}")
    return folder


def _fetch(url: str, remote: RemoteFile, target: Path, progress: Progress | None) -> None:
    """Stream `url` into a temporary file beside `target`; rename it there only if it checks."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        digest, done = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            while block := response.read(CHUNK):
                done += len(block)
                if done > remote.size:
                    raise DownloadError(f"{url} sends more than the {remote.size:,} bytes expected")
                digest.update(block)
                out.write(block)
                if progress is not None:
                    progress(remote.name, done, remote.size)
            out.flush()
            os.fsync(out.fileno())
        if done != remote.size:
            raise DownloadError(f"{url} ended after {done:,} of {remote.size:,} bytes")
        if digest.hexdigest() != remote.sha256:
            raise DownloadError(f"{url} does not match its SHA-256 checksum")
        os.replace(tmp, target)
    except DownloadError:
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error  # HTTPError: "Not Found"
        raise DownloadError(f"{url}: {reason}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
