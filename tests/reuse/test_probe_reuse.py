"""Regression tests of the probe of the reuse surface (docs/security-probe.md, P1–P…): hostile bags,
interrupted imports and certifications."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from reuse_helpers import Doc, RunKho, env_for, settings_for

from access.context import AccessContext
from access.principals import Principal
from access.scopes import ScopePolicy
from kho.backends import Backends, open_backends
from kho.errors import InputError
from kho.reuse.certify import certify_record
from kho.settings import Settings
from repository import layout
from repository.bagit import export_bag, import_bag
from repository.fixity import verify_store
from repository.fsstore import FilesystemStore
from repository.records import Repository
from search.places import load_places
from web.app import create_app

REPO_ROOT = Path(__file__).resolve().parents[2]
TAG_FILES = ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")


def _retag(bag: Path, payload_lines: list[str]) -> None:
    """Rewrite the payload manifest, ``Payload-Oxum`` and the tag manifest so ``bagit`` sees a consistent bag."""
    (bag / "manifest-sha256.txt").write_text("".join(payload_lines), encoding="utf-8")
    size = count = 0
    for folder, _, names in os.walk(bag / "data"):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():  # a FIFO counts as a payload file of size 0, as bagit counts it
                size, count = size + path.lstat().st_size, count + 1
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    (bag / "bag-info.txt").write_text(re.sub(r"Payload-Oxum: .*", f"Payload-Oxum: {size}.{count}", info),
                                      encoding="utf-8")
    tags = [f"{hashlib.sha256((bag / name).read_bytes()).hexdigest()}  {name}\n" for name in TAG_FILES]
    (bag / "tagmanifest-sha256.txt").write_text("".join(tags), encoding="utf-8")


def _manifest_lines(bag: Path) -> list[str]:
    return (bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.fixture
def two_record_bag(backends: Backends, make_doc: Callable[..., Doc], tmp_path: Path) -> tuple[Path, list[str]]:
    """A bag of two records exported from the test repository."""
    ids = sorted(make_doc().record_id for _ in range(2))
    export_bag(backends.repository, ids, tmp_path / "bag", {"Source-Organization": "t"})
    return tmp_path / "bag", ids


def test_p1_a_record_folder_linked_from_outside_the_bag_is_refused(two_record_bag: tuple[Path, list[str]],
                                                                    tmp_path: Path) -> None:
    bag, ids = two_record_bag
    outside = tmp_path / "outside" / ids[1]
    outside.parent.mkdir()
    shutil.move(bag / "data" / "records" / ids[1], outside)
    (bag / "data" / "records" / ids[1]).symlink_to(outside, target_is_directory=True)
    _retag(bag, [line for line in _manifest_lines(bag) if ids[1] not in line])  # bagit alone finds it valid
    target = Repository(FilesystemStore(tmp_path / "target"))
    with pytest.raises(InputError, match="symbolic link") as raised:
        import_bag(target, bag)
    assert raised.value.subject == f"data/records/{ids[1]}"
    assert list(target.iter_record_ids()) == []


def test_p2_a_fifo_in_a_bag_is_refused_at_once_not_read(two_record_bag: tuple[Path, list[str]],
                                                        reuse_settings: Settings, tmp_path: Path) -> None:
    bag, ids = two_record_bag
    fifo = bag / "data" / "records" / ids[0] / "extra"
    os.mkfifo(fifo)
    _retag(bag, [*_manifest_lines(bag), f"{hashlib.sha256(b'').hexdigest()}  data/records/{ids[0]}/extra\n"])
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    environ.update(env_for(reuse_settings), KHO_DATA_DIR=str(tmp_path / "other"), PYTHONPATH=str(REPO_ROOT))
    try:
        done = subprocess.run([sys.executable, "-m", "kho", "import", "--bagit", str(bag)], capture_output=True,
                              text=True, env=environ, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("kho import --bagit hung on a FIFO in the bag")
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"kho: error: data/records/{ids[0]}/extra: tệp hoặc giá trị không dùng được (chi tiết: the bag holds a "
        "special file (FIFO, device or socket); a bag must hold only regular files and folders)"]
    assert not (tmp_path / "other" / "store" / "records").exists() or not any(
        (tmp_path / "other" / "store" / "records").iterdir())



def test_p3_a_rerun_of_an_interrupted_import_indexes_the_records_it_finds_already_here(
        two_record_bag: tuple[Path, list[str]], run_kho: RunKho, tmp_path: Path) -> None:
    bag, ids = two_record_bag
    other = tmp_path / "other-kho"
    # What kill -9 of `kho import --bagit` leaves after the records' record.json and before indexing:
    import_bag(Repository(FilesystemStore(other / "store")), bag)
    again = run_kho("import", "--bagit", str(bag), KHO_DATA_DIR=str(other))
    assert again.returncode == 0, again.stderr
    assert "2 đã có" in again.stdout
    opened = open_backends(settings_for(other))
    try:
        assert opened.index.versions() == dict.fromkeys(ids, 1)
    finally:
        opened.close()


def test_p4_a_rate_limited_json_client_of_verify_gets_json(backends: Backends) -> None:
    limited = create_app(settings_for(backends.settings.data_dir, verify_rate_limit="2/minute"), backends)
    client = limited.test_client()
    answers = [client.get("/verify/aaaaaaaaaaaaaaaa?format=json") for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 429]
    assert answers[2].is_json and answers[2].get_json()["error"]["status"] == 429
    assert answers[2].headers.get("Retry-After")
    by_accept = client.get("/verify/aaaaaaaaaaaaaaaa", headers={"Accept": "application/json"})
    assert by_accept.status_code == 429 and by_accept.is_json
    page = client.get("/verify/aaaaaaaaaaaaaaaa")
    assert page.status_code == 429 and page.mimetype == "text/html"


def _leave_copy(backends: Backends, record_id: str, code: str, age_minutes: float) -> str:
    """What kill -9 of `kho certify` leaves after storing the signed copy: an object nothing names."""
    key = layout.certified_key(record_id, code)
    backends.repository.store.put_bytes(key, b"%PDF-1.7 signed copy never registered", content_type="application/pdf")
    then = (datetime.now(UTC) - timedelta(minutes=age_minutes)).timestamp()
    os.utime(backends.settings.data_dir / "store" / key, (then, then))
    return key


def test_p5_the_next_certification_removes_a_copy_left_by_an_interrupted_one(
        backends: Backends, make_doc: Callable[..., Doc]) -> None:
    record_id = make_doc().record_id
    abandoned = _leave_copy(backends, record_id, "aaaaaaaaaaaaaaaa", age_minutes=30)
    running = _leave_copy(backends, record_id, "bbbbbbbbbbbbbbbb", age_minutes=1)  # maybe still certifying
    before = verify_store(backends.repository.store)
    assert [(p.key, p.kind) for p in before.problems] == [(abandoned, "untracked"), (running, "untracked")]
    assert "interrupted `kho certify`" in before.problems[0].detail
    ctx = AccessContext(Principal("user", "b", "Nguyễn Thị B", "official"), "cấp bản sao", "")
    made = certify_record(backends, ScopePolicy(load_places()), ctx, record_id)
    assert not backends.repository.store.exists(abandoned)
    assert backends.repository.store.exists(running)
    assert backends.repository.store.exists(made.copy.object_key)
    after = verify_store(backends.repository.store)
    assert [p.key for p in after.problems] == [running]


def test_p6_making_certified_copies_has_its_own_rate_limit(backends: Backends, make_doc: Callable[..., Doc]) -> None:
    record_id = make_doc().record_id
    app = create_app(settings_for(backends.settings.data_dir, certify_rate_limit="2/minute"), backends)
    client = app.test_client()
    key = backends.catalog.create_api_key("probe official", "official")[1]
    headers = {"Authorization": f"Bearer {key}", "X-Purpose": "cap ban sao"}
    answers = [client.post(f"/api/v1/documents/{record_id}/certified-copies", headers=headers).status_code
               for _ in range(3)]
    assert answers == [201, 201, 429]
    assert len(backends.repository.get(record_id).objects_with_role("certified")) == 2
    # other endpoints keep the general limit (10000/minute in the test settings)
    assert client.get(f"/api/v1/documents/{record_id}", headers=headers).status_code == 200
    # the record page's certify button: the same limit
    backends.catalog.create_user("can.bo.p6", "mat-khau-p6-123", "official")
    page_client = app.test_client()
    login = page_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert token is not None
    page_client.post("/login", data={"csrf_token": token.group(1), "username": "can.bo.p6",
                                     "password": "mat-khau-p6-123"})
    page = page_client.get(f"/records/{record_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    form = {"csrf_token": token.group(1), "purpose": "Cấp cho công dân"}
    pages = [page_client.post(f"/records/{record_id}/certify", data=form).status_code for _ in range(3)]
    assert pages == [200, 200, 429]


def test_p7_an_export_removes_the_work_folder_a_killed_export_left(backends: Backends, make_doc: Callable[..., Doc],
                                                                  tmp_path: Path) -> None:
    record_id = make_doc().record_id
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead_pid = int(gone.stdout)
    # What kill -9 of `kho export --bagit bag` leaves: a hidden work folder holding records (personal data)
    left = tmp_path / f".bag.part-{dead_pid}-0123abcd"
    shutil.copytree(backends.settings.data_dir / "store" / "records", left / "records")
    running = tmp_path / f".bag.part-{os.getpid()}-4567cdef"  # an export still running in a live process
    running.mkdir()
    other = tmp_path / f".other.part-{dead_pid}-89abcdef"  # another bag's: not ours to touch
    other.mkdir()
    report = export_bag(backends.repository, [record_id], tmp_path / "bag", {"Source-Organization": "t"})
    assert report.records == 1
    assert not left.exists()
    assert running.is_dir() and other.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".bag")) == [running.name]
