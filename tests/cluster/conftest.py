"""Fixtures of the cluster tests: a real local Dask scheduler and two real workers on loopback.

The workers run as the ``kho`` service account when this test runs as root and that account can
run this interpreter, else as ourselves; either way each has its own TMPDIR and imports
``no_shared_fs.py``, an audit hook that refuses every read of the batch folder (and every
subprocess naming it): a page reaches a worker only as bytes in its task.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster_helpers import RunningCluster, free_port, worker_account

from kho.services.dask import LocalCluster
from ocr.corpus.generate import generate_corpus

HERE = Path(__file__).resolve().parent
GUARD = HERE / "no_shared_fs.py"


@pytest.fixture(scope="session")
def cluster_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four clean synthetic documents (five pages) with ``manifest.csv``, in a folder workers may not read."""
    folder = tmp_path_factory.mktemp("cluster-corpus") / "scans"
    generate_corpus(folder, 4, 11, ("clean",), manifest=True)
    return folder


@pytest.fixture
def local_cluster(cluster_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningCluster]:
    """A scheduler and two workers (the batch folder out of their reach), stopped afterwards."""
    monkeypatch.setenv("NO_SHARED_FS_DENY", str(cluster_corpus.parent))
    monkeypatch.setenv("PYTHONPATH", str(HERE))  # the workers import cluster_helpers
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="kho-cluster-"))  # not under pytest's 0700 tmp: another account works here
    root.chmod(0o755)
    account = worker_account()
    cluster = LocalCluster(root, preload=("ingest.worker", str(GUARD)))
    try:
        status = cluster.up(2, port=port, dashboard_port=port + 1, account=account)
        assert status.scheduler == f"tcp://127.0.0.1:{port}" and len(status.workers) == 2
        yield RunningCluster(cluster, status.scheduler, port, account)
    finally:
        cluster.down()
        shutil.rmtree(root, ignore_errors=True)
