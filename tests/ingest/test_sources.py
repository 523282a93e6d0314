"""Discovery of input files and ZIP safety (no OCR)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from ingest.sources import ZipEntry, ZipLimits, check_zip, classify_name, discover, safe_member_name

RES = Path(__file__).resolve().parents[1] / "resources" / "ingest"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.pdf", "a.pdf"),
        ("sub\\b.PNG", "sub/b.PNG"),
        ("./x/./y.tif", "x/y.tif"),
        ("../escape.png", None),
        ("ok/../../up.png", None),
        ("/etc/passwd", None),
        ("C:/Windows/x.png", None),
        ("", None),
        ("a\x00b.pdf", None),
    ],
)
def test_safe_member_name(name: str, expected: str | None) -> None:
    assert safe_member_name(name) == expected


def test_safe_member_name_is_nfc() -> None:
    decomposed = "quye\u0302\u0301t-đi\u0323nh.pdf"
    assert safe_member_name(decomposed) == "quyết-định.pdf"


def test_classify_name() -> None:
    assert classify_name("x/a.JPG") == "scan"
    assert classify_name("x.zip") == "archive"
    assert classify_name("manifest.csv") == "side"
    assert classify_name("a.truth.json") == "side"
    assert classify_name("Thumbs.db") == "ignored"
    assert classify_name(".hidden.pdf") == "ignored"
    assert classify_name("letter.doc") == "other"


def _entry(name: str, size: int = 100, packed: int = 50, **kw: bool) -> ZipEntry:
    return ZipEntry(name, size, packed, kw.get("is_dir", False), kw.get("is_link", False), kw.get("encrypted", False))


def test_check_zip_caps_the_whole_archive() -> None:
    limits = ZipLimits(max_entries=3, max_total_bytes=10_000, ratio_floor_bytes=1000, max_ratio=10)
    many = [_entry(f"{i}.png") for i in range(4)]
    assert "entries" in (check_zip(many, limits).archive_problem or "")
    big = [_entry("a.png", size=6000, packed=3000), _entry("b.png", size=6000, packed=3000)]
    assert "expand" in (check_zip(big, limits).archive_problem or "")
    squeezed = [_entry("a.png", size=5000, packed=100)]
    assert "ratio" in (check_zip(squeezed, limits).archive_problem or "")
    fine = [_entry("a.png"), _entry("dir/", is_dir=True)]
    assert check_zip(fine, limits) == check_zip(fine, limits)
    assert check_zip(fine, limits).archive_problem is None


def test_check_zip_judges_each_entry() -> None:
    verdict = check_zip(
        [
            _entry("ok.png"),
            _entry("../x.png"),
            _entry("l.png", is_link=True),
            _entry("e.png", encrypted=True),
            _entry("huge.png", size=2000, packed=10),
        ],
        ZipLimits(max_entry_bytes=1500, ratio_floor_bytes=1_000_000),
    )
    problems = verdict.entry_problems
    assert problems[0] is None
    assert "unsafe path" in (problems[1] or "")
    assert "link" in (problems[2] or "")
    assert "encrypted" in (problems[3] or "")
    assert "exceeds" in (problems[4] or "")


def test_discover_hostile_zips(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("traversal.zip", "ratio-bomb.zip", "encrypted-entry.zip", "corrupt.zip"):
        shutil.copy(RES / name, inbox / name)
    staging = tmp_path / "staging"
    found = discover([inbox], staging)
    by_key = {item.key: item for item in found.items}
    good = by_key["traversal.zip/good/page.png"]
    assert good.problem is None and good.path is not None and good.path.is_file()
    assert good.path.is_relative_to(staging)
    assert "ZIP bomb" in (by_key["ratio-bomb.zip"].problem or "")
    assert "encrypted" in (by_key["encrypted-entry.zip/secret.png"].problem or "")
    assert by_key["encrypted-entry.zip/secret.png"].path is None
    assert "corrupt" in (by_key["corrupt.zip"].problem or "")
    assert "link" in (by_key["traversal.zip/good/link.png"].problem or "")
    assert "ZIP inside a ZIP" in (by_key["traversal.zip/nested.zip"].problem or "")
    unsafe = [i for i in found.items if i.problem and "unsafe path" in i.problem]
    assert len(unsafe) == 3
    # nothing was written outside the staging folder, and the bomb was never inflated
    assert not (tmp_path / "escape.png").exists() and not (tmp_path / "up.png").exists()
    assert sum(p.stat().st_size for p in staging.rglob("*") if p.is_file()) < 100_000


def test_discover_folder_file_and_zip_keys(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "manifest.csv").write_text("file\n")
    (folder / ".DS_Store").write_bytes(b"x")
    (folder / "renamed.bin").write_bytes(b"%PDF-1.4\n")
    single = tmp_path / "b.pdf"
    single.write_bytes(b"%PDF-1.4\n")
    archive = tmp_path / "more.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("c.jpg", b"\xff\xd8\xff")
    archive.write_bytes(buf.getvalue())
    found = discover([folder, single, archive, tmp_path / "missing.pdf"], tmp_path / "st")
    keys = {item.key: item.problem for item in found.items}
    assert keys == {
        "sub/a.png": None,
        "renamed.bin": None,
        "b.pdf": None,
        "c.jpg": None,
        "missing.pdf": "not found",
    }
    assert found.skipped == ["manifest.csv"]


def test_discover_prefixes_colliding_keys(tmp_path: Path) -> None:
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    found = discover([tmp_path / "x", tmp_path / "y"], tmp_path / "st")
    assert sorted(item.key for item in found.items) == ["x/a.png", "y/a.png"]


def test_discover_does_not_follow_links(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "link.png").symlink_to(secret)
    (folder / "linked-dir").symlink_to(tmp_path)
    found = discover([folder], tmp_path / "st")
    problems = {item.key: item.problem for item in found.items}
    assert "link" in (problems["link.png"] or "")
    assert "link" in (problems["linked-dir"] or "")


def test_zip_member_growing_past_its_declared_size_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    data = bytearray(buf.getvalue())
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # central directory: 10 bytes
    (tmp_path / "liar.zip").write_bytes(bytes(data))
    found = discover([tmp_path / "liar.zip"], tmp_path / "st")
    assert len(found.items) == 1
    item = found.items[0]
    assert item.problem is not None


def _zip_with_fifo_entry() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.png", b"\x89PNG\r\n\x1a\n")
        fifo = zipfile.ZipInfo("pipe.png")
        fifo.create_system = 3
        fifo.external_attr = (0o010644) << 16  # S_IFIFO | rw-r--r--
        z.writestr(fifo, b"")
        device = zipfile.ZipInfo("disk.tif")
        device.create_system = 3
        device.external_attr = (0o060644) << 16  # S_IFBLK
        z.writestr(device, b"")
    return buf.getvalue()


def _discover_within(paths: list[Path], staging: Path, seconds: float = 10) -> dict[str, str | None]:
    """``{key: problem}`` of :func:`discover`, failing (not hanging) if it takes more than ``seconds``."""
    import threading

    result: list[dict[str, str | None]] = []
    worker = threading.Thread(
        target=lambda: result.append({i.key: i.problem for i in discover(paths, staging).items}), daemon=True
    )
    worker.start()
    worker.join(seconds)
    assert result, f"discover hung on a special file in {paths}"
    return result[0]


def test_d10_special_files_in_a_folder_are_quarantined_without_opening(tmp_path: Path) -> None:
    """D10: a FIFO (even one named like a scan or a ZIP) or a socket is quarantined, never opened."""
    import os
    import socket

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for name in ("pipe.pdf", "pipe.zip", "pipe.bin"):
        os.mkfifo(folder / name)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "sock.png"))
        found = _discover_within([folder], tmp_path / "st")
        given = _discover_within([folder / "pipe.zip"], tmp_path / "s2")
    assert found["a.png"] is None
    for key in ("pipe.pdf", "pipe.zip", "pipe.bin"):
        assert "FIFO (named pipe), not a regular file; not opened" in (found[key] or "")
    assert "socket" in (found["sock.png"] or "")
    assert "FIFO" in (given["pipe.zip"] or "")


def test_d10_special_entries_in_a_zip_are_quarantined_not_extracted(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    archive.write_bytes(_zip_with_fifo_entry())
    staging = tmp_path / "st"
    items = {i.key: i for i in discover([archive], staging).items}
    assert items["a.png"].problem is None
    for key in ("pipe.png", "disk.tif"):
        assert items[key].problem == "special file (FIFO, device or socket) inside ZIP; not extracted"
        assert items[key].path is None
    assert len([p for p in staging.rglob("*") if p.is_file()]) == 1


def test_d13_empty_zip_is_nothing_to_ingest(tmp_path: Path) -> None:
    """D13: a ZIP with no entries, or only folders and side files, is reported, never silently empty."""
    from ingest.sources import EMPTY_ZIP, NOTHING_TO_INGEST, nothing_to_ingest

    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    only_side = tmp_path / "side.zip"
    with zipfile.ZipFile(only_side, "w") as z:
        z.writestr("sub/", b"")
        z.writestr("manifest.csv", b"file\n")
        z.writestr("__MACOSX/.DS_Store", b"x")
    assert nothing_to_ingest([empty]) == NOTHING_TO_INGEST
    assert nothing_to_ingest([only_side, empty]) == NOTHING_TO_INGEST
    folder = tmp_path / "upload"
    folder.mkdir()
    shutil.copy(empty, folder / "empty.zip")
    assert nothing_to_ingest([folder]) == NOTHING_TO_INGEST
    (folder / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert nothing_to_ingest([folder]) is None
    found = {i.key: i.problem for i in discover([folder], tmp_path / "st").items}
    assert found == {"a.png": None, "empty.zip": EMPTY_ZIP}
