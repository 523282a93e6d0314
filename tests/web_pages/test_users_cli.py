"""``kho users create|list|disable|enable`` through click and through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from kho.cli import cli
from kho.errors import ConflictError, NotFoundError
from kho.settings import Settings

KHO = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "kho"


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env["KHO_DATA_DIR"] = str(settings.data_dir)
    return env


def test_create_list_disable_enable(settings: Settings) -> None:
    runner = CliRunner()
    env = _env(settings)
    created = runner.invoke(cli, ["users", "create", "can-bo", "--role", "official", "--name", "Trần Thị Hoà",
                                  "--password-stdin", "--json"], input="mật-khẩu-đủ-dài\n", env=env)
    assert created.exit_code == 0, created.output
    assert json.loads(created.stdout)["display_name"] == "Trần Thị Hoà"
    listed = runner.invoke(cli, ["users", "list", "--json"], env=env)
    assert [(u["username"], u["role"], u["active"]) for u in json.loads(listed.stdout)] == [
        ("can-bo", "official", True)]
    assert runner.invoke(cli, ["users", "disable", "can-bo"], env=env).exit_code == 0
    assert "đã khóa" in runner.invoke(cli, ["users", "list"], env=env).stdout
    assert runner.invoke(cli, ["users", "enable", "can-bo"], env=env).exit_code == 0
    assert json.loads(runner.invoke(cli, ["users", "list", "--json"], env=env).stdout)[0]["active"] is True


def test_an_error_is_one_line_with_its_exit_code(settings: Settings) -> None:
    short = subprocess.run([str(KHO), "users", "create", "x", "--role", "admin", "--password-stdin"],
                           input="short\n", capture_output=True, text=True, env=_env(settings), timeout=120)
    assert short.returncode == 2 and "Traceback" not in short.stderr
    assert short.stderr.strip().splitlines()[-1] == ("kho: error: x: tham số không hợp lệ (chi tiết: a password must "
                                                     "have at least 8 characters)")


def test_duplicate_and_unknown_users_are_refused(settings: Settings) -> None:
    runner = CliRunner()
    env = _env(settings)
    args = ["users", "create", "quan-tri", "--role", "admin", "--password-stdin"]
    assert runner.invoke(cli, args, input="mật-khẩu-đủ-dài\n", env=env).exit_code == 0
    again = runner.invoke(cli, args, input="mật-khẩu-đủ-dài\n", env=env)
    assert isinstance(again.exception, ConflictError) and again.exception.subject == "quan-tri"
    unknown = runner.invoke(cli, ["users", "disable", "nobody"], env=env)
    assert isinstance(unknown.exception, NotFoundError)
