"""File > Download MNIST / Fashion-MNIST… against a local HTTP server on 127.0.0.1 serving
generated files (never the internet): progress, the set opened in the window when done; Cancel
leaves no partial file; a wrong checksum is one sentence."""

import functools
import hashlib
import http.server
import threading
import time

import pytest
from PySide6.QtCore import Qt

from benchmarks.mnist import synthetic_mnist
from engine.data.download import RemoteFile, Source

TIMEOUT = 10_000
N_IMAGES = 300  # few: the point is the way in, not the size


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files; `delay` seconds between 64 KB pieces, so a test can cancel midway."""

    delay = 0.0

    def log_message(self, *args):  # no lines on stderr
        pass

    def copyfile(self, source, outputfile):
        while block := source.read(1 << 16):
            outputfile.write(block)
            time.sleep(self.delay)


def _describe(folder) -> tuple[RemoteFile, ...]:
    files = []
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        data = (folder / name).read_bytes()
        files.append(RemoteFile(name, len(data), hashlib.sha256(data).hexdigest()))
    return tuple(files)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A synthetic MNIST-like IDX pair under www/good/, described as a Source would."""
    root = tmp_path_factory.mktemp("www")
    (root / "good").mkdir()
    synthetic_mnist(root / "good", N_IMAGES, seed=3)
    return root, _describe(root / "good")


@pytest.fixture(scope="module")
def large(published):
    """Under www/large/: a 1 MB file (many of the engine's 64 KB reads) named as the images."""
    root, _ = published
    (root / "large").mkdir()
    (root / "large" / "train-images-idx3-ubyte.gz").write_bytes(bytes(range(256)) * 4096)
    (root / "large" / "train-labels-idx1-ubyte.gz").write_bytes(b"labels")
    return _describe(root / "large")


@pytest.fixture
def serve(published):
    """Start a loopback server over the published files with a given delay per piece."""
    servers = []

    def start(delay: float = 0.0, folder: str = "good") -> str:
        root, _ = published
        handler = functools.partial(type("H", (_Handler,), {"delay": delay}), directory=str(root))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        servers.append((httpd, thread))
        return f"http://127.0.0.1:{httpd.server_address[1]}/{folder}/"

    yield start
    for httpd, thread in servers:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def win(make_window):
    window = make_window()
    window.data_panel._show_error = lambda *message: window.errors.append(message)
    return window


def _dialog(win, tmp_path, mirror: str, files):
    """File > Download… with the test's server as the only mirror and tmp_path as the cache."""
    win.downloads.sources = {"mnist": Source("mnist", "mnist", (mirror,), files)}
    win.downloads.cache = tmp_path / "cache"
    file_menu = win.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text().startswith("&Download MNIST"))
    action.trigger()
    dialog = win.downloads.dialog
    assert dialog.isVisible()
    return dialog


def test_the_download_shows_progress_and_opens_the_set(qtbot, win, serve, published, tmp_path):
    dialog = _dialog(win, tmp_path, serve(), published[1])
    assert "2 files" in dialog.about_label.text() and "SHA-256" in dialog.about_label.text()
    seen = []
    dialog.progress_bar.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dialog.downloaded, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    assert any(0 < v < dialog.progress_bar.maximum() for v in seen)  # it moved on the way
    assert seen[-1] == dialog.progress_bar.maximum()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(win.glyph_set) == N_IMAGES  # opened through File > Open's own path
    assert win.glyph_set.width == win.glyph_set.height == 28
    assert win.errors == []
    cached = tmp_path / "cache" / "mnist"
    assert sorted(p.name for p in cached.iterdir()) == sorted(f.name for f in published[1])


def test_cancel_leaves_no_partial_file(qtbot, win, serve, large, tmp_path):
    dialog = _dialog(win, tmp_path, serve(delay=0.05, folder="large"), large)
    started = []
    dialog.progress_bar.valueChanged.connect(started.append)
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(v > 0 for v in started), timeout=TIMEOUT)
    assert dialog.is_downloading and max(started) < dialog.progress_bar.maximum() / 2
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_downloading, timeout=TIMEOUT)
    assert dialog.status_label.text() == "Cancelled: no partial file was kept."
    assert dialog.isVisible() and dialog.download_button.isEnabled()
    assert list((tmp_path / "cache" / "mnist").iterdir()) == []  # no partial, no temp file
    assert win.glyph_set.name == "font5x7"  # nothing opened
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # now it closes
    assert not dialog.isVisible()


def test_a_wrong_checksum_is_one_sentence(qtbot, win, serve, published, tmp_path):
    images, labels = published[1]
    wrong = (RemoteFile(images.name, images.size, "0" * 64), labels)
    dialog = _dialog(win, tmp_path, serve(), wrong)
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_downloading, timeout=TIMEOUT)
    text = dialog.status_label.text()
    assert text.startswith("The download failed: ") and "SHA-256" in text
    assert text.endswith(".") and "\n" not in text
    assert list((tmp_path / "cache" / "mnist").iterdir()) == []
    assert win.glyph_set.name == "font5x7"  # negative control: nothing opened
    dialog.reject()
