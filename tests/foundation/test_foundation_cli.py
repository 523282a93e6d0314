"""The CLI through its real entry point: help, config, one-line errors, services status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

KHO = [sys.executable, "-m", "kho"]


def run_kho(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    full_env.update(env or {})
    return subprocess.run([*KHO, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=120)


def test_help_lists_commands() -> None:
    out = run_kho("--help")
    assert out.returncode == 0
    for command in ("config", "services"):
        assert command in out.stdout


def test_config_prints_effective_settings_as_json(tmp_path: Path) -> None:
    out = run_kho("config", "--json", env={"KHO_DATA_DIR": str(tmp_path), "KHO_S3_SECRET_KEY": "s3cr3t"})
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["data_dir"] == str(tmp_path)
    assert data["store_url"].startswith("file://")
    assert data["s3_secret_key"] == "********"
    assert "s3cr3t" not in out.stdout


def test_invalid_setting_is_one_line_without_traceback(tmp_path: Path) -> None:
    out = run_kho("config", env={"KHO_OCR_DPI": "lots"}, cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("kho: error: KHO_OCR_DPI: ")
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_services_status_prints_one_line_per_server() -> None:
    out = run_kho("services", "status")
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.strip().splitlines()]
    assert names == ["postgresql", "minio", "elasticsearch", "redis"]


def test_unknown_service_is_a_usage_error() -> None:
    out = run_kho("services", "status", "mysql")
    assert out.returncode == 2
    assert "không có dịch vụ 'mysql'" in out.stderr
