"""Start-up of the command line: help lists commands without importing their implementations."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest

from kho.cli import COMMANDS, cli

HEAVY = ("cv2", "numpy", "elasticsearch", "minio", "sqlalchemy", "flask", "pydantic", "PIL", "rich")

_PROBE = """
import json, sys
from kho.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_after(*args: str) -> set[str]:
    """The modules imported by ``kho ARGS`` in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env,
                         timeout=120, check=True)
    return set(json.loads(out.stderr.strip().splitlines()[-1]))


def top_level(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("ocr", "--help"), ("search", "--help"),
                                  ("ingest", "--help"), ("get", "--help"), ("keys", "--help"),
                                  ("users", "--help"), ("services", "--help"), ("reindex", "--help")])
def test_help_imports_no_heavy_module(args: tuple[str, ...]) -> None:
    loaded = top_level(modules_after(*args))
    assert not loaded & set(HEAVY), f"kho {' '.join(args)} imported {sorted(loaded & set(HEAVY))}"


# The command modules the group loads only when one of their commands runs.
LAZY_MODULES = {f"kho.cli.{area}" for area in
                ("config", "services", "web", "users", "ocr", "corpus", "repository", "search", "ingest")}


def test_group_help_imports_no_command_module() -> None:
    assert modules_after("--help") & LAZY_MODULES == set()


def test_command_help_imports_only_its_own_module() -> None:
    assert modules_after("ocr", "--help") & LAZY_MODULES == {"kho.cli.ocr"}


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda e: e.name)
def test_listed_help_is_the_commands_own(entry: object) -> None:
    from kho.cli.lazy import LazyCommand

    assert isinstance(entry, LazyCommand)
    command = entry.load()
    assert command.name == entry.name
    for limit in (30, 45, 80, 1000):
        listed = click.Command(entry.name, help=entry.short_help).get_short_help_str(limit)
        assert listed == command.get_short_help_str(limit)


def test_every_command_is_listed_once() -> None:
    names = [entry.name for entry in COMMANDS]
    assert len(names) == len(set(names))
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(names)
    assert all(cli.get_command(ctx, name) is not None for name in names)
    assert cli.get_command(ctx, "no-such-command") is None
