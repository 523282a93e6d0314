"""``kho ingest PATH... [--manifest FILE] [--batch NAME] [--jobs N] [--json]`` and ``--resume BATCH``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kho.cli.lang import command, language, t
from kho.context import CliContext
from kho.errors import UsageError

if TYPE_CHECKING:
    from ingest.report import BatchSummary
    from kho.backends import Backends

PROBLEMS_SHOWN = 20


def _run_with_progress(obj: CliContext, batch_id: int, jobs: int | None, quiet: bool) -> BatchSummary:
    from ingest.progress import PlainProgress, ProgressCallback, RichProgress
    from ingest.service import run_batch

    backends = obj.backends()
    stream = sys.stderr
    if quiet:
        return run_batch(backends, batch_id, jobs)
    if stream.isatty():
        with RichProgress(stream, language()) as bar:
            return run_batch(backends, batch_id, jobs, bar)
    plain: ProgressCallback = PlainProgress(stream, language=language())
    return run_batch(backends, batch_id, jobs, plain)


def print_problems(backends: Backends, batch_id: int) -> None:
    """The files set aside or failed, each with its reason in words and what to do (at most
    :data:`PROBLEMS_SHOWN`; the report lists them all)."""
    from ingest.reasons import explain

    catalog = backends.catalog
    problems = [i for status in ("quarantined", "failed") for i in catalog.list_batch_items(batch_id, status)]
    if not problems:
        return
    click.echo(t(f"Tệp để riêng hoặc lỗi: {len(problems)}", f"Files set aside or failed: {len(problems)}"))
    for item in problems[:PROBLEMS_SHOWN]:
        why = explain(item.reason)
        click.echo(f"  {item.key}: {why.text(language()) if why else '—'}")


@command(
    "ingest",
    "Số hóa một lô: tệp, thư mục và tệp ZIP chứa bản quét PDF, TIFF, JPEG, PNG.\n\n"
    "Mỗi văn bản được băm (văn bản đã lưu thì bỏ qua), nhận dạng chữ, trích các trường, qua bước kiểm tra "
    "chất lượng, lưu vào kho và lập chỉ mục. Tệp hỏng được để riêng kèm lý do và lô vẫn chạy tiếp. Chạy lại "
    "đúng lệnh đó, hoặc `kho ingest --resume LÔ`, để chạy tiếp một lô.",
    "Digitize a batch: files, folders and ZIPs of PDF, TIFF, JPEG and PNG scans.\n\n"
    "Each document is hashed (already stored ones are skipped), recognised, its fields extracted, checked "
    "by the quality gate, stored and indexed. Bad files are set aside with their reason and the batch goes "
    "on. Running the same command again, or `kho ingest --resume BATCH`, continues a batch.",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False),
              help=t("Bảng kê CSV hoặc XLSX ghi siêu dữ liệu của từng tệp (xem docs/ingest.md).",
                     "CSV or XLSX mapping each file to its metadata (see docs/ingest.md)."))
@click.option("--batch", "name", help=t("Tên lô (mặc định: suy từ các tệp đầu vào, nên chạy lại sẽ chạy tiếp).",
                                        "Batch name (default: derived from the inputs, so a re-run resumes)."))
@click.option("--resume", "resume", metavar=t("LÔ", "BATCH"),
              help=t("Chạy tiếp lô có tên hoặc mã này.", "Continue the batch with this name or ID."))
@click.option("--jobs", type=click.IntRange(min=1),
              help=t("Số tiến trình (mặc định: KHO_JOBS, mỗi lõi một).",
                     "Worker processes (default: KHO_JOBS, one per core)."))
@click.option("--json", "as_json", is_flag=True, help=t("In bản tóm tắt dạng JSON.", "Print the summary as JSON."))
@click.option("--quiet", is_flag=True, help=t("Không in tiến độ.", "No progress output."))
@click.pass_obj
def ingest(obj: CliContext, paths: tuple[Path, ...], manifest: Path | None, name: str | None,
           resume: str | None, jobs: int | None, as_json: bool, quiet: bool) -> None:
    """Create (or resume) a batch, run it, print its summary and the files set aside."""
    from ingest.service import create_batch, find_batch

    backends = obj.backends()
    if resume is not None:
        if paths or manifest or name:
            raise UsageError(t("--resume không đi kèm đường dẫn, --manifest hay --batch",
                               "--resume takes no paths, --manifest or --batch"), subject="kho ingest")
        batch = find_batch(backends, resume)
    else:
        batch = create_batch(backends, list(paths), manifest, name)
    summary = _run_with_progress(obj, batch.id, jobs, quiet)
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in summary.lines(language()):
            click.echo(line)
        print_problems(backends, batch.id)
