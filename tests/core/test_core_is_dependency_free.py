"""kho.core imports nothing of the project except kho.errors (every layer may import it)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "kho" / "core"
PROJECT = ("kho", "ocr", "repository", "search", "ingest", "access", "web")
ALLOWED = {"kho.errors", "kho.core"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_core_modules_import_only_kho_errors_of_the_project() -> None:
    sources = sorted(CORE.glob("*.py"))
    assert sources
    for source in sources:
        project = {m for m in imported_modules(source) if m.partition(".")[0] in PROJECT}
        assert {m for m in project if not m.startswith(tuple(ALLOWED))} == set(), source.name


def test_importing_core_loads_no_other_package() -> None:
    code = ("import json, sys, kho.core.citizen_id, kho.core.tax_code, kho.core.vntext; "
            "print(json.dumps(sorted({m.partition('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    assert not {"ocr", "repository", "search", "ingest", "access", "web", "pydantic", "numpy"} & set(json.loads(out))
