"""Data sets: the built-in glyphs, both file formats, and error messages a user can act on."""

import copy
import importlib.resources
import json
import subprocess
import sys
import types

import numpy as np
import pytest

from engine.data import datasets
from engine.data.dataset_json import dataset_from_json, dataset_to_json, load_json, save_json
from engine.data.datasets import (
    BUILTIN_DATASETS,
    Dataset,
    DatasetError,
    format_glyph_text,
    load_builtin,
    load_dataset,
    parse_glyph_text,
)

FONT_LABELS = ["`", *"abcdefghijklmnopqrstuvwxyz", "{", "|", "}", "~", "DEL"]


def min_pair_distance(images: np.ndarray) -> int:
    """Fewest differing pixels between any two images (n, pixels)."""
    diff = (images[:, None, :] != images[None, :, :]).sum(axis=-1)  # (n, n)
    np.fill_diagonal(diff, images.shape[1] + 1)
    return int(diff.min())


def grey_set(seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    images = rng.random((20, 9 * 7), dtype=np.float32)  # (n, height*width)
    images[0, :3] = [0.0, 1.0, 1e-8]
    return Dataset("grey", 7, 9, tuple(f"g{i}" for i in range(20)), images)


# ---- built-in sets ------------------------------------------------------------------------------


def test_font5x7_is_the_32_characters_from_backtick_to_del():
    font = load_builtin("font5x7")
    assert (font.width, font.height, len(font)) == (5, 7, 32)
    assert list(font.labels) == FONT_LABELS
    assert font.binary
    assert min_pair_distance(font.images) >= 1, "two glyphs are identical"
    assert font.images[font.labels.index("DEL")].sum() == 35
    a = font.image(font.labels.index("a"))  # top row first: blank on top, the bowl at the bottom
    assert a[0].sum() == 0
    assert a[6].tolist() == [0, 1, 1, 1, 1]


def test_emoji12x12_is_a_varied_binary_set():
    emoji = load_builtin("emoji12x12")
    assert (emoji.width, emoji.height) == (12, 12)
    assert len(emoji) >= 24
    assert len(set(emoji.labels)) == len(emoji)
    assert emoji.binary
    assert min_pair_distance(emoji.images) >= 3


def test_emoji_faces_share_one_outline():
    emoji = load_builtin("emoji12x12")
    border = np.zeros((12, 12), bool)  # the outermost ring of the round face outline
    border[[0, 11], 4:8] = border[4:8, [0, 11]] = True
    faces = [emoji.image(i) for i in range(len(emoji))]
    sharing = [img for img in faces if img[border].all()]
    assert len(sharing) >= 12


def test_digits_are_sklearns_scaled_to_unit_range():
    digits = load_builtin("digits")
    assert digits.images.shape == (1797, 64)
    assert (digits.width, digits.height) == (8, 8)
    assert digits.images.min() == 0.0
    assert digits.images.max() == 1.0
    assert not digits.binary
    counts = [digits.labels.count(str(k)) for k in range(10)]
    assert counts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert digits.image(0)[0].tolist() == [v / 16 for v in [0, 0, 5, 13, 9, 1, 0, 0]]


def test_digits_fall_back_to_load_digits(monkeypatch):
    """When sklearn's CSV is not where expected, the public load_digits() is used."""
    data = np.full((3, 64), 16.0)
    fake = types.ModuleType("sklearn.datasets")
    fake.load_digits = lambda: types.SimpleNamespace(data=data, target=np.array([7, 8, 9]))
    monkeypatch.setitem(sys.modules, "sklearn", types.ModuleType("sklearn"))
    monkeypatch.setitem(sys.modules, "sklearn.datasets", fake)
    monkeypatch.setattr(datasets, "_sklearn_digits_csv", lambda: None)
    digits = datasets._load_digits()
    assert digits.labels == ("7", "8", "9")
    assert np.all(digits.images == 1.0)


def test_builtins_are_loaded_once_and_are_read_only():
    font = load_builtin("font5x7")
    assert load_builtin("font5x7") is font
    assert load_dataset("font5x7") is font
    with pytest.raises(ValueError, match="read-only"):
        font.images[0, 0] = 0.5
    with pytest.raises(ValueError, match="read-only"):
        font.image(0)[0, 0] = 0.5


def test_unknown_builtin_lists_the_valid_names():
    with pytest.raises(DatasetError, match="font5x7, emoji12x12, digits"):
        load_builtin("fonts")


def test_importing_the_module_does_not_import_sklearn():
    code = (
        "import sys, engine.data.datasets; assert 'sklearn' not in sys.modules, 'sklearn imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- Dataset ------------------------------------------------------------------------------------


def test_dataset_copies_and_freezes_images():
    source = np.zeros((2, 6))
    ds = Dataset("x", 3, 2, ("a", "b"), source)
    source[0, 0] = 1.0
    assert ds.images[0, 0] == 0.0
    assert ds.images.dtype == np.float32
    assert ds.images.flags.c_contiguous
    assert not ds.images.flags.writeable
    assert ds.image(1).shape == (2, 3)
    assert (len(ds), ds.n_pixels) == (2, 6)


def test_replace_makes_a_new_validated_dataset():
    ds = Dataset("x", 3, 2, ("a", "b"), np.zeros((2, 6)))
    renamed = ds.replace(name="y", labels=("c", "d"))
    assert (renamed.name, renamed.labels, ds.name, ds.labels) == ("y", ("c", "d"), "x", ("a", "b"))
    assert np.array_equal(renamed.images, ds.images)
    with pytest.raises(DatasetError, match="2 images but 3 labels"):
        ds.replace(labels=("a", "b", "c"))
    with pytest.raises(DatasetError, match=r"value 2\.0 is not in \[0, 1\]"):
        ds.replace(images=np.full((2, 6), 2.0))


def test_pixel_hash_identifies_the_pixels():
    font = load_builtin("font5x7")
    same = Dataset("other name", 5, 7, tuple("x" * 32), font.images.copy())
    assert same.pixel_hash() == font.pixel_hash()
    changed = font.images.copy()
    changed[5, 17] = 1 - changed[5, 17]
    assert font.replace(images=changed).pixel_hash() != font.pixel_hash()
    transposed = Dataset("t", 7, 5, font.labels, font.images)  # same bytes, other size
    assert transposed.pixel_hash() != font.pixel_hash()
    zeros = Dataset("z", 1, 1, ("a",), np.zeros((1, 1)))
    assert Dataset("z", 1, 1, ("a",), -np.zeros((1, 1))).pixel_hash() == zeros.pixel_hash()


@pytest.mark.parametrize(
    ("kwargs", "detail"),
    [
        ({"images": np.zeros(6)}, "must be 2-D"),
        ({"images": np.zeros((0, 6)), "labels": ()}, "no glyphs"),
        ({"images": np.zeros((3, 6))}, "3 images but 2 labels"),
        ({"images": np.zeros((2, 5))}, "5 pixels each, expected 3x2 = 6"),
        ({"images": np.array([[0, 0, 0, 0, np.nan, 0]] * 2)}, "glyph 0 'a', row 1, column 1"),
        ({"images": np.array([[0] * 6, [0, 0, 1.5, 0, 0, 0]])}, "glyph 1 'b', row 0, column 2"),
        ({"images": np.array([["a"] * 6] * 2)}, "must be numbers"),
        ({"labels": ("a", 2)}, "labels must be"),
        ({"width": True}, "'width' must be a whole number"),
        ({"height": 65}, "above 64"),
        ({"name": None}, "name must be a string"),
    ],
)
def test_dataset_refuses_bad_values(kwargs, detail):
    fields = {
        "name": "x",
        "width": 3,
        "height": 2,
        "labels": ("a", "b"),
        "images": np.zeros((2, 6)),
    }
    with pytest.raises(DatasetError) as info:
        Dataset(**(fields | kwargs))
    assert detail in str(info.value)


# ---- JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [lambda: load_builtin("font5x7"), grey_set], ids=["binary", "grey"]
)
def test_json_round_trip_is_exact_and_atomic(tmp_path, make):
    original = make()
    path = tmp_path / "set.json"
    path.write_text("old contents")
    save_json(original, path)
    assert [p.name for p in tmp_path.iterdir()] == ["set.json"], "temporary file left behind"
    back = load_json(path)
    assert (back.name, back.width, back.height) == (original.name, original.width, original.height)
    assert back.labels == original.labels
    assert np.array_equal(back.images, original.images)
    assert back.pixel_hash() == original.pixel_hash()
    assert json.loads(path.read_text()) == dataset_to_json(original)


def test_json_uses_rows_for_binary_and_values_for_grey():
    font_glyph = dataset_to_json(load_builtin("font5x7"))["glyphs"][1]
    a_rows = ["00000", "00000", "01110", "00001", "01111", "10001", "01111"]  # top row first
    assert font_glyph == {"label": "a", "rows": a_rows}
    grey_glyph = dataset_to_json(grey_set())["glyphs"][0]
    assert set(grey_glyph) == {"label", "values"}
    assert grey_glyph["values"][0][:3] == [0, 1, 1e-8]


def test_saved_json_has_one_pixel_row_per_line(tmp_path):
    save_json(load_builtin("font5x7"), tmp_path / "font.json")
    lines = (tmp_path / "font.json").read_text().splitlines()
    assert '      "01110",' in lines


def test_json_extra_keys_are_ignored():
    obj = {
        "name": "tiny",
        "width": 2,
        "height": 1,
        "author": "me",
        "glyphs": [{"label": "a", "rows": ["10"], "note": 3}, {"label": "b", "values": [[0.5, 1]]}],
    }
    ds = dataset_from_json(obj, "tiny.json")
    assert ds.labels == ("a", "b")
    assert ds.images.tolist() == [[1.0, 0.0], [0.5, 1.0]]


def good_json() -> dict:
    rows = ["01110", "10001", "01110"]
    glyphs = [{"label": label, "rows": list(rows)} for label in "wabc"]
    glyphs[0] = {"label": "w", "values": [[0, 0.25, 0.5, 0.75, 1]] * 3}
    return {"name": "abc", "width": 5, "height": 3, "glyphs": glyphs}


def _set(path, value):
    def change(obj):
        *parents, last = path
        for key in parents:
            obj = obj[key]
        if value is KeyError:
            del obj[last]
        else:
            obj[last] = value

    return change


JSON_PROBLEMS = [
    (lambda obj: [obj], "top level must be an object"),
    (_set(["name"], KeyError), "missing 'name'"),
    (_set(["name"], 3), "'name' must be a string, not a number"),
    (_set(["width"], KeyError), "missing 'width'"),
    (_set(["width"], "5"), "'width' must be a whole number of pixels, not '5'"),
    (_set(["width"], True), "'width' must be a whole number of pixels, not True"),
    (_set(["height"], 3.0), "'height' must be a whole number"),
    (_set(["width"], 0), "'width' must be at least 1, got 0"),
    (_set(["height"], -3), "'height' must be at least 1"),
    (_set(["width"], 65), "'width' is 65; sizes above 64 pixels are refused"),
    (_set(["glyphs"], KeyError), "missing 'glyphs'"),
    (_set(["glyphs"], {"a": 1}), "'glyphs' must be a list, not an object"),
    (_set(["glyphs"], []), "the set has no glyphs"),
    (_set(["glyphs", 3], "c"), "glyph 3 is a string, expected an object"),
    (_set(["glyphs", 3, "label"], KeyError), "glyph 3 has no 'label'"),
    (_set(["glyphs", 3, "label"], 7), "glyph 3: 'label' must be a string, not a number"),
    (_set(["glyphs", 3, "rows"], KeyError), "glyph 3 'c' has neither 'rows' nor 'values'"),
    (_set(["glyphs", 3, "values"], [[0] * 5] * 3), "glyph 3 'c' has both 'rows' and 'values'"),
    (_set(["glyphs", 3, "rows"], "01110"), "glyph 3 'c': 'rows' must be a list of 3 rows"),
    (_set(["glyphs", 3, "rows"], ["01110"] * 2), "glyph 3 'c' has 2 rows, expected 3"),
    (_set(["glyphs", 3, "rows", 2], [0, 1]), "glyph 3 'c', row 2 is a list, expected a string"),
    (_set(["glyphs", 3, "rows", 2], "0111"), "glyph 3 'c', row 2 has 4 pixels, expected 5"),
    (
        _set(["glyphs", 3, "rows", 2], "0111x"),
        "glyph 3 'c', row 2: character 'x' at column 4 is not 0 or 1",
    ),
    (_set(["glyphs", 0, "values", 1], "0"), "glyph 0 'w', row 1 is a string, expected a list"),
    (_set(["glyphs", 0, "values", 1], [0] * 4), "glyph 0 'w', row 1 has 4 values, expected 5"),
    (
        _set(["glyphs", 0, "values", 1], [0, 0, "0.5", 0, 0]),
        'row 1, column 2: "0.5" is not a number',
    ),
    (_set(["glyphs", 0, "values", 1], [0, 0, 0, True, 0]), "row 1, column 3: true is not a number"),
    (_set(["glyphs", 0, "values", 1], [0, None, 0, 0, 0]), "row 1, column 1: null is not a number"),
    (_set(["glyphs", 0, "values", 2], [0, 0, 0, 0, 1.5]), "column 4: value 1.5 is outside [0, 1]"),
    (_set(["glyphs", 0, "values", 2], [-0.1, 0, 0, 0, 0]), "column 0: value -0.1 is outside"),
    (_set(["glyphs", 0, "values", 2], [10**400, 0, 0, 0, 0]), "column 0: value 1000"),
    (_set(["glyphs", 0, "values", 2], [0, float("nan"), 0, 0, 0]), "value nan is not a finite"),
    (_set(["glyphs", 0, "values", 2], [0, 0, float("inf"), 0, 0]), "value inf is not a finite"),
]


@pytest.mark.parametrize(("change", "detail"), JSON_PROBLEMS)
def test_bad_json_names_the_problem(change, detail):
    obj = copy.deepcopy(good_json())
    dataset_from_json(obj, "set.json")  # the unchanged object is fine
    obj = change(obj) or obj
    with pytest.raises(DatasetError) as info:
        dataset_from_json(obj, "set.json")
    assert str(info.value).startswith("set.json: ")
    assert detail in str(info.value)


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b'{"name": "x",\n  "width": }', "not valid JSON: Expecting value at line 2, column 12"),
        (b"", "not valid JSON"),
        (b'{"name": "x", "width": 1, "height": 1, "glyphs": [\xff]}', "not UTF-8"),
        (
            b'{"name": "x", "width": 1, "height": 1,\n'
            b'"glyphs": [{"label": "a", "values": [[NaN]]}]}',
            "value nan is not a finite number",
        ),
    ],
)
def test_bad_json_file_names_file_and_place(tmp_path, content, detail):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as info:
        load_json(path)
    assert str(path) in str(info.value)
    assert detail in str(info.value)


def test_missing_files_say_so(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_json(tmp_path / "gone.json")
    with pytest.raises(DatasetError, match=r"no such file.*font5x7, emoji12x12, digits"):
        load_dataset(str(tmp_path / "gone.json"))
    (tmp_path / "pic.png").write_bytes(b"")
    with pytest.raises(DatasetError, match="unknown kind of file"):
        load_dataset(str(tmp_path / "pic.png"))


def test_load_dataset_reads_json_and_text_files(tmp_path):
    emoji = load_builtin("emoji12x12")
    save_json(emoji, tmp_path / "faces.json")
    (tmp_path / "faces.txt").write_text(format_glyph_text(emoji))
    for name in ("faces.json", "faces.txt"):
        loaded = load_dataset(str(tmp_path / name))
        assert loaded.pixel_hash() == emoji.pixel_hash()
        assert loaded.labels == emoji.labels
    assert load_dataset(str(tmp_path / "faces.txt")).name == "faces"


# ---- the resources/*.txt format ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["font5x7", "emoji12x12"])
def test_glyph_text_round_trip(name):
    original = load_builtin(name)
    back = parse_glyph_text(format_glyph_text(original), name)
    assert back.labels == original.labels
    assert (back.width, back.height) == (original.width, original.height)
    assert np.array_equal(back.images, original.images)


def test_glyph_text_reads_comments_blank_lines_and_labels():
    text = "; a comment\nsize 3x2\n\n= ~ tilde \n.#.\n#.#\n; between\n= =\n###\n...\n\n\n"
    ds = parse_glyph_text(text, "t")
    assert ds.labels == ("~ tilde", "=")
    assert ds.images.tolist() == [[0, 1, 0, 1, 0, 1], [1, 1, 1, 0, 0, 0]]


GOOD_TEXT = "size 5x3\n\n= a\n.###.\n#...#\n.###.\n\n= b\n#....\n####.\n#...#\n"


@pytest.mark.parametrize(
    ("old", "new", "detail"),
    [
        ("size 5x3\n", "", "missing the 'size WxH' line before the first glyph"),
        ("size 5x3", "size 5 by 3", "line 1: expected 'size WxH'"),
        ("size 5x3\n", "size 5x3\nsize 5x3\n", "line 2: the size is given twice"),
        ("size 5x3", "size 0x3", "'width' must be at least 1"),
        ("size 5x3", "size 5x65", "'height' is 65; sizes above 64"),
        ("\n= a", "\nhello\n= a", "line 3: unknown line 'hello'"),
        ("\n= b", "\n.....\n= b", "line 8: a pixel row outside a glyph"),
        ("= a", "=a", "line 3: a glyph starts with '= LABEL'"),
        ("= a", "=  ", "a glyph starts with '= LABEL'"),
        ("####.", "####", "line 10: glyph 1 'b', row 1 has 4 pixels, expected 5"),
        (
            "####.",
            "##x#.",
            "line 10: glyph 1 'b', row 1: character 'x' at column 2 is not '.' or '#'",
        ),
        ("####.", "1111.", "character '1' at column 0"),
        ("#....\n", "", "line 8: glyph 1 'b' has 2 rows, expected 3"),
        ("####.\n#...#\n", "####.\n#...#\n.....\n", "line 8: glyph 1 'b' has 4 rows, expected 3"),
        ("#...#\n.###.", "#...#\n.###.\n#####", "line 3: glyph 0 'a' has 4 rows, expected 3"),
    ],
)
def test_bad_glyph_text_names_line_glyph_and_row(old, new, detail):
    parse_glyph_text(GOOD_TEXT, "t")  # the unchanged text is fine
    assert old in GOOD_TEXT
    with pytest.raises(DatasetError) as info:
        parse_glyph_text(GOOD_TEXT.replace(old, new, 1), "t")
    assert detail in str(info.value)


@pytest.mark.parametrize(
    ("text", "detail"),
    [("", "missing the 'size WxH' line"), ("size 2x2\n; only a comment\n", "no glyphs")],
)
def test_glyph_text_without_size_or_glyphs(text, detail):
    with pytest.raises(DatasetError, match=detail):
        parse_glyph_text(text, "t")


def test_glyph_text_refuses_what_it_cannot_write():
    with pytest.raises(DatasetError, match="grey levels"):
        format_glyph_text(grey_set())
    with pytest.raises(DatasetError) as info:
        format_glyph_text(Dataset("x", 1, 1, ("one", "two\nlines"), np.zeros((2, 1))))
    assert "glyph 1 label 'two\\nlines' cannot be written" in str(info.value)


def test_builtin_names_match_the_resources():
    assert BUILTIN_DATASETS == ("font5x7", "emoji12x12", "digits")
    for name in BUILTIN_DATASETS[:2]:
        resource = importlib.resources.files(datasets.RESOURCES_PACKAGE) / f"{name}.txt"
        text = resource.read_text(encoding="utf-8")
        assert text.startswith(";"), "the format is documented at the top of the file"
