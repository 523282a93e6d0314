"""Fixtures of the reuse tests: embedded backends in a temp dir with the office's signing key,
records with real PDFs created through the repository, and ``kho`` run through its entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from reuse_helpers import OFFICE, PASSPHRASE, Doc, RunKho, create_record, env_for, settings_for

from kho.backends import Backends, open_backends
from kho.reuse.signing import OfficeKeys, new_office_keys, signing_key_row
from kho.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def office_keys() -> OfficeKeys:
    """One office CA, signing key and TSA key for the whole session (key generation takes a moment)."""
    return new_office_keys(OFFICE, PASSPHRASE)


@pytest.fixture
def reuse_settings(tmp_path: Path) -> Settings:
    """Embedded defaults in a temp dir, with an office, a signing passphrase and a public URL."""
    return settings_for(tmp_path / "kho-data")


@pytest.fixture
def backends(reuse_settings: Settings, office_keys: OfficeKeys) -> Iterator[Backends]:
    """The embedded backends, with the office key active (closed at the end)."""
    opened = open_backends(reuse_settings)
    opened.index.ensure_ready()
    opened.catalog.reuse.add_signing_key(signing_key_row("office-test", OFFICE, office_keys))
    yield opened
    opened.close()


@pytest.fixture
def make_doc(backends: Backends, tmp_path: Path) -> Callable[..., Doc]:
    """Create a record (a real one-page PDF) and index it."""
    counter = iter(range(1_000_000))

    def make(**fields: Any) -> Doc:
        return create_record(backends, tmp_path / "docs", next(counter), **fields)

    return make


@pytest.fixture
def run_kho(reuse_settings: Settings, tmp_path: Path) -> RunKho:
    """Run ``python -m kho ARGS`` (the console entry point) with the test settings."""

    def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
        environ.update(env_for(reuse_settings))
        environ.update(env)
        environ["PYTHONPATH"] = str(REPO_ROOT)
        return subprocess.run([sys.executable, "-m", "kho", *args], capture_output=True, text=True, env=environ,
                              cwd=tmp_path, input=stdin, timeout=120, check=False)

    return run
