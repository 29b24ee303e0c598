"""File > Download MNIST / Fashion-MNIST… mid-download: a synthetic 20,000-image MNIST-like pair
served slowly (a 64 KB piece a second) by a loopback HTTP server, as the tests serve files."""

import functools
import hashlib
import http.server
import sys
import tempfile
import threading
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.mnist import synthetic_mnist
from engine.data.download import SOURCES, RemoteFile, Source
from gui.main_window import MainWindow


class SlowHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def copyfile(self, source, outputfile) -> None:
        while block := source.read(1 << 16):
            outputfile.write(block)
            time.sleep(1.0)


root = Path(tempfile.mkdtemp())
synthetic_mnist(root, 20000, seed=1)
files = []
for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
    data = (root / name).read_bytes()
    files.append(RemoteFile(name, len(data), hashlib.sha256(data).hexdigest()))
handler = functools.partial(SlowHandler, directory=str(root))
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
mirror = f"http://127.0.0.1:{httpd.server_address[1]}/"

app = QApplication(sys.argv)
win = MainWindow(QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat))
win.resize(1280, 800)
win.show()
win.downloads.sources = {
    "mnist": Source("mnist", "mnist", (mirror,), tuple(files)),
    "fashion-mnist": SOURCES["fashion-mnist"],
}
win.downloads.cache = root / "cache"


def start() -> None:
    win.downloads.action.trigger()
    win.downloads.dialog.download_button.click()


QTimer.singleShot(1000, start)
app.exec()
