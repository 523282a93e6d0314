"""``kho get``, ``kho show`` and ``kho verify``: read records and check the store's fixity."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

import click

from kho.cli.lang import command, t
from kho.context import CliContext
from kho.errors import InputError, IntegrityError

if TYPE_CHECKING:
    from rich.console import Console

    from repository.fixity import FixityReport
    from repository.records import FileRole, Record

CHOICES: dict[str, FileRole] = {"pdf": "pdf", "original": "original", "text": "text", "json": "json"}
CHUNK = 1024 * 1024


def default_file_name(record: Record, choice: str, index: int) -> str:
    """The file name ``kho get`` writes to when no ``--out`` is given."""
    if choice == "original":
        entry = next(o for o in record.objects if o.role == "original" and o.index == index)
        name = Path((entry.name or "").replace("\\", "/")).name
        return name or f"{record.record_id}-original-{index + 1}"
    suffix = {"pdf": ".pdf", "text": ".txt", "json": ".ocr.json"}[choice]
    return record.record_id + suffix


def _copy_verified(source: BinaryIO, target: BinaryIO, size: int, sha256: str, key: str) -> None:
    digest = hashlib.sha256()
    written = 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        written += len(chunk)
        target.write(chunk)
    if written != size or digest.hexdigest() != sha256:
        raise IntegrityError(
            t("tệp lưu trong kho không khớp SHA-256 ghi trong record.json; hãy chạy `kho verify`",
              "the stored object does not match its SHA-256 in record.json; run `kho verify`"), subject=key
        )


def _write_file(path: Path, source: BinaryIO, size: int, sha256: str, key: str) -> None:
    """Write to a temporary file beside ``path`` and rename it only if the checksum matched."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with open(tmp, "xb") as fh:
            _copy_verified(source, fh, size, sha256, key)
        os.replace(tmp, path)
    except OSError as e:
        raise InputError(t(f"không ghi được tệp kết quả: {e.strerror or e}",
                           f"cannot write the output file: {e.strerror or e}"), subject=str(path)) from e
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@command("get", "Tải một tệp của hồ sơ, kiểm tra SHA-256 khi tải.\n\n"
         "Việc đọc được ghi vào nhật ký truy cập (người làm ``cli:<tài khoản hệ thống>``, kèm ``--purpose``).",
         "Download one file of a record, checking its SHA-256 on the way.\n\n"
         "The read is written to the audit trail (actor ``cli:<system user>``, with ``--purpose``).")
@click.argument("record_id")
@click.option(
    "--file",
    "choice",
    type=click.Choice(sorted(CHOICES)),
    default="pdf",
    show_default=True,
    help=t("Tệp nào: PDF tìm kiếm được, bản gốc như đã nhận, chữ OCR hoặc JSON OCR.",
           "Which file: the searchable PDF, an original as received, the OCR text or the OCR JSON."),
)
@click.option(
    "--index",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help=t("Bản gốc thứ mấy, khi hồ sơ có nhiều bản.", "Which original, when a record has several."),
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help=t("Tệp hoặc thư mục ghi ra ('-' là đầu ra chuẩn). Mặc định: một tệp trong thư mục hiện tại.",
           "Output file or folder ('-' for standard output). Default: a file in the current folder."),
)
@click.option("--purpose", metavar="TEXT", help=t("Mục đích đọc (ghi vào nhật ký truy cập).",
                                                  "Why you read it (kept in the audit trail)."))
@click.pass_obj
def get_command(obj: CliContext, record_id: str, choice: str, index: int, out: Path | None,
                purpose: str | None) -> None:
    """Read one object through the access layer (audited) and write it, checking its SHA-256."""
    from access.context import AccessContext
    from access.reads import read_object
    from access.scopes import ScopePolicy
    from search.places import load_places

    backends = obj.backends()
    ctx = AccessContext.command_line(purpose)
    found = read_object(backends, ScopePolicy(load_places()), ctx, record_id, CHOICES[choice], index - 1)
    record, info, stream = found.record, found.info, found.stream  # audited before any byte is read
    key, sha256 = info.key, cast(str, info.sha256)
    with stream:
        if out is not None and str(out) == "-":
            _copy_verified(stream, sys.stdout.buffer, info.size, sha256, key)
            sys.stdout.buffer.flush()
            return
        target = out if out is not None else Path(default_file_name(record, choice, index - 1))
        if target.is_dir():
            target = target / default_file_name(record, choice, index - 1)
        _write_file(target, stream, info.size, sha256, key)
    click.echo(f"{target} ({info.size} {t('byte', 'bytes')}, sha256 {sha256})", err=True)


@command("show", "In record.json của hồ sơ (siêu dữ liệu, nguồn gốc, các tệp) dạng JSON.\n\n"
         "Việc đọc được ghi vào nhật ký truy cập (người làm ``cli:<tài khoản hệ thống>``, kèm ``--purpose``).",
         "Print a record's record.json (metadata, provenance, objects) as JSON.\n\n"
         "The read is written to the audit trail (actor ``cli:<system user>``, with ``--purpose``).")
@click.argument("record_id")
@click.option("--history", is_flag=True, help=t("In mọi phiên bản (cũ nhất trước) thay vì phiên bản hiện tại.",
                                                "Print every version (oldest first) instead of the current one."))
@click.option("--purpose", metavar="TEXT", help=t("Mục đích đọc (ghi vào nhật ký truy cập).",
                                                  "Why you read it (kept in the audit trail)."))
@click.pass_obj
def show_command(obj: CliContext, record_id: str, history: bool, purpose: str | None) -> None:
    """Read a record through the access layer (audited) and print it as JSON."""
    from access.context import AccessContext
    from access.reads import read_document
    from access.scopes import ScopePolicy
    from search.places import load_places

    backends = obj.backends()
    record = read_document(backends, ScopePolicy(load_places()), AccessContext.command_line(purpose), record_id)
    if history:
        payload: object = [r.model_dump(mode="json") for r in backends.repository.history(record_id)]
    else:
        payload = record.model_dump(mode="json")
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def print_report(report: FixityReport, console: Console) -> None:
    """A human-readable fixity report: one table row per problem, then a summary line."""
    from rich.table import Table

    if report.problems:
        table = Table(title=t("Sự cố toàn vẹn", "Fixity problems"), show_lines=False)
        for column in (t("hồ sơ", "record"), t("loại", "kind"), t("tệp", "object"), t("chi tiết", "detail")):
            table.add_column(column, overflow="fold")
        for problem in report.problems:
            prefix = f"records/{problem.record_id}/" if problem.record_id else ""
            shown = problem.key.removeprefix(prefix)
            table.add_row(problem.record_id or "-", problem.kind, shown, problem.detail)
        console.print(table)
    counts = ", ".join(f"{k} {v}" for k, v in report.counts().items())
    scope = f"{report.records_checked}/{report.records_total}" if report.sample else str(report.records_checked)
    problems = t(f"[red]{len(report.problems)} sự cố[/red]", f"[red]problems: {len(report.problems)}[/red]")
    console.print(
        t(f"Đã kiểm tra {scope} hồ sơ, {report.objects_checked} tệp, {report.bytes_checked} byte: ",
          f"Checked records: {scope}, objects: {report.objects_checked}, bytes: {report.bytes_checked}: ")
        + ("[green]OK[/green]" if report.ok else f"{problems} ({counts})")
    )


@command("verify", "Kiểm tra toàn vẹn kho: đọc lại các tệp, so SHA-256 và độ đầy đủ; lưu kết quả.",
         "Re-read objects, check SHA-256 and completeness; store the result.")
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help=t("Chỉ kiểm tra N hồ sơ chọn ngẫu nhiên.", "Check N records chosen at random."))
@click.option("--json", "as_json", is_flag=True, help=t("In báo cáo dạng JSON.", "Print the report as JSON."))
@click.pass_obj
def verify_command(obj: CliContext, sample: int | None, as_json: bool) -> None:
    """Check the store's fixity, record the run in the catalog and print the report."""
    from rich.console import Console

    from repository.fixity import catalog_knows, verify_store

    backends = obj.backends()
    report = verify_store(backends.store, sample=sample, known=catalog_knows(backends.catalog))
    run = backends.catalog.record_fixity_run(report.summary())
    if as_json:
        click.echo(json.dumps({"run_id": run.id, **report.to_json()}, ensure_ascii=False, indent=2))
    else:
        print_report(report, Console(soft_wrap=False))
    if not report.ok:
        records = len({p.record_id for p in report.problems})
        raise IntegrityError(
            t(f"{len(report.problems)} sự cố ở {records} thư mục hồ sơ hoặc tệp lạc; hãy khôi phục các tệp từ "
              "bản sao lưu hoặc phiên bản trước của bucket, và record.json của hồ sơ bị hỏng từ phiên bản cuối "
              "(docs/repository.md); không bao giờ xóa thư mục hồ sơ",
              f"problems: {len(report.problems)}, record folders or stray objects: {records}; restore the "
              "objects from a backup or the bucket's previous versions, and a damaged record's record.json from "
              "its last version (docs/repository.md); never delete a record folder"),
            subject="kho verify",
        )
