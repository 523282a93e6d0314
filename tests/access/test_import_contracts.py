"""Item 4: the import contracts of pyproject.toml hold (``lint-imports``), and nothing below web imports it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BELOW_WEB = ("repository", "search", "ingest", "ocr", "access")
WEB_IMPORT = re.compile(r"from web|import web")


def test_lint_imports_keeps_every_contract() -> None:
    tool = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(tool), "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
    kept = re.findall(r"KEPT", result.stdout)
    assert len(kept) >= 5


def test_no_package_below_web_mentions_importing_web() -> None:
    """The check of the issue: ``grep -rn "from web\\|import web" repository search ingest ocr access`` is empty."""
    found = [
        f"{path.relative_to(REPO_ROOT)}:{n}"
        for package in BELOW_WEB
        for path in sorted((REPO_ROOT / package).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if WEB_IMPORT.search(line)
    ]
    assert found == []
