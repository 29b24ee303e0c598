"""The size checks refuse what a file declares before anything is allocated."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from engine import limits
from engine.models import Autoencoder, VariationalAutoencoder


def test_parameter_count_matches_built_models():
    assert limits.parameter_count(35, (64, 32), 2) == Autoencoder(35, (64, 32), 2).params.size
    vae = VariationalAutoencoder(35, (30,), 3)
    assert limits.parameter_count(35, (30,), 3, "vae") == vae.params.size
    # Negative control: the AE formula does not fit the VAE (its encoder ends in 2 * latent).
    assert limits.parameter_count(35, (30,), 3, "ae") != vae.params.size


def test_huge_architecture_is_refused_by_its_sizes():
    with pytest.raises(limits.LimitError, match=r"m\.npz: a hidden layer is 100,000"):
        limits.check_architecture(4096, (100_000,), 3, "ae", "m.npz")
    with pytest.raises(limits.LimitError, match="number of parameters"):
        limits.check_architecture(4096, (16_000, 16_000), 3, "ae", "m.npz")
    assert limits.check_architecture(35, (64, 32), 2, "ae", "m.npz") == 8933


def test_memory_check_names_the_need_and_the_machine():
    limits.check_memory(1024, "a small thing")
    with pytest.raises(limits.LimitError, match=r"x: the set needs about .* GiB of memory"):
        limits.check_memory(10 * limits.machine_memory(), "the set", "x")


def test_deep_json_is_an_error_not_a_recursion_error():
    with pytest.raises(limits.LimitError, match="nested too deeply"):
        limits.loads_json("[" * 100_000, "f.json")
    with pytest.raises(limits.LimitError, match="nested too deeply"):
        limits.loads_json("[" * 40 + "]" * 40, "f.json")
    nested = limits.loads_json("[" * 20 + "]" * 20, "f.json")
    for _ in range(19):
        nested = nested[0]
    assert nested == []


def _npz_with_header(shape: tuple[int, ...]) -> bytes:
    """An npz whose one member declares `shape` but holds 10 float64s."""
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        npy, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    npy.write(np.zeros(10).tobytes())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("params.npy", npy.getvalue())
    return out.getvalue()


def test_npy_header_larger_than_the_member_is_refused():
    huge = r"'params' declares shape \(1000000000000,\)"
    with (
        zipfile.ZipFile(io.BytesIO(_npz_with_header((10**12,)))) as zf,
        pytest.raises(limits.LimitError, match=huge),
    ):
        limits.check_npz(zf, "m.npz")
    with zipfile.ZipFile(io.BytesIO(_npz_with_header((10,)))) as zf:
        assert limits.check_npz(zf, "m.npz") == {"params": ((10,), np.dtype("<f8"))}


def test_zip_member_sizes_come_from_the_directory():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("session.json", b" " * 2_000_000)  # deflates to a few KB
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        with pytest.raises(limits.LimitError, match=r"'session\.json' unpacks to 2 MiB"):
            limits.check_zip_member_sizes(zf, "s.session", limits={"session.json": 1_000_000})
        assert limits.check_zip_member_sizes(zf, "s.session") == 2_000_000


def test_a_glyph_text_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from engine.data.datasets import DatasetError, format_glyph_text, load_builtin, load_dataset

    file = tmp_path / "font.txt"
    file.write_text(format_glyph_text(load_builtin("font5x7")))
    assert len(load_dataset(str(file))) == 32  # control: under the limit it loads
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", file.stat().st_size - 1)
    monkeypatch.setattr("engine.data.datasets.read_text", lambda path: pytest.fail("read whole"))
    with pytest.raises(DatasetError, match=r"font\.txt: the file size in bytes is [\d,]+; at most"):
        load_dataset(str(file))
