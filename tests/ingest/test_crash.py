"""Crash safety with real process kills: SIGKILL ``kho ingest`` at a random moment, run it again, check.

After the re-run every document is stored exactly once, the index holds as many records as the
store, every batch item is indexed and ``kho verify`` finds every record intact.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from ingest_helpers import KHO, cli_env, manifest_rows

from kho.backends import open_backends
from kho.settings import load_settings


def _start(data_dir: Path, corpus: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(KHO), "ingest", str(corpus), "--manifest", str(corpus / "manifest.csv"), "--quiet"],
        env=cli_env(data_dir, KHO_JOBS="2"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_at_a_random_moment_then_rerun_finishes_the_batch(
    seed: int, clean_corpus: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    delay = random.Random(seed).uniform(2.0, 8.0)  # a whole run takes 8-30 s here, depending on load
    victim = _start(data_dir, clean_corpus)
    try:
        victim.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(victim.pid, signal.SIGKILL)  # the CLI, its worker pool and any tesseract child
        victim.wait(timeout=30)
    time.sleep(0.2)
    rerun = subprocess.run(
        [str(KHO), "ingest", str(clean_corpus), "--manifest", str(clean_corpus / "manifest.csv"), "--json"],
        env=cli_env(data_dir, KHO_JOBS="2"), capture_output=True, text=True, timeout=600, check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    documents = len(manifest_rows(clean_corpus))
    assert summary["stored"] == documents and summary["failed"] == summary["quarantined"] == 0
    backends = open_backends(load_settings(environ={}, overrides={"data_dir": data_dir}))
    try:
        record_ids = list(backends.repository.iter_record_ids())
        assert len(record_ids) == len(set(record_ids)) == documents
        assert backends.index.count() == documents
        assert set(backends.index.versions()) == set(record_ids)
        items = backends.catalog.list_batch_items(summary["batch_id"])
        assert sorted(i.record_id or "" for i in items) == sorted(record_ids)
        assert all(i.status == "indexed" for i in items)
    finally:
        backends.close()
    verify = subprocess.run([str(KHO), "verify"], env=cli_env(data_dir), capture_output=True, text=True,
                            timeout=300, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
