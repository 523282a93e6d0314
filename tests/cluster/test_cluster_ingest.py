"""`kho ingest` on a real Dask cluster (scheduler + two workers on loopback, no shared filesystem).

Faults with real process kills: a worker killed mid-batch, the scheduler killed mid-batch (the
run stops with one line, the same command resumes it), a page whose worker dies twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from cluster_helpers import RunningCluster

from kho.backends import open_backends
from kho.services.endpoints import cache_dir
from kho.settings import load_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
KHO = REPO_ROOT / ".venv" / "bin" / "kho"
pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _env(data_dir: Path, workers: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env.update(KHO_DATA_DIR=str(data_dir), KHO_WORKERS=workers, KHO_LOG_LEVEL="INFO",
               KHO_CACHE_DIR=str(cache_dir()))
    return env


def _ingest(corpus: Path, data_dir: Path, workers: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(KHO), "ingest", str(corpus), "--manifest", str(corpus / "manifest.csv"), "--json", "--quiet"],
        env=_env(data_dir, workers), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _documents(corpus: Path) -> int:
    return len((corpus / "manifest.csv").read_text(encoding="utf-8").strip().splitlines()) - 1


def _busy_worker_pid(address: str, timeout: float = 180) -> int:
    """The pid of a worker that is running a page right now (waits for the first page)."""
    from distributed import Client

    with Client(address, timeout=10, set_as_default=False) as client:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = [addr for addr, keys in client.processing().items() if keys]
            if busy:
                return int(client.run(os.getpid, workers=busy[:1])[busy[0]])
            time.sleep(0.2)
    raise AssertionError("no page reached the cluster")


def _check_stored_once(data_dir: Path, summary: dict[str, Any], documents: int) -> None:
    assert summary["stored"] == documents and summary["failed"] == summary["quarantined"] == 0, summary
    backends = open_backends(load_settings(environ={}, overrides={"data_dir": data_dir}))
    try:
        record_ids = list(backends.repository.iter_record_ids())
        assert len(record_ids) == len(set(record_ids)) == documents
        assert backends.index.count() == documents
        items = backends.catalog.list_batch_items(summary["batch_id"])
        assert all(i.status == "indexed" for i in items)
    finally:
        backends.close()
    verify = subprocess.run([str(KHO), "verify"], env=_env(data_dir, ""), capture_output=True, text=True,
                            timeout=300, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_worker_killed_mid_batch_every_document_stored_once(
    local_cluster: RunningCluster, cluster_corpus: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    run = _ingest(cluster_corpus, data_dir, local_cluster.address)
    try:
        victim = _busy_worker_pid(local_cluster.address)
        os.kill(victim, signal.SIGKILL)  # its page runs again elsewhere (or on its restarted process)
        out, err = run.communicate(timeout=900)
    finally:
        run.kill()
    assert run.returncode == 0, err
    _check_stored_once(data_dir, json.loads(out), _documents(cluster_corpus))


def test_scheduler_killed_stops_with_one_line_and_the_same_command_resumes(
    local_cluster: RunningCluster, cluster_corpus: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    run = _ingest(cluster_corpus, data_dir, local_cluster.address)
    try:
        _busy_worker_pid(local_cluster.address)
        scheduler = int((local_cluster.cluster.root / "scheduler.pid").read_text())
        os.killpg(scheduler, signal.SIGKILL)
        out, err = run.communicate(timeout=300)
    finally:
        run.kill()
    assert run.returncode == 6, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].startswith("kho: error: KHO_WORKERS:") and "resume" in lines[-1], err
    assert "Traceback" not in err
    local_cluster.restart()
    rerun = _ingest(cluster_corpus, data_dir, local_cluster.address)
    out, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, err
    _check_stored_once(data_dir, json.loads(out), _documents(cluster_corpus))
