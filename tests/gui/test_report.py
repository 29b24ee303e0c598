"""`python main.py report --quick`: every figure, the numbers table and the sweep CSV, offscreen."""

from __future__ import annotations

import csv
import re
import struct
from pathlib import Path

from gui.report.build import run_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIGURES = (
    "ae_reconstructions.png",
    "ae_latent.png",
    "dae_salt_pepper.png",
    "dae_gaussian.png",
    "emoji_set.png",
    "vae_grid.png",
    "sweep_salt_pepper.png",
    "sweep_bitflip.png",
    "sweep_gaussian.png",
)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, path.name
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_quick_report_writes_every_figure_and_the_numbers(qapp, tmp_path, capsys):
    out = tmp_path / "report"
    assert run_report(["--out", str(out), "--quick"]) == 0
    for name in FIGURES:
        width, height = png_size(out / name)
        assert 300 <= width <= 3000 and 150 <= height <= 3000, (name, width, height)
        assert (out / name).stat().st_size > 2000, name  # not an empty picture

    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| what | course | bar (issue 2) | measured | holds |" in report
    for what in ("font AE", "salt-pepper 0.1", "salt-pepper 0.2", "bitflip 0.1", "gaussian 0.3"):
        assert what in report
    assert re.search(
        r"\| font AE: wrong pixels per glyph \(worst\) \| at most 1 \| 0 \| \d+", report
    )
    assert "distinct images in the 10x10 grid" in report
    assert re.search(r"quieter latent axis / the busier one .* \| \d\.\d\d \(z1 0\.\d+", report)
    for name in FIGURES:
        assert f"]({name})" in report, name
    assert "](sweep.csv)" in report
    assert "python main.py report --out" in report and "--quick" in report

    with (out / "sweep.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["method"] for r in rows} == {"DAE", "AE", "PCA", "Bayes bound"}
    assert {r["kind"] for r in rows} == {"salt-pepper", "bitflip", "gaussian"}
    assert all(float(r["mean_wrong_pixels"]) >= 0 for r in rows)

    err = capsys.readouterr().err
    assert "drawing the figures" in err and "Traceback" not in err
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_output_under_a_regular_file_is_one_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    assert run_report(["--out", str(blocker / "report"), "--quick"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_out_is_a_usage_error(capsys):
    assert run_report(["--quick"]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and err.count("\n") == 1
