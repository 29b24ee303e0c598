"""The folders show the layers: each subpackage imports only what its `__init__` docstring allows.

The rules are read from the code's own `import` statements (ast), so a new module is checked the
day it lands; the negative control feeds the checker a forbidden import and expects it caught.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Which subpackages each subpackage may import from (besides itself). Top-level modules of a
# package (gui/main_window.py, engine/training.py...) are the package's own layer.
GUI_RULES = {
    "widgets": set(),
    "data": {"widgets"},
    "plots": {"widgets"},
    "run": {"data", "widgets"},
    "views": {"plots", "run", "data", "widgets"},
    "controls": {"run", "data", "widgets"},
    "report": {"plots", "data", "widgets"},
}
# engine top-level modules may use nn and data but never cli; nn is self-contained; data may
# only use engine.atomic and engine.limits.
ENGINE_RULES = {
    "nn": set(),
    "data": {"atomic", "limits"},
    "cli": {"*"},
}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name a file imports (including imports inside functions)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(package: str, rules: dict[str, set[str]], files: dict[Path, set[str]]) -> list[str]:
    """`file imports module` lines for every import a package's layer rules forbid."""
    bad = []
    for path, modules in files.items():
        parts = path.relative_to(ROOT / package).parts
        layer = parts[0] if len(parts) > 1 else None  # None: a top-level module
        for module in sorted(modules):
            head, _, rest = module.partition(".")
            if head != package or not rest:
                continue
            target = rest.split(".")[0]
            if layer is None:
                if package == "engine" and target == "cli":
                    bad.append(f"{path.name} imports {module}")
                continue
            allowed = rules[layer]
            if target == layer or "*" in allowed:
                continue
            is_sub = target in rules
            if package == "gui" and not is_sub:
                bad.append(f"{layer}/{path.name} imports {module} (a top-level module)")
            elif package == "engine" and layer != "cli" and target not in allowed:
                if is_sub or layer in ("nn", "data"):
                    bad.append(f"{layer}/{path.name} imports {module}")
            elif is_sub and target not in allowed:
                bad.append(f"{layer}/{path.name} imports {module}")
    return bad


def package_files(package: str) -> dict[Path, set[str]]:
    return {p: imported_modules(p) for p in sorted((ROOT / package).rglob("*.py"))}


@pytest.mark.parametrize(("package", "rules"), [("gui", GUI_RULES), ("engine", ENGINE_RULES)])
def test_subpackages_import_only_what_their_layer_allows(package, rules):
    files = package_files(package)
    subpackages = {p.parent.name for p in (ROOT / package).glob("*/__init__.py")}
    assert subpackages == set(rules), "every subpackage needs a rule (and a docstring)"
    assert violations(package, rules, files) == []


@pytest.mark.parametrize("package", ["gui", "engine"])
def test_every_subpackage_says_what_lives_there_and_what_it_may_import(package):
    for init in (ROOT / package).glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and "May import" in doc, init


def test_the_checker_catches_a_forbidden_import():
    """Negative control: widgets importing the run layer, nn importing models, engine using cli."""
    fake = {
        ROOT / "gui" / "widgets" / "x.py": {"gui.run.run_controller"},
        ROOT / "gui" / "plots" / "y.py": {"gui.main_window"},
    }
    assert len(violations("gui", GUI_RULES, fake)) == 2
    fake_engine = {
        ROOT / "engine" / "nn" / "x.py": {"engine.models"},
        ROOT / "engine" / "training.py": {"engine.cli.common"},
    }
    assert len(violations("engine", ENGINE_RULES, fake_engine)) == 2
