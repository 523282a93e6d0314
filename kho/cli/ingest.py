"""``kho ingest PATH... [--manifest FILE] [--batch NAME] [--jobs N] [--json]`` and ``--resume BATCH``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kho.context import CliContext
from kho.errors import UsageError

if TYPE_CHECKING:
    from ingest.report import BatchSummary


def _run_with_progress(obj: CliContext, batch_id: int, jobs: int | None, quiet: bool) -> BatchSummary:
    from ingest.progress import PlainProgress, ProgressCallback, RichProgress
    from ingest.service import run_batch

    backends = obj.backends()
    stream = sys.stderr
    if quiet:
        return run_batch(backends, batch_id, jobs)
    if stream.isatty():
        with RichProgress(stream) as bar:
            return run_batch(backends, batch_id, jobs, bar)
    plain: ProgressCallback = PlainProgress(stream)
    return run_batch(backends, batch_id, jobs, plain)


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False),
              help="CSV or XLSX mapping each file to its metadata (see docs/ingest.md).")
@click.option("--batch", "name", help="Batch name (default: derived from the inputs, so a re-run resumes).")
@click.option("--resume", "resume", metavar="BATCH", help="Continue the batch with this name or ID.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: KHO_JOBS, one per core).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.pass_obj
def ingest(obj: CliContext, paths: tuple[Path, ...], manifest: Path | None, name: str | None,
           resume: str | None, jobs: int | None, as_json: bool, quiet: bool) -> None:
    """Số hoá một lô / Digitize a batch: files, folders and ZIPs of PDF, TIFF, JPEG and PNG scans.

    Each document is hashed (already stored ones are skipped), recognised, its fields extracted,
    checked by the quality gate, stored and indexed. Bad files are quarantined and the batch goes
    on. Running the same command again, or `kho ingest --resume BATCH`, continues a batch.
    """
    from ingest.service import create_batch, find_batch

    backends = obj.backends()
    if resume is not None:
        if paths or manifest or name:
            raise UsageError("--resume takes no paths, --manifest or --batch", subject="kho ingest")
        batch = find_batch(backends, resume)
    else:
        batch = create_batch(backends, list(paths), manifest, name)
    summary = _run_with_progress(obj, batch.id, jobs, quiet)
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in summary.lines():
            click.echo(line)
