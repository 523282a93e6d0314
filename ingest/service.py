"""The ingest service functions that the CLI (``kho ingest``) and the web app call.

- :func:`create_batch` checks the inputs and the manifest and records a batch in the catalog (or
  returns the existing batch of the same name and inputs, so re-running a command resumes it).
- :func:`run_batch` runs (or resumes) a batch to the end and returns a :class:`BatchSummary`. It may
  run in a background thread of the web app: progress goes to the catalog item by item
  (``Catalog.batch_progress``) and, if given, to a callback.
- :func:`find_batch` resolves ``--resume BATCH`` (a name or a numeric ID).

Batch state lives in the catalog, so a run killed at any moment (even ``kill -9``) is finished by
running the batch again. See docs/ingest.md.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.corrections import load_corrections, with_corrections
from ingest.manifest import Manifest, manifest_bytes, parse_manifest, read_manifest
from ingest.plan import PlannedDocument, plan_documents
from ingest.progress import ProgressCallback
from ingest.report import BatchSummary, write_report
from ingest.runner import Callbacks, page_pool, run_pipeline
from ingest.sources import discover, nothing_to_ingest
from ingest.steps import FINAL_STATUSES, BatchRun, RunCounters, quarantine_dir
from ingest.worker import recognise_page
from kho.backends import Backends
from kho.errors import ConflictError, InputError, NotFoundError, UsageError
from kho.settings import Settings
from ocr.pipeline import OcrOptions
from ocr.recognize import available_languages
from repository.catalog import Batch, BatchItem, NewBatchItem

WINDOW_PER_WORKER = 3
MANIFEST_KEY = "manifest"
_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


@dataclass(frozen=True)
class SetAsideFile:
    """A file refused before the batch ran (an upload's empty or wrong-type file): name, where it is, why."""

    name: str
    path: Path
    reason: str


def set_aside(backends: Backends, batch: Batch, files: Sequence[SetAsideFile]) -> None:
    """Record ``files`` as ``quarantined`` items of ``batch`` with their reasons, moved to its quarantine folder.

    They are final items: a run of the batch leaves them alone and counts them (the batch ends
    "done with errors"). A key already in the batch is left as it is.
    """
    catalog = backends.catalog
    known = {item.key for item in catalog.list_batch_items(batch.id)}
    fresh = [f for f in files if f.name not in known]
    if not fresh:
        return
    catalog.upsert_batch_items(batch.id, [NewBatchItem(f.name) for f in fresh])
    for f in fresh:
        target = quarantine_dir(backends.settings.data_dir, batch.id, f.name)
        target.mkdir(parents=True, exist_ok=True)
        kept = target / f"01-{_UNSAFE.sub('_', f.name).strip('._') or 'file'}"
        shutil.move(str(f.path), kept)
        catalog.update_batch_item(batch.id, f.name, status="quarantined", reason=f.reason,
                                  fields={"files": [f.name], "origins": [f.name], "quarantine": str(target)})


def default_batch_name(sources: Sequence[str], manifest_sha256: str | None) -> str:
    """A name that the same inputs and manifest always get: re-running a command resumes its batch."""
    text = "\n".join(sorted(sources)) + "\n" + (manifest_sha256 or "")
    return "ingest-" + hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def _resolved(paths: Sequence[Path]) -> list[str]:
    if not paths:
        raise UsageError("give at least one file, folder or ZIP to ingest", subject="kho ingest")
    out = []
    for path in paths:
        if not path.exists():
            raise InputError("not found", subject=str(path))
        out.append(str(path.resolve()))
    return list(dict.fromkeys(out))


def keep_manifest(settings: Settings, manifest: Path) -> tuple[Path, str]:
    """Check a manifest and keep a copy under ``DATA_DIR/manifests/`` (so a resume reads the same one)."""
    read_manifest(manifest)  # streamed and bounded: a huge file or row is refused before anything is kept
    data = manifest_bytes(manifest)
    digest = hashlib.sha256(data).hexdigest()
    suffix = ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"
    kept = settings.data_dir / "manifests" / f"{digest}{suffix}"
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_name(kept.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(kept)
    return kept, digest


def create_batch(
    backends: Backends, paths: Sequence[Path], manifest: Path | None = None, name: str | None = None
) -> Batch:
    """Record a batch of ``paths`` (files, folders, ZIPs) with an optional manifest; nothing runs yet.

    With no ``name``, the name is derived from the inputs (``ingest-<hash>``). If a batch of that
    name exists with the same inputs and manifest it is returned (to be resumed); with other inputs
    :class:`ConflictError` is raised. Raises :class:`InputError` for a missing input or an
    unusable manifest.
    """
    sources = _resolved(paths)
    empty = nothing_to_ingest(Path(s) for s in sources)
    if empty:
        raise InputError(empty, subject=", ".join(p.name for p in paths)[:200])
    options: dict[str, str] = {}
    digest = None
    if manifest is not None:
        kept, digest = keep_manifest(backends.settings, manifest)
        options = {MANIFEST_KEY: str(kept), "manifest_name": manifest.name, "manifest_sha256": digest}
    batch_name = name or default_batch_name(sources, digest)
    existing = backends.catalog.find_batch_by_name(batch_name)
    if existing is not None:
        if list(existing.sources) == sources and existing.options.get("manifest_sha256") == options.get(
            "manifest_sha256"
        ):
            return existing
        raise ConflictError(
            "a batch with this name exists with other inputs; resume it with --resume, or choose another name",
            subject=batch_name,
        )
    return backends.catalog.create_batch(batch_name, sources, options)


def find_batch(backends: Backends, ref: str) -> Batch:
    """The batch called ``ref``, or with ID ``ref``; :class:`NotFoundError` if there is none."""
    found = backends.catalog.find_batch_by_name(ref)
    if found is not None:
        return found
    if ref.isdigit():
        return backends.catalog.get_batch(int(ref))
    raise NotFoundError("no batch with this name or ID (see the web page Lô / Batches)", subject=ref)


def ocr_options(settings: Settings) -> OcrOptions:
    """OCR options for ingest (page images and text PDFs on); checks the Tesseract languages."""
    installed = available_languages(float(settings.ocr_timeout))
    missing = [code for code in settings.ocr_lang.split("+") if code not in installed]
    if missing:
        raise UsageError(
            f"Tesseract language data not installed: {', '.join(missing)}; on Debian install "
            f"tesseract-ocr-{missing[0]}",
            subject="KHO_OCR_LANG",
        )
    return OcrOptions.from_settings(settings, images=True, text_pdf=True, osd="osd" in installed)


def _load_manifest(batch: Batch) -> Manifest | None:
    kept = batch.options.get(MANIFEST_KEY)
    if not kept:
        return None
    path = Path(kept)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"the batch's copy of its manifest is missing: {e.strerror or e}", subject=str(path)) from e
    return parse_manifest(data, str(batch.options.get("manifest_name") or path.name))


def batch_manifest(backends: Backends, batch: Batch) -> Manifest | None:
    """The batch's manifest as a run reads it: the uploaded rows, corrected rows in their place."""
    return with_corrections(_load_manifest(batch), load_corrections(backends.settings.data_dir, batch.id))


def _plan(backends: Backends, batch: Batch, staging: Path) -> tuple[list[PlannedDocument], list[BatchItem]]:
    discovery = discover([Path(s) for s in batch.sources], staging)
    planned = plan_documents(discovery, batch_manifest(backends, batch))
    items = backends.catalog.upsert_batch_items(
        batch.id, [NewBatchItem(doc.key, pages=doc.expected_pages) for doc in planned]
    )
    return planned, items


def run_batch(
    backends: Backends,
    batch_id: int,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> BatchSummary:
    """Run batch ``batch_id`` to the end (or resume it) and write its report.

    ``jobs`` worker processes recognise pages (default: ``KHO_JOBS``, one per core; 1 runs inline).
    Items already ``indexed`` or ``quarantined`` are left alone; ``stored`` ones are only indexed;
    the others are processed. Bad input is quarantined and the batch goes on. If a backend fails,
    the batch is marked ``failed`` and the error is raised; running it again continues it.
    """
    settings = backends.settings
    catalog = backends.catalog
    batch = catalog.get_batch(batch_id)
    workers = jobs or settings.effective_jobs
    started = time.monotonic()
    staging = settings.data_dir / "staging" / f"batch-{batch.id}"
    catalog.set_batch_status(batch.id, "running")
    try:
        options = ocr_options(settings)
        backends.index.ensure_ready()
        planned, items = _plan(backends, batch, staging)
        state = {item.key: item for item in items}
        todo = [doc for doc in planned if state[doc.key].status not in FINAL_STATUSES]
        run = BatchRun(backends, batch, options, staging, progress=progress)
        run.documents_total = len(planned)
        run.documents_done = run.done_before = len(planned) - len(todo)
        run.known_records = {k: i.record_id for k, i in state.items() if i.status in ("processing", "stored")}
        run.emit()
        with page_pool(workers, settings) as pool:
            callbacks = Callbacks(on_done=run.finish, on_error=run.fail, on_tick=run.tick, on_page=run.keep_page)
            window = max(2, WINDOW_PER_WORKER * pool.slots)
            run_pipeline(run.prepared(todo), pool, window, callbacks, recognise_page)
        run.buffer.flush(refresh=True)
    except BaseException:
        catalog.set_batch_status(batch.id, "failed")
        raise
    summary = finish_batch(backends, batch, run.counters, time.monotonic() - started)
    shutil.rmtree(staging, ignore_errors=True)
    run.emit(finished=True)
    return summary


def finish_batch(backends: Backends, batch: Batch, counters: RunCounters, seconds: float) -> BatchSummary:
    """Mark the batch ``done`` with its counts, write the report, and return the summary."""
    catalog = backends.catalog
    items = catalog.list_batch_items(batch.id)
    counts = catalog.count_items_by_status(batch.id)
    review = sum(1 for i in items if (i.fields or {}).get("review_state") == "needs_review")
    stored = counts["stored"] + counts["indexed"]
    summary = BatchSummary(
        batch_id=batch.id,
        name=batch.name,
        status="done",
        documents=len(items),
        stored=stored,
        stored_now=counters.stored_now,
        already_stored=counters.already_stored,
        pages=sum(i.pages or 0 for i in items if i.status in ("stored", "indexed")),
        pages_this_run=counters.pages,
        failed=counts["failed"],
        quarantined=counts["quarantined"],
        needs_review=review,
        seconds=round(seconds, 2),
        pages_per_minute=round(counters.pages * 60.0 / seconds, 1) if seconds > 0 else 0.0,
    )
    final_counts = {**counts, "needs_review": review}
    batch = catalog.set_batch_status(batch.id, "done", counts=final_counts)
    return write_report(backends.settings.data_dir, batch, items, summary, backends.settings.language)
