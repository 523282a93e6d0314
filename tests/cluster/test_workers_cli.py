"""`kho workers up | status --json | down` through the entry point, with real processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psutil
import pytest
from cluster_helpers import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
KHO = REPO_ROOT / ".venv" / "bin" / "kho"
pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _kho(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env["KHO_CACHE_DIR"] = str(cache)
    return subprocess.run([str(KHO), "workers", *args], env=env, capture_output=True, text=True, timeout=300,
                          check=False)


def test_up_status_down_leaves_no_process_behind() -> None:
    cache = Path(tempfile.mkdtemp(prefix="kho-workers-cli-"))
    port = free_port()
    try:
        up = _kho(cache, "up", "--n", "2", "--port", str(port))
        assert up.returncode == 0, up.stderr
        status = json.loads(_kho(cache, "status", "--json").stdout)
        assert status["scheduler"] == f"tcp://127.0.0.1:{port}"
        assert status["dashboard"] == f"http://127.0.0.1:{port + 1}/status"
        assert sorted(w["name"] for w in status["workers"]) == ["kho-worker-1", "kho-worker-2"]
        assert all(w["nthreads"] == 1 and w["memory"] > 0 and psutil.pid_exists(w["pid"]) for w in status["workers"])
        started = [int(p.read_text()) for p in (cache / "workers").glob("*.pid")]
        group = [c for pid in started for c in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]]
        again = _kho(cache, "up", "--n", "2", "--port", str(port))  # idempotent: nothing new started
        assert again.returncode == 0 and sorted(int(p.read_text()) for p in (cache / "workers").glob("*.pid")) == \
            sorted(started)
        down = _kho(cache, "down")
        assert down.returncode == 0 and "scheduler" in down.stdout and "worker-2" in down.stdout
        _, alive = psutil.wait_procs(group, timeout=10)
        assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
        assert json.loads(_kho(cache, "status", "--json").stdout) == {"scheduler": None, "dashboard": None,
                                                                       "workers": []}
        assert "không có gì đang chạy" in _kho(cache, "down").stdout
    finally:
        _kho(cache, "down")
        shutil.rmtree(cache, ignore_errors=True)
