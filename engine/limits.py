"""Every size limit in one place, and the checks that apply them before anything is allocated.

A hostile or damaged file can declare sizes far beyond what it holds (a 2 KB model that declares
a 100000-wide layer, an npz member whose header says 10^12 floats, a 3 MB zip that inflates to
3 GB). Readers call these checks with the declared sizes first, so a refusal costs nothing and
says which limit was hit. Each check raises `error` (default `LimitError`, a ValueError) with one
sentence that starts with `where` (usually the file name). docs/limits.md lists the limits.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import zipfile
import zlib
from collections.abc import Iterable
from typing import IO, Any

import numpy as np

# --- data sets -------------------------------------------------------------------------------
MAX_SIDE = 64  # widest and tallest glyph: the models and the editor are for small glyphs
MAX_GLYPHS = 1_000_000  # images in one set
MAX_DATASET_VALUES = 256 * 1024**2  # pixels in a whole set (1 GiB as float32)
MAX_JSON_BYTES = 1024**3  # a JSON set file (read glyph by glyph)
MAX_TEXT_BYTES = 64 * 1024**2  # a .txt glyph file (read whole: the format is for readable sets)
MAX_SESSION_JSON_BYTES = 256 * 1024**2  # a session's session.json (decoded whole)
MAX_JSON_DEPTH = 32  # nesting of any JSON we read (our formats need at most 6)
MAX_LABEL_CHARS = 1000  # one glyph label
MAX_IMAGE_PIXELS = 64 * 1024**2  # a picture imported in the window (its header is read first)

# --- models ------------------------------------------------------------------------------------
MAX_LAYER_WIDTH = 65_536  # any hidden layer or the latent size
MAX_HIDDEN_LAYERS = 32
MAX_PARAMETERS = 64 * 1024**2  # weights and biases of one model (256 MiB as float32)
MAX_EPOCHS = 100_000_000
# A run has diverged when its loss is this many times its lowest (and above where it started),
# or when a weight grows past MAX_WEIGHT; it stops with the best weights kept.
DIVERGENCE_FACTOR = 1e3
MAX_WEIGHT = 1e6

# --- archives (sessions, npz models) ------------------------------------------------------------
MAX_ZIP_MEMBERS = 64
MAX_ZIP_MEMBER_BYTES = 4 * 1024**3  # any one member, uncompressed

# --- flags ---------------------------------------------------------------------------------------
MAX_SEED = 2**63 - 1
MAX_NOISE_COPIES = 1024
MAX_REPEATS = 100_000
MAX_GRID = 100  # generate: points per side
MAX_SCALE = 32  # generate: screen pixels per image pixel
MAX_SHEET_PIXELS = 16 * 1024**2  # generate: pixels of the PNG sheet (4096 x 4096)
MAX_LATENT_RANGE = 1e6  # generate: |LOW| and |HIGH| of the latent axes

# --- memory --------------------------------------------------------------------------------------
MEMORY_FRACTION = 0.5  # one allocation plan may use at most this share of the machine's memory


class LimitError(ValueError):
    """An input larger than a stated limit; the message names the file or flag and the limit."""


def gib(nbytes: float) -> str:
    """Bytes as a person reads them: '1.5 GiB', '300 MiB'."""
    if nbytes >= 1024**3:
        return f"{nbytes / 1024**3:.1f} GiB"
    return f"{nbytes / 1024**2:.0f} MiB"


def machine_memory() -> int:
    """Bytes this process may use: the physical memory, or less under an address-space limit."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        total = _meminfo_total()
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY and soft > 0:
        total = min(total, soft)
    return total


def _meminfo_total() -> int:
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 8 * 1024**3  # nothing to read: assume a small machine


def memory_budget() -> int:
    """Bytes one allocation plan (loading a set, one training batch) may take."""
    return int(machine_memory() * MEMORY_FRACTION)


def check_memory(
    nbytes: float, what: str, where: str = "", error: type[ValueError] = LimitError
) -> None:
    """Refuse a plan that needs more than `memory_budget()`; `what` says what needs it."""
    budget = memory_budget()
    if nbytes > budget:
        prefix = f"{where}: " if where else ""
        raise error(
            f"{prefix}{what} needs about {gib(nbytes)} of memory; this machine has "
            f"{gib(machine_memory())} and one task may use at most {gib(budget)}"
        )


def check_count(
    value: int, limit: int, what: str, where: str, error: type[ValueError] = LimitError
) -> None:
    """`value` is at most `limit`, else one sentence naming `what` and the limit."""
    if value > limit:
        raise error(f"{where}: {what} is {value:,}; at most {limit:,} is accepted")


# --- models ------------------------------------------------------------------------------------
def parameter_count(n_inputs: int, hidden: Iterable[int], latent: int, kind: str = "ae") -> int:
    """Weights and biases of an autoencoder, from its sizes alone (nothing is allocated)."""
    sizes = [int(h) for h in hidden]
    encoder = [n_inputs, *sizes, 2 * latent if kind == "vae" else latent]
    decoder = [latent, *reversed(sizes), n_inputs]
    return sum((a + 1) * b for layers in (encoder, decoder) for a, b in itertools.pairwise(layers))


def check_architecture(
    n_inputs: int,
    hidden: Iterable[int],
    latent: int,
    kind: str,
    where: str,
    error: type[ValueError] = LimitError,
    itemsize: int = 4,
) -> int:
    """Sizes and parameter count of a model before it is built; returns the parameter count.

    Training holds about five copies of the parameters (weights, gradients, best weights and
    two optimizer moments); that is what the memory check counts.
    """
    sizes = list(hidden)
    check_count(len(sizes), MAX_HIDDEN_LAYERS, "the number of hidden layers", where, error)
    for what, value in (("the latent size", latent), *(("a hidden layer", h) for h in sizes)):
        check_count(value, MAX_LAYER_WIDTH, what, where, error)
    count = parameter_count(n_inputs, sizes, latent, kind)
    check_count(count, MAX_PARAMETERS, "the number of parameters", where, error)
    check_memory(5 * count * itemsize, f"a model of {count:,} parameters", where, error)
    return count


def batch_bytes(rows: int, layer_sizes: Iterable[int], itemsize: int) -> int:
    """Memory of one training step on `rows` images: the forward and backward work arrays of
    every layer and a dozen image-sized ones (measured: a full-batch epoch of 5000 64x64 images
    peaked at 11x their float32 size)."""
    sizes = list(layer_sizes)
    return rows * (12 * sizes[0] + 3 * sum(sizes)) * itemsize


def fit_batch(
    batch_size: int, rows: int, layer_sizes: Iterable[int], itemsize: int
) -> tuple[int, str]:
    """The batch size to train with, and a sentence when it had to change: a full batch (0 or
    >= rows) whose step would not fit `memory_budget()` falls back to the largest power-of-two
    minibatch that fits a quarter of it (at most 4096 rows)."""
    sizes = list(layer_sizes)
    full = batch_size <= 0 or batch_size >= rows
    need = batch_bytes(rows if full else batch_size, sizes, itemsize)
    budget = memory_budget()
    if not full or need <= budget:
        return batch_size, ""
    fit = 4096
    while fit > 1 and batch_bytes(fit, sizes, itemsize) > budget // 4:
        fit //= 2
    return fit, (
        f"The full set ({rows:,} images) would need about {gib(need)} in one batch, more than "
        f"the {gib(budget)} one task may use here; training in minibatches of {fit:,} instead."
    )


# --- JSON --------------------------------------------------------------------------------------
def loads_json(text: str | bytes, where: str, error: type[ValueError] = LimitError) -> Any:
    """json.loads that turns too-deep nesting into `error` instead of RecursionError.

    JSONDecodeError (a ValueError) passes through, so callers can report its line and column.
    """
    try:
        obj = json.loads(text)
    except RecursionError:
        raise error(
            f"{where}: the JSON is nested too deeply (more than {MAX_JSON_DEPTH} levels)"
        ) from None
    check_json_depth(obj, where, error)
    return obj


def check_json_depth(
    obj: object, where: str, error: type[ValueError] = LimitError, limit: int = MAX_JSON_DEPTH
) -> None:
    """Walk `obj` without recursion and refuse nesting deeper than `limit`.

    Lists whose first item is not a container are taken as rows of numbers or strings and not
    walked item by item, so the walk costs little even on a large data set; a container hidden
    later in such a row is caught by the field checks of the reader, which see every item.
    """
    stack: list[tuple[object, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            raise error(f"{where}: the JSON is nested too deeply (more than {limit} levels)")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list) and value and isinstance(value[0], (list, dict)):
            stack.extend((v, depth + 1) for v in value)


# --- zip archives and npy members ---------------------------------------------------------------
def check_zip_member_sizes(
    archive: zipfile.ZipFile,
    where: str,
    error: type[ValueError] = LimitError,
    limits: dict[str, int] | None = None,
) -> int:
    """Refuse an archive whose directory declares too many members or too many bytes.

    The sizes come from the zip's directory, so nothing is inflated; zipfile never inflates a
    member past its declared size, so the check bounds what reading can cost. `limits` may give
    a smaller cap per member name. Returns the total declared bytes.
    """
    members = archive.infolist()
    check_count(len(members), MAX_ZIP_MEMBERS, "the number of archive members", where, error)
    total = 0
    for info in members:
        cap = (limits or {}).get(info.filename, MAX_ZIP_MEMBER_BYTES)
        if info.file_size > cap:
            raise error(
                f"{where}: the member {info.filename!r} unpacks to {gib(info.file_size)}; "
                f"at most {gib(cap)} is accepted"
            )
        total += info.file_size
    check_memory(total, "unpacking the archive", where, error)
    return total


def check_npy_header(
    member: IO[bytes], size: int, name: str, where: str, error: type[ValueError] = LimitError
) -> tuple[tuple[int, ...], np.dtype]:
    """Read an npy member's header without its data; refuse a shape the member cannot hold.

    `member` is positioned at the start of the member, `size` is its declared byte count. The
    header's shape times the item size must fit in what follows the header; object arrays
    (pickles) are refused. Returns (shape, dtype); the member is left after the header.
    """
    fmt = np.lib.format
    try:
        version = fmt.read_magic(member)
        if version == (1, 0):
            shape, _fortran, dtype = fmt.read_array_header_1_0(member)
        elif version in ((2, 0), (3, 0)):
            shape, _fortran, dtype = fmt.read_array_header_2_0(member)
        else:
            raise ValueError(f"npy version {version}")
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise error(f"{where}: the array {name!r} has a damaged header ({exc})") from None
    if dtype.hasobject:
        raise error(f"{where}: the array {name!r} holds Python objects; they are never loaded")
    header_end = member.tell()  # numpy refuses headers over 10,000 bytes itself
    count = 1
    for dim in shape:
        count *= int(dim)
    nbytes = count * dtype.itemsize
    if nbytes > size - header_end:
        raise error(
            f"{where}: the array {name!r} declares shape {shape} ({gib(nbytes)}) but the file "
            f"holds {gib(max(size - header_end, 0))}"
        )
    return tuple(int(d) for d in shape), dtype


def check_npz(
    archive: zipfile.ZipFile, where: str, error: type[ValueError] = LimitError
) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Every member of an npz: sizes from the directory, then each npy header read alone.

    Returns {array name: (shape, dtype)}; after this np.load allocates only what the file holds.
    """
    check_zip_member_sizes(archive, where, error)
    found: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    for info in archive.infolist():
        name = info.filename.removesuffix(".npy")
        try:
            with archive.open(info) as member:
                found[name] = check_npy_header(member, info.file_size, name, where, error)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
                RuntimeError) as exc:  # fmt: skip
            raise error(f"{where}: the array {name!r} is damaged ({exc})") from None
    return found
