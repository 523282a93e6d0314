"""``kho batch fix-row BATCH DOCUMENT --set COLUMN=VALUE ...``: correct a bad manifest row, run the batch again.

The same operation as the batch page's "Sửa dòng bảng kê" (:func:`access.batch_fixes.fix_manifest_row`,
audited ``batch.row_fix`` as ``cli:<system user>``); a row still invalid is refused with every reason
(exit 3) and nothing changes.
"""

from __future__ import annotations

import click

from kho.cli.lang import group, language, t
from kho.context import CliContext
from kho.errors import InputError, UsageError


@group("batch", "Các lô số hóa: sửa dòng bảng kê của một văn bản bị cách ly rồi chạy lại lô.",
       "Digitization batches: correct the manifest row of a quarantined document and run the batch again.")
def batch() -> None:
    """Digitization batches (``fix-row``)."""


def parse_sets(sets: tuple[str, ...], editable: tuple[str, ...]) -> dict[str, str]:
    """``COLUMN=VALUE`` options as cells (column names as in a manifest header: ``Issued-On`` → ``issued_on``)."""
    from ingest.manifest import column_name

    cells: dict[str, str] = {}
    for given in sets:
        name, sep, value = given.partition("=")
        column = column_name(name)
        if not sep or column not in editable:
            raise UsageError(t(f"cần dạng CỘT=GIÁ_TRỊ, với CỘT là một trong {', '.join(editable)}",
                               f"expected COLUMN=VALUE, COLUMN one of {', '.join(editable)}"), subject="--set")
        cells[column] = value
    return cells


@batch.command("fix-row", help=t(
    "Sửa dòng bảng kê của VĂN_BẢN bị cách ly trong LÔ (tên hoặc mã) rồi chạy lại lô.\n\n"
    "Các ô không nêu trong --set giữ giá trị hiện có. Dòng được kiểm tra theo đúng quy tắc khi nhập; nếu vẫn "
    "chưa hợp lệ thì không có gì thay đổi. Tệp bảng kê đã tải lên không bị sửa: bản sửa được lưu kèm lô và "
    "ghi nhật ký (batch.row_fix).",
    "Correct the manifest row of the quarantined DOCUMENT of BATCH (a name or an ID) and run the batch again.\n\n"
    "Cells not named with --set keep their value. The row is checked by the same rule as at ingest; if it is "
    "still not valid nothing changes. The uploaded manifest is not modified: the correction is kept with the "
    "batch and audited (batch.row_fix)."))
@click.argument("batch_ref", metavar=t("LÔ", "BATCH"))
@click.argument("document", metavar=t("VĂN_BẢN", "DOCUMENT"))
@click.option("--row", "line", type=click.IntRange(min=1),
              help=t("Số dòng trong bảng kê (mặc định: dòng đầu tiên có lỗi của văn bản).",
                     "Row number in the manifest (default: the document's first row with a problem)."))
@click.option("--set", "sets", multiple=True, metavar=t("CỘT=GIÁ_TRỊ", "COLUMN=VALUE"),
              help=t("Giá trị mới của một ô, ví dụ --set issued_on=28/02/2023 (lặp lại cho nhiều ô).",
                     "A cell's new value, e.g. --set issued_on=28/02/2023 (repeat for several cells)."))
@click.option("--run/--no-run", default=True,
              help=t("Chạy lại lô ngay sau khi sửa (mặc định: có).", "Run the batch right after the correction "
                     "(default: yes)."))
@click.option("--jobs", type=click.IntRange(min=1),
              help=t("Số tiến trình (mặc định: KHO_JOBS).", "Worker processes (default: KHO_JOBS)."))
@click.option("--purpose", help=t("Mục đích ghi vào nhật ký.", "Purpose recorded in the audit trail."))
@click.pass_obj
def fix_row(obj: CliContext, batch_ref: str, document: str, line: int | None, sets: tuple[str, ...], run: bool,
            jobs: int | None, purpose: str | None) -> None:
    """Correct a manifest row through the access layer, then (by default) run the batch again."""
    from access.batch_fixes import fix_manifest_row, row_fix_form
    from access.context import AccessContext
    from ingest.corrections import EDITABLE
    from ingest.rowfix import RowFixRefused
    from ingest.service import find_batch
    from kho.cli.ingest import _run_with_progress, print_problems

    changes = parse_sets(sets, EDITABLE)
    backends = obj.backends()
    found = find_batch(backends, batch_ref)
    ctx = AccessContext.command_line(purpose)
    row = row_fix_form(backends, ctx, found.id, document).row(line)
    try:
        outcome = fix_manifest_row(backends, ctx, found.id, document, row.line, {**row.values(), **changes})
    except RowFixRefused as e:
        reasons = "; ".join(p.words(language()) for p in e.problems)
        raise InputError(reasons, subject=t(f"{document}, dòng {row.line}", f"{document}, row {row.line}")) from e
    for column, (old, new) in outcome.fix.changes.items():
        shown = (old or "—", new or "—") if column != "citizen_id" else ("•••", "•••")  # IDs stay off the screen
        click.echo(t(f"Đã sửa dòng {row.line}, {column}: {shown[0]} → {shown[1]}",
                     f"Corrected row {row.line}, {column}: {shown[0]} → {shown[1]}"))
    if not outcome.requeued:
        click.echo(t("Văn bản còn dòng khác cần sửa; chưa chạy lại.",
                     "Another row of the document still needs correcting; not run again."))
        return
    if not run:
        click.echo(t(f"Văn bản đã vào hàng chờ; chạy lại bằng: kho ingest --resume {found.id}",
                     f"The document is queued; run it with: kho ingest --resume {found.id}"))
        return
    summary = _run_with_progress(obj, found.id, jobs, quiet=False)
    for text in summary.lines(language()):
        click.echo(text)
    print_problems(backends, found.id)
