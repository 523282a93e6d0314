"""``kho certify``, ``kho verify-copy``, ``kho signing-keys``, ``kho revoke``, ``kho stats``,
``kho export --bagit`` and ``kho import --bagit``: verifiable reuse and archive transfer.

Heavy modules (pyHanko, SQLAlchemy, bagit) are imported inside the command bodies.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from kho.cli.lang import command, day, group, one_side, t, vn_time
from kho.cli.lazy import LazyCommand
from kho.context import CliContext
from kho.errors import InputError, UsageError


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _policy() -> Any:
    from access.scopes import ScopePolicy
    from search.places import load_places

    return ScopePolicy(load_places())


@command(
    "certify",
    "Chứng thực bản sao điện tử của hồ sơ (PDF/A-2b, chữ ký PAdES, mã QR để kiểm tra).\n\n"
    "Bản sao được lưu thành một tệp mới của hồ sơ, đăng ký theo mã kiểm tra và ghi nhật ký; người chạy lệnh là "
    "cán bộ chứng thực.",
    "Make a certified electronic copy of a record (PDF/A-2b, PAdES, QR check).\n\n"
    "The copy is stored as a new file of the record, registered under its verification code and audited; the "
    "operator is the certifying official.",
)
@click.argument("record_id")
@click.option("--purpose", required=True, metavar="TEXT",
              help=t("Mục đích làm bản sao (ghi nhật ký).", "Why the copy is made (audited)."))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=t("Ghi bản sao vào đây (mặc định: <RECORD_ID>-<mã>.pdf).",
                     "Write the copy here (default: <RECORD_ID>-<code>.pdf)."))
@click.option("--json", "as_json", is_flag=True, help=t("In kết quả dạng JSON.", "Print the result as JSON."))
@click.pass_obj
def certify_command(obj: CliContext, record_id: str, purpose: str, out: Path | None, as_json: bool) -> None:
    """Certify the record and write the signed copy."""
    from access.context import AccessContext
    from kho.reuse.certify import certify_record

    folder = (out.parent if out else Path.cwd()).resolve()
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise UsageError(t("thư mục không có hoặc không ghi được; chưa chứng thực gì",
                           "the folder does not exist or cannot be written; nothing was certified"),
                         subject=str(folder))
    backends = obj.backends()
    made = certify_record(backends, _policy(), AccessContext.command_line(purpose, required=True), record_id)
    target = out or Path(f"{made.record.record_id}-{made.copy.code}.pdf")
    try:
        target.write_bytes(made.pdf)
    except OSError as e:
        raise InputError(t(f"không ghi được bản sao: {e.strerror or e}", f"cannot write the copy: {e.strerror or e}"),
                         subject=str(target)) from e
    result = {"code": made.copy.code, "verify_url": made.url, "record_id": made.record.record_id,
              "version": made.record.version, "sha256": made.copy.sha256, "size": made.copy.size,
              "certified_at": made.copy.certified_at.isoformat(), "office": made.copy.office, "file": str(target)}
    if as_json:
        _echo_json(result)
        return
    click.echo(t(f"{target}: bản sao chứng thực {made.copy.code}", f"{target}: certified copy {made.copy.code}"))
    click.echo(t(f"  kiểm tra: {made.url}", f"  verify: {made.url}"))
    click.echo(t(f"  chứng thực lúc: {vn_time(made.copy.certified_at)}",
                 f"  certified at: {vn_time(made.copy.certified_at)}"))
    click.echo(f"  SHA-256: {made.copy.sha256}")


@command(
    "verify-copy",
    "Kiểm tra bản sao chứng thực: chữ ký, mã băm trong kho, tình trạng hiện nay.\n\n"
    "Mã thoát: 0 hợp lệ, 20 bị sửa sau khi ký, 21 chưa ký, 22 do nơi khác ký, 23 không do kho này cấp, "
    "24 kết quả đã bị thu hồi, 25 kết quả đã được thay thế.",
    "Check a certified copy: signature, hash in the repository, status now.\n\n"
    "Exit codes: 0 valid, 20 changed after signing, 21 not signed, 22 signed by someone else, 23 not issued "
    "by this repository, 24 result revoked, 25 result superseded.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=t("In kết luận dạng JSON.", "Print the verdict as JSON."))
@click.pass_obj
def verify_copy_command(obj: CliContext, file: Path, as_json: bool) -> None:
    """Check ``file`` and print the verdict; exit with the verdict's code."""
    from kho.reuse.verify import verify_copy

    try:
        data = file.read_bytes()
    except OSError as e:
        raise InputError(t(f"không đọc được tệp: {e.strerror or e}", f"cannot read the file: {e.strerror or e}"),
                         subject=str(file)) from e
    try:
        check = verify_copy(obj.backends(), data)
    except InputError as e:
        raise InputError(e.message, subject=str(file)) from e
    if as_json:
        _echo_json({"file": str(file), **check.to_json()})
    else:
        click.echo(f"{file}: {check.outcome.value}: {one_side(check.message)}")
        if check.code:
            click.echo(t(f"  mã {check.code}, hồ sơ {check.record_id}, tình trạng {check.record_status or '?'}",
                         f"  code {check.code}, record {check.record_id}, status {check.record_status or '?'}"))
        known = t("do kho này cấp", "issued here") if check.hash_known else t("không rõ", "unknown")
        click.echo(f"  SHA-256 {check.sha256} ({known})")
    if check.exit_code:
        sys.exit(check.exit_code)  # the verdict's own code (click would swallow Exit outside standalone mode)


@group("signing-keys", "Khóa ký số của cơ quan (tạo, nhập, liệt kê).", "The office's signing keys (create, import, "
       "list).")
def signing_keys() -> None:
    """The office's signing keys (``create``, ``import``, ``list``)."""


@signing_keys.command("create", help=t("Tạo CA tự ký của cơ quan, một khóa ký và một khóa đóng dấu thời gian cục bộ, "
                                       "rồi dùng chúng.",
                                       "Create a self-signed office CA, a signing key and a local time-stamping key, "
                                       "and make them active."))
@click.option("--id", "key_id", default=None, help=t("Mã khóa (mặc định: office-YYYYMMDD).",
                                                     "Key id (default: office-YYYYMMDD)."))
@click.option("--office", default=None, help=t("Cơ quan chứng thực (mặc định: KHO_OFFICE_NAME).",
                                               "Certifying office (default: KHO_OFFICE_NAME)."))
@click.pass_obj
def signing_keys_create(obj: CliContext, key_id: str | None, office: str | None) -> None:
    """Create the office's keys."""
    from datetime import UTC, datetime

    from kho.reuse.signing import new_office_keys, signing_key_row

    settings = obj.settings
    office = office or settings.office_name
    now = datetime.now(UTC)
    keys = new_office_keys(office or "", settings.signing_passphrase.get_secret_value(), now)
    row = obj.backends().catalog.reuse.add_signing_key(
        signing_key_row(key_id or f"office-{now:%Y%m%d}", office or "", keys, now)
    )
    click.echo(t(f"{row.id}: khóa ký mới của {row.office} (SHA-256 {row.fingerprint})",
                 f"{row.id}: new signing key of {row.office} (SHA-256 {row.fingerprint})"))


@signing_keys.command("import", help=t("Nhập một khóa: tệp PKCS#12 (.p12/.pfx), hoặc khóa riêng PEM kèm --cert; "
                                       "được mã hóa lại khi lưu.",
                                       "Import a key: a PKCS#12 file (.p12/.pfx), or a PEM private key with --cert; "
                                       "re-encrypted at rest."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "key_id", required=True, help=t("Mã khóa.", "Key id."))
@click.option("--office", default=None, help=t("Cơ quan chứng thực (mặc định: KHO_OFFICE_NAME).",
                                               "Certifying office (default: KHO_OFFICE_NAME)."))
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help=t("Chứng thư (PEM/DER) khi FILE là khóa riêng PEM.",
                     "Certificate (PEM/DER) when FILE is a PEM private key."))
@click.option("--chain", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help=t("Các chứng thư CA (PEM), gốc tin cậy ở cuối.", "CA certificates (PEM), the trust anchor last."))
@click.option("--password-stdin", is_flag=True, help=t("Đọc mật khẩu của tệp từ dòng đầu của đầu vào chuẩn.",
                                                       "Read the file's password from the first line of stdin."))
@click.pass_obj
def signing_keys_import(obj: CliContext, file: Path, key_id: str, office: str | None, cert: Path | None,
                        chain: Path | None, password_stdin: bool) -> None:
    """Import a signing key."""
    from kho.reuse.signing import imported_key

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else ""
    data = file.read_bytes()
    is_pem = b"-----BEGIN" in data
    if is_pem and cert is None:
        raise UsageError(t("khóa riêng PEM cần chứng thư của nó: --cert FILE",
                           "a PEM private key needs its certificate: --cert FILE"), subject=str(file))
    row = imported_key(
        key_id, office or obj.settings.office_name, obj.settings.signing_passphrase.get_secret_value(),
        pkcs12_data=None if is_pem else data, pkcs12_password=password,
        key_pem=data if is_pem else None, key_password=password,
        cert_data=cert.read_bytes() if cert else None, chain_data=chain.read_bytes() if chain else None,
        subject=str(file),
    )
    stored = obj.backends().catalog.reuse.add_signing_key(row)
    click.echo(t(f"{stored.id}: đã nhập khóa của {stored.office} (SHA-256 {stored.fingerprint})",
                 f"{stored.id}: imported key of {stored.office} (SHA-256 {stored.fingerprint})"))


@signing_keys.command("list", help=t("Liệt kê khóa ký, mới nhất trước (không bao giờ in khóa riêng).",
                                     "List signing keys, newest first (never the private keys)."))
@click.option("--json", "as_json", is_flag=True, help=t("In dạng JSON.", "Print as JSON."))
@click.pass_obj
def signing_keys_list(obj: CliContext, as_json: bool) -> None:
    """Print the signing keys."""
    keys = obj.backends().catalog.reuse.list_signing_keys()
    rows: list[dict[str, Any]] = [
        {"id": k.id, "office": k.office, "active": k.active, "source": k.source, "fingerprint": k.fingerprint,
         "created_at": k.created_at.isoformat(), "local_tsa": bool(k.tsa_certificate)} for k in keys
    ]
    if as_json:
        _echo_json(rows)
        return
    for k in keys:
        mark = "*" if k.active else " "
        click.echo(f"{mark} {k.id}  {k.office}  {k.source}  {day(k.created_at)}  {k.fingerprint}")


@command("revoke", "Thu hồi văn bản: ghi một phiên bản mới của hồ sơ, cập nhật chỉ mục, ghi nhật ký.",
         "Mark a result revoked: a new record version, the index refreshed, audited.")
@click.argument("record_id")
@click.option("--reason", required=True, help=t("Lý do (ví dụ số quyết định thu hồi).",
                                                "Why (e.g. the revoking decision's number)."))
@click.option("--purpose", default=None, metavar="TEXT", help=t("Mục đích (ghi nhật ký).", "Purpose (audited)."))
@click.pass_obj
def revoke_command(obj: CliContext, record_id: str, reason: str, purpose: str | None) -> None:
    """Revoke the record through the access layer."""
    from access.changes import revoke_record
    from access.context import AccessContext

    ctx = AccessContext.command_line(purpose)
    outcome = revoke_record(obj.backends(), _policy(), ctx, record_id, reason, expected_version=None)
    state = t("đã thu hồi", "revoked") if outcome.changed else t("đã thu hồi từ trước", "already revoked")
    click.echo(t(f"{record_id}: {state} (phiên bản {outcome.record.version})",
                 f"{record_id}: {state} (version {outcome.record.version})"))


@command("stats", "Thống kê theo địa bàn: hồ sơ đã số hóa, đang rà soát, đã thu hồi, đã tái sử dụng; tỉ lệ "
         "tái sử dụng.", "Statistics per locality: records digitized, in review, revoked and reused; the reuse rate.")
@click.option("--json", "as_json", is_flag=True, help=t("In kết quả dạng JSON.", "Print the result as JSON."))
@click.pass_obj
def stats_command(obj: CliContext, as_json: bool) -> None:
    """The statistics page's per-locality table and the reuse rate (one service function with the page)."""
    from kho.reuse.stats import summarize
    from web.pages.stats import area_of, collect
    from web.pages.stats_localities import locality_table

    backends = obj.backends()
    catalog = backends.catalog
    summary = summarize(list(collect(catalog)), catalog.reuse.reused_records(), catalog.reuse.reuse_counts(), area_of)
    table = locality_table(backends.index, catalog)
    if as_json:  # by_locality: the statistics page's per-locality table (digitized, in review, revoked, reused)
        _echo_json({**summary.to_json(), "by_locality": table.to_json()})
        return
    click.echo(t("Theo địa bàn: đã số hóa / đang rà soát / đã thu hồi / đã tái sử dụng",
                 "By locality: digitized / in review / revoked / reused"))
    for row in (*table.rows, table.totals):
        name = row.locality or t("Tổng cộng", "Total")
        click.echo(f"  {name}: {row.digitized} / {row.in_review} / {row.revoked} / {row.reused}")
    click.echo(t(f"Tỉ lệ tái sử dụng (đã tái sử dụng / đã số hóa qua các lô): {summary.reused} / "
                 f"{summary.digitized} = {_percent(summary.rate)}",
                 f"Reuse rate (reused / digitized in batches): {summary.reused} / {summary.digitized} = "
                 f"{_percent(summary.rate)}"))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@command("export", "Chuyển giao lưu trữ: xuất hồ sơ thành gói BagIt (RFC 8493): các tệp, các phiên bản, bảng "
         "SHA-256.",
         "Export records as a BagIt (RFC 8493) bag: files, versions, SHA-256 manifests.")
@click.option("--bagit", "bag_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=t("Ghi gói BagIt vào thư mục mới này.", "Write a BagIt bag into this new folder."))
@click.option("--batch", "batch", default=None, help=t("Chỉ hồ sơ của lô số hóa này (mã hoặc tên).",
                                                       "Only the records of this ingest batch (id or name)."))
@click.option("--query", default=None, help=t("Chỉ hồ sơ mà phép tìm này tìm thấy.",
                                              "Only the records a search finds."))
@click.option("--purpose", default=None, metavar="TEXT",
              help=t("Mục đích (ghi nhật ký: gói chứa dữ liệu cá nhân).",
                     "Why (audited: the bag holds personal data)."))
@click.pass_obj
def export_command(obj: CliContext, bag_dir: Path, batch: str | None, query: str | None, purpose: str | None) -> None:
    """Export the selected records as a bag."""
    from access.context import AccessContext
    from kho.reuse.transfer import export_records, select_record_ids

    if batch and query:
        raise UsageError(t("chọn --batch hoặc --query, không dùng cả hai", "choose --batch or --query, not both"),
                         subject="--batch")
    backends = obj.backends()
    ids = select_record_ids(backends, batch=batch, query=query)
    selection = {k: v for k, v in (("batch", batch), ("query", query)) if v}
    report = export_records(backends, AccessContext.command_line(purpose), ids, bag_dir, selection)
    click.echo(t(f"{bag_dir}: {report.records} hồ sơ, {report.files} tệp, {report.bytes} byte (BagIt, SHA-256)",
                 f"{bag_dir}: records: {report.records}, files: {report.files}, bytes: {report.bytes} "
                 "(BagIt, SHA-256)"))


@command("import", "Nhận chuyển giao: nhập gói BagIt các hồ sơ, kiểm tra mọi SHA-256 (hồ sơ đã có thì giữ "
         "nguyên).",
         "Import a BagIt bag of records, checking every SHA-256 (records already here are kept).")
@click.option("--bagit", "bag_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help=t("Gói BagIt do kho export --bagit ghi.", "A BagIt bag written by kho export --bagit."))
@click.pass_obj
def import_command(obj: CliContext, bag_dir: Path) -> None:
    """Import the bag's records."""
    from kho.reuse.transfer import import_records

    report = import_records(obj.backends(), bag_dir)
    click.echo(t(f"{bag_dir}: {report.imported} hồ sơ đã nhập, {report.existing} đã có, {report.files} tệp",
                 f"{bag_dir}: records imported: {report.imported}, already here: {report.existing}, "
                 f"files: {report.files}"))


def _entry(entry: click.Command) -> LazyCommand:
    """The group's entry of a command: its name, the first paragraph of its help, and itself."""
    first = (entry.help or "").split("\n\n")[0]
    return LazyCommand(entry.name or "", " ".join(first.split()), lambda: entry)


# The commands of this module, attached to the ``kho`` group by ``kho.cli`` (one line there).
ENTRIES: tuple[LazyCommand, ...] = tuple(_entry(c) for c in (
    certify_command, verify_copy_command, signing_keys, revoke_command, stats_command, export_command,
    import_command,
))
