"""Downloading the MNIST family, tested against a local HTTP server on 127.0.0.1 that serves
generated files: the tests never reach the internet."""

import functools
import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

import engine.cli.download_command
from engine.cli.commands import run_cli
from engine.data.datasets import load_dataset
from engine.data.download import (
    SOURCES,
    DownloadError,
    RemoteFile,
    Source,
    data_home,
    download,
)
from engine.data.idx import gzip_bytes, idx_bytes


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, *args):  # no lines on stderr
        pass

    def do_GET(self):
        self.requests.append(self.path)
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    """A thread serving tmp_path/www on a free loopback port; yields (base URL, folder, log)."""
    root = tmp_path / "www"
    root.mkdir()
    log: list[str] = []
    handler = functools.partial(type("H", (_QuietHandler,), {"requests": log}), directory=root)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", root, log
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _publish(root: Path, sub: str) -> tuple[RemoteFile, ...]:
    """Write a small MNIST-like pair under root/sub and describe it as a Source would."""
    folder = root / sub
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    contents = {
        "train-images-idx3-ubyte.gz": gzip_bytes(
            idx_bytes(rng.integers(0, 256, (30, 5, 4), dtype=np.uint8))
        ),
        "train-labels-idx1-ubyte.gz": gzip_bytes(idx_bytes(np.arange(30, dtype=np.uint8) % 10)),
    }
    files = []
    for name, data in contents.items():
        (folder / name).write_bytes(data)
        files.append(RemoteFile(name, len(data), hashlib.sha256(data).hexdigest()))
    return tuple(files)


def _source(base: str, files, folder="fashion-mnist", mirrors=("good/",)) -> Source:
    return Source("test", folder, tuple(base + m for m in mirrors), files)


def test_download_checks_caches_and_reports_progress(server, tmp_path):
    base, root, log = server
    source = _source(base, _publish(root, "good"))
    seen = []
    folder = download(source, tmp_path / "cache", lambda *a: seen.append(a))
    assert folder == tmp_path / "cache" / "fashion-mnist"
    for remote in source.files:
        assert (folder / remote.name).read_bytes() == (root / "good" / remote.name).read_bytes()
    last = {name: (done, total) for name, done, total in seen}
    assert all(done == total for done, total in last.values())
    assert len(log) == 2
    data = load_dataset(str(folder / "train-images-idx3-ubyte.gz"))
    assert len(data) == 30 and data.labels[1] == "Trouser"  # the folder names the classes
    download(source, tmp_path / "cache")  # cached and checked: no new request
    assert len(log) == 2
    (folder / source.files[1].name).write_bytes(b"tampered")  # a bad cached file is fetched again
    download(source, tmp_path / "cache")
    assert len(log) == 3


def test_a_wrong_checksum_leaves_nothing_behind(server, tmp_path):
    base, root, _ = server
    files = _publish(root, "good")
    wrong = (RemoteFile(files[0].name, files[0].size, "0" * 64), files[1])
    with pytest.raises(DownloadError, match="SHA-256") as info:
        download(_source(base, wrong), tmp_path / "cache")
    assert files[0].name in str(info.value)
    assert list((tmp_path / "cache" / "fashion-mnist").iterdir()) == []  # no partial, no temp file


def test_a_short_or_long_file_is_refused(server, tmp_path):
    base, root, _ = server
    files = _publish(root, "good")
    for size, detail in ((files[0].size + 5, "ended after"), (files[0].size - 5, "more than")):
        resized = (RemoteFile(files[0].name, size, files[0].sha256),)
        with pytest.raises(DownloadError, match=detail):
            download(_source(base, resized), tmp_path / "cache")


def test_mirrors_are_tried_in_order(server, tmp_path):
    base, root, log = server
    files = _publish(root, "second")
    folder = download(_source(base, files, mirrors=("missing/", "second/")), tmp_path / "c")
    assert (folder / files[0].name).is_file()
    assert log[:2] == ["/missing/train-images-idx3-ubyte.gz", "/second/train-images-idx3-ubyte.gz"]
    with pytest.raises(DownloadError, match="no mirror gave the file"):
        download(_source(base, files, mirrors=("missing/",)), tmp_path / "d")


def test_download_command(server, tmp_path, monkeypatch, capsys):
    base, root, _ = server
    source = _source(base, _publish(root, "good"), folder="mnist")
    monkeypatch.setitem(engine.cli.download_command.SOURCES, "mnist", source)
    assert run_cli(["download", "mnist", "--cache", str(tmp_path / "cache"), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(tmp_path / "cache" / "mnist")
    assert "train --data" in err
    bad = _source(base, (RemoteFile("nothing.gz", 3, "0" * 64),))
    monkeypatch.setitem(engine.cli.download_command.SOURCES, "mnist", bad)
    assert run_cli(["download", "mnist", "--cache", str(tmp_path / "cache"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: nothing.gz") and err.count("\n") == 1
    (tmp_path / "file").write_text("")
    assert run_cli(["download", "mnist", "--cache", str(tmp_path / "file")]) == 2
    assert "--cache" in capsys.readouterr().err


def test_the_real_sources_are_complete():
    """Every file of the real sets has a size and a well-formed SHA-256; mirrors end in '/'."""
    for source in SOURCES.values():
        assert [f.name.split("-")[0] for f in source.files] == ["train", "train", "t10k", "t10k"]
        assert all(len(f.sha256) == 64 and int(f.sha256, 16) >= 0 for f in source.files)
        assert all(m.endswith("/") for m in source.mirrors)
    assert "fashion" in SOURCES["fashion-mnist"].folder


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {"HOME": "/h", "XDG_DATA_HOME": "/x"}, "/x/autoencoder-lab"),
        ("linux", {"HOME": "/h", "XDG_DATA_HOME": "relative"}, "/h/.local/share/autoencoder-lab"),
        ("linux", {"HOME": "/h"}, "/h/.local/share/autoencoder-lab"),
        ("darwin", {"HOME": "/h"}, "/h/Library/Application Support/autoencoder-lab"),
        ("win32", {"HOME": "/h", "APPDATA": "/roaming"}, "/roaming/autoencoder-lab"),
    ],
)
def test_data_home_per_platform(platform, environ, expected):
    assert data_home(environ, platform) == Path(expected)
