"""Dev material in ../shared, beside the clone and never in it (real scans, real documents, the scorer)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def require_shared(path: Path) -> Path:
    """``path`` in ../shared.

    A user's clone has no ../shared: the test is skipped with a one-line reason; under ``CI=true``
    it FAILS instead, so CI never passes without the material.
    """
    if path.exists():
        return path
    message = f"{path} not found: the shared dev material is not beside this clone"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
