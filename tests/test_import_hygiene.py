"""The service layer and the models never import Textual (the UI stays out of them)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cso_tui"
UI_FREE = ("services", "models")
FORBIDDEN = ("textual",)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ui_free_files() -> list[Path]:
    files = sorted(p for sub in UI_FREE for p in (PACKAGE / sub).rglob("*.py"))
    assert len(files) >= 10, "the scan found too few files: wrong directory?"
    return files


def imported_modules(source: str, module: str) -> set[str]:
    """Every module an import statement names (absolute form), anywhere in the file."""
    package = module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return found


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_the_scanner_sees_every_kind_of_import() -> None:
    source = (
        "import textual\nfrom textual.app import App\nimport os, textual.widgets as w\n"
        "def f():\n    from textual import work\n"
        "importlib.import_module('textual.screen')\n"
        "from . import sibling\nfrom ..models import x\n"
    )
    found = imported_modules(source, "cso_tui.services.local")
    assert {"textual", "textual.app", "textual.widgets", "textual.screen"} <= found
    assert {"cso_tui.services.sibling", "cso_tui.models.x"} <= found


@pytest.mark.parametrize("path", ui_free_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_textual_import_in_the_source(path: Path) -> None:
    names = imported_modules(path.read_text(encoding="utf-8"), _module_name(path))
    assert not sorted(n for n in names if _forbidden(n))


def test_importing_them_loads_no_textual() -> None:
    modules = sorted({_module_name(p) for p in ui_free_files()})
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(modules) <= set(loaded)
    assert sorted(n for n in loaded if _forbidden(n)) == []


def test_the_subprocess_check_would_see_textual() -> None:
    """Guard for the test above: the same probe does report textual when it is imported."""
    code = "import json, sys, textual.app\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert any(_forbidden(n) for n in json.loads(done.stdout.strip().splitlines()[-1]))
