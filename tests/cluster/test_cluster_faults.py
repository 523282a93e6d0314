"""The runner on a real Dask cluster: a page that kills its worker twice fails its document, no hang;
an unreachable scheduler is one clear error naming KHO_WORKERS."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from cluster_helpers import RunningCluster, free_port, killing_page

import ingest.cluster
from ingest.cluster import KILLED_TWICE, ClusterPool, SourceBytes, run_carried
from ingest.runner import Callbacks, run_pipeline
from kho.errors import ServiceUnavailableError
from kho.settings import load_settings
from ocr.pipeline import OcrOptions, PageOcr, PageTask
from ocr.rasterize import SourceInfo

REPO_ROOT = Path(__file__).resolve().parents[2]
KHO = REPO_ROOT / ".venv" / "bin" / "kho"


def _doc(folder: Path, name: str, pages: int) -> tuple[str, list[PageTask]]:
    path = folder / name
    path.write_text(f"bytes of {name}", encoding="utf-8")
    info = SourceInfo(path, "png", pages)
    return name, [PageTask(info, i, OcrOptions()) for i in range(pages)]


def test_carried_page_is_read_from_a_private_copy(tmp_path: Path) -> None:
    name, tasks = _doc(tmp_path, "a.png", 1)
    carried = SourceBytes().carry(tasks[0])
    (tmp_path / name).unlink()  # the worker never needs the coordinator's file
    assert run_carried(killing_page, carried).text == "bytes of a.png"


@pytest.mark.integration
@pytest.mark.slow
def test_page_whose_worker_died_twice_fails_its_document_and_the_rest_goes_on(
    local_cluster: RunningCluster, tmp_path: Path
) -> None:
    docs = [_doc(tmp_path, "a.png", 2), _doc(tmp_path, "die.png", 1), _doc(tmp_path, "b.png", 1)]
    done: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    callbacks: Callbacks[str, PageOcr] = Callbacks(
        on_done=lambda d, pages: done.__setitem__(d, [p.text for p in pages]),
        on_error=lambda d, e: errors.__setitem__(d, str(e)),
    )
    pool = ClusterPool(load_settings(environ={}, overrides={"workers": local_cluster.address}))
    try:
        run_pipeline(iter(docs), pool, 1, callbacks, killing_page)  # one page at a time: no collateral deaths
    finally:
        pool.close()
    assert errors.get("die.png") == KILLED_TWICE, (errors, done)
    assert done == {"a.png": ["bytes of a.png", "bytes of a.png"], "b.png": ["bytes of b.png"]}
    assert errors == {"die.png": KILLED_TWICE}


def test_unreachable_scheduler_is_one_error_naming_kho_workers(tmp_path: Path) -> None:
    settings = load_settings(environ={}, overrides={"workers": f"tcp://127.0.0.1:{free_port()}",
                                                    "workers_timeout": 2, "data_dir": tmp_path})
    with pytest.raises(ServiceUnavailableError) as caught:
        ClusterPool(settings)
    assert caught.value.subject == "KHO_WORKERS"
    assert ingest.cluster.SUBJECT == "KHO_WORKERS"


def test_kho_ingest_with_an_unreachable_scheduler_exits_with_one_line(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env.update(KHO_DATA_DIR=str(tmp_path / "data"), KHO_WORKERS=f"tcp://127.0.0.1:{free_port()}",
               KHO_WORKERS_TIMEOUT="2")
    done = subprocess.run([str(KHO), "ingest", str(scans), "--quiet"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 6, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("kho: error: KHO_WORKERS: dịch vụ chưa sẵn sàng")
    assert "cannot reach the Dask scheduler" in last
    assert "Traceback" not in done.stderr


def test_bad_kho_workers_value_is_refused_naming_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env.update(KHO_DATA_DIR=str(tmp_path / "data"), KHO_WORKERS="127.0.0.1:8786")
    done = subprocess.run([str(KHO), "ingest", str(tmp_path), "--quiet"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2 and "KHO_WORKERS" in done.stderr, done.stderr
