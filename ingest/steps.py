"""The parent's side of a batch run: prepare, store, index, quarantine, one document at a time.

:class:`BatchRun` holds the backends and the counters of one run. :meth:`BatchRun.prepare` hashes
a document's files, skips it if its record is already stored (only making sure it is indexed and
queued for review), and inspects its files into page tasks. :meth:`BatchRun.finish` turns the
recognised pages into a record (fields, quality gate, metadata, files) and stores it;
:meth:`BatchRun.fail` quarantines bad input or records a failure. Only this process writes to the
store, the index and the catalog; every step is idempotent, so a run killed at any moment and
started again ends with every document stored exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest.engine import engine_identity
from ingest.indexing import IndexBuffer
from ingest.plan import PlannedDocument
from ingest.progress import ProgressCallback, ProgressEvent, estimate_eta
from ingest.quality import QualityRules, assess
from ingest.records import (
    FileOcr,
    build_metadata,
    build_provenance,
    item_fields,
    record_files,
    write_page_files,
)
from ingest.report import redact_ids
from ingest.worker import IngestPage
from kho.backends import Backends
from kho.errors import (
    InputError,
    IntegrityError,
    KhoError,
    ProcessingTimeoutError,
    ServiceUnavailableError,
)
from ocr.pipeline import OcrOptions, PageTask, plan_tasks
from ocr.rasterize import SourceInfo, inspect_source
from ocr.understand import document_fields
from repository.catalog import Batch
from repository.layout import record_json_key
from repository.records import SourceFile, record_id_for, source_files
from search.documents import index_document_from_record

log = logging.getLogger("kho.ingest")

ALREADY_STORED = "đã lưu trước đó / already stored"
FINAL_STATUSES = ("indexed", "quarantined")
_SLUG = re.compile(r"[^0-9A-Za-z._-]+")


def quarantine_dir(data_dir: Path, batch_id: int, key: str) -> Path:
    """``DATA_DIR/quarantine/<batch id>/<slug of key>-<hash>``: safe for any key (even ``../x``)."""
    slug = _SLUG.sub("_", key).strip("._")[:60] or "item"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return data_dir / "quarantine" / str(batch_id) / f"{slug}-{digest}"


@dataclass(frozen=True)
class Prepared:
    """A document ready for OCR: its plan, hashed sources, inspected files and record ID."""

    doc: PlannedDocument
    sources: tuple[SourceFile, ...]
    infos: tuple[SourceInfo, ...]
    record_id: str


@dataclass
class RunCounters:
    """What this run did."""

    stored_now: int = 0
    already_stored: int = 0
    pages: int = 0
    failed: int = 0
    quarantined: int = 0
    review: int = 0


@dataclass
class BatchRun:
    """State of one run of a batch in the parent process."""

    backends: Backends
    batch: Batch
    options: OcrOptions
    staging: Path
    rules: QualityRules = field(default_factory=QualityRules)
    progress: ProgressCallback | None = None
    clock: Callable[[], float] = time.monotonic
    documents_total: int = 0
    documents_done: int = 0
    done_before: int = 0
    pages_known: int = 0
    known_records: dict[str, str | None] = field(default_factory=dict)  # items this batch had begun
    counters: RunCounters = field(default_factory=RunCounters)
    started: float = 0.0
    buffer: IndexBuffer = field(init=False)
    _last_tick: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.clock()
        self.buffer = IndexBuffer(self.backends.index, self.backends.catalog, self.batch.id)

    # Preparing ---------------------------------------------------------------------------------

    def prepared(self, docs: Iterable[PlannedDocument]) -> Iterator[tuple[Prepared, Sequence[PageTask]]]:
        """Documents with their page tasks; bad, already stored and failing ones are handled on the way."""
        for doc in docs:
            ready = self.prepare(doc)
            if ready is not None:
                yield ready

    def prepare(self, doc: PlannedDocument) -> tuple[Prepared, list[PageTask]] | None:
        """Hash, skip if stored, inspect; ``None`` when there is nothing to recognise."""
        if doc.problem is not None:
            self.quarantine(doc, doc.problem)
            return None
        try:
            sources = source_files(f.path for f in doc.files if f.path is not None)
        except InputError as e:
            self.quarantine(doc, e.message)
            return None
        record_id = record_id_for(s.sha256 for s in sources)
        if self.backends.store.exists(record_json_key(record_id)):
            self.already_stored(doc, record_id)
            return None
        infos: list[SourceInfo] = []
        for item, source in zip(doc.files, sources, strict=True):
            try:
                infos.append(inspect_source(source.path, self.options.limits))
            except (ProcessingTimeoutError, ServiceUnavailableError) as e:
                self.record_failure(doc, e.one_line())
                return None
            except InputError as e:
                self.quarantine(doc, e.message if len(doc.files) == 1 else f"{item.key}: {e.message}")
                return None
        tasks = [task for info in infos for task in plan_tasks(info, self.options)]
        self.pages_known += len(tasks)
        self.backends.catalog.update_batch_item(self.batch.id, doc.key, status="processing", pages=len(tasks))
        return Prepared(doc, sources, tuple(infos), record_id), tasks

    def already_stored(self, doc: PlannedDocument, record_id: str) -> None:
        """Make sure a stored record is queued for review (if flagged) and indexed; no OCR."""
        repository = self.backends.repository
        record = repository.get(record_id)
        meta = record.metadata
        if meta.review_state == "needs_review":
            self.backends.catalog.open_review_task(record_id, meta.review_reasons)
        ours = doc.key in self.known_records and self.known_records[doc.key] in (None, record_id)
        if not ours:
            self.counters.already_stored += 1
        self.backends.catalog.update_batch_item(
            self.batch.id,
            doc.key,
            status="stored",
            record_id=record_id,
            pages=meta.page_count,
            confidence=meta.quality.mean_confidence,
            warnings=None if ours else (ALREADY_STORED,),
            fields=item_fields(meta, [f.key for f in doc.files]),
        )
        self.buffer.add(doc.key, index_document_from_record(record, repository.page_texts(record)))
        self._document_done()

    # Finishing ---------------------------------------------------------------------------------

    def keep_page(self, ready: Prepared, index: int, page: IngestPage) -> IngestPage:
        """Write an arriving page's image, thumbnail and PDF to the document's work folder."""
        return write_page_files(page, index + 1, self.work_dir(ready))

    def work_dir(self, ready: Prepared) -> Path:
        """Where a document's page files wait until its record is stored (one folder per document key)."""
        digest = hashlib.sha256(ready.doc.key.encode("utf-8", "surrogateescape")).hexdigest()[:20]
        return self.staging / "work" / digest

    def finish(self, ready: Prepared, pages: list[IngestPage]) -> None:
        """Extract, judge, store and queue for indexing one recognised document."""
        try:
            self._store(ready, pages)
        except (ServiceUnavailableError, IntegrityError):
            raise
        except InputError as e:
            self.quarantine(ready.doc, e.message)
        except Exception as e:  # one odd document (e.g. a PDF pypdf cannot copy) must not stop the batch
            log.debug("storing %s failed", redact_ids(ready.doc.key), exc_info=True)
            self.record_failure(ready.doc, f"{type(e).__name__}: {e}")

    def _store(self, ready: Prepared, recognised: list[IngestPage]) -> None:
        doc = ready.doc
        files = _split_pages(ready, recognised)
        pages = [p.ocr for p in recognised]
        texts = [p.text for p in pages]
        fields = document_fields(pages)
        verdict = assess(pages, fields, doc.entry, "\n".join(texts), self.rules)
        metadata = build_metadata(fields, doc.entry, pages, verdict)
        engine = engine_identity(self.options.lang, self.options.timeout)  # asked once per process, cached
        provenance = build_provenance(self.batch.name, ready.sources, self.options, datetime.now(UTC), engine)
        work = self.work_dir(ready)
        try:
            outcome = self.backends.repository.create(record_files(files, fields, work), metadata, provenance)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        record = self.backends.repository.get(outcome.record_id)
        meta = record.metadata
        if meta.review_state == "needs_review":
            self.backends.catalog.open_review_task(record.record_id, meta.review_reasons)
            self.counters.review += 1
        if outcome.created:
            self.counters.stored_now += 1
        else:
            self.counters.already_stored += 1
        self.counters.pages += len(pages)
        warnings = (*meta.review_reasons, *doc.notes, *(() if outcome.created else (ALREADY_STORED,)))
        self.backends.catalog.update_batch_item(
            self.batch.id,
            doc.key,
            status="stored",
            record_id=record.record_id,
            pages=meta.page_count,
            confidence=meta.quality.mean_confidence,
            warnings=warnings,
            fields=item_fields(meta, [f.key for f in doc.files]),
        )
        stored_texts = texts if outcome.created else self.backends.repository.page_texts(record)
        self.buffer.add(doc.key, index_document_from_record(record, stored_texts))
        self._document_done()

    # Failing -----------------------------------------------------------------------------------

    def fail(self, ready: Prepared, error: BaseException) -> None:
        """A page of the document could not be recognised: quarantine bad input, else record the failure.

        A timeout is a failure, not bad input: it depends on the machine's load, so a re-run retries it.
        """
        shutil.rmtree(self.work_dir(ready), ignore_errors=True)
        if isinstance(error, InputError) and not isinstance(error, ProcessingTimeoutError):
            self.quarantine(ready.doc, error.message)
        elif isinstance(error, KhoError):
            self.record_failure(ready.doc, error.one_line())
        else:
            self.record_failure(ready.doc, f"{type(error).__name__}: {error}")

    def quarantine(self, doc: PlannedDocument, reason: str) -> None:
        """Copy the document's files to the quarantine folder and mark it ``quarantined``."""
        readable = [(f.key, f.path) for f in doc.files if f.path is not None and f.path.is_file()]
        if not doc.files:
            self.record_failure(doc, reason)
            return
        target = quarantine_dir(self.backends.settings.data_dir, self.batch.id, doc.key)
        target.mkdir(parents=True, exist_ok=True)
        for index, (key, path) in enumerate(readable, start=1):
            name = _SLUG.sub("_", Path(key).name).strip("._") or "file"
            shutil.copyfile(path, target / f"{index:02d}-{name}")
        self.counters.quarantined += 1
        log.warning("quarantined %s: %s", redact_ids(doc.key), redact_ids(reason))
        self.backends.catalog.update_batch_item(
            self.batch.id,
            doc.key,
            status="quarantined",
            reason=reason,
            warnings=doc.notes,
            fields={"files": [f.key for f in doc.files], "origins": [f.origin for f in doc.files],
                    "quarantine": str(target)},
        )
        self._document_done()

    def record_failure(self, doc: PlannedDocument, reason: str) -> None:
        """Mark the document ``failed`` (a re-run tries it again)."""
        self.counters.failed += 1
        log.warning("failed %s: %s", redact_ids(doc.key), redact_ids(reason))
        self.backends.catalog.update_batch_item(
            self.batch.id, doc.key, status="failed", reason=reason,
            fields={"files": [f.key for f in doc.files], "origins": [f.origin for f in doc.files]},
        )
        self._document_done()

    # Progress ----------------------------------------------------------------------------------

    def _document_done(self) -> None:
        self.documents_done += 1
        self.emit()

    def tick(self) -> None:
        """Flush an old index bulk and report progress (called about once a second)."""
        self.buffer.tick()
        if self.clock() - self._last_tick >= 1.0:
            self.emit()

    def emit(self, finished: bool = False) -> None:
        """Send a :class:`ProgressEvent` to the callback, if any."""
        self._last_tick = self.clock()
        if self.progress is None:
            return
        elapsed = self._last_tick - self.started
        rate = self.counters.pages * 60.0 / elapsed if elapsed > 0 else 0.0
        self.progress(
            ProgressEvent(
                batch_id=self.batch.id,
                documents_done=self.documents_done,
                documents_total=self.documents_total,
                pages_done=self.counters.pages,
                pages_known=self.pages_known,
                elapsed_seconds=round(elapsed, 2),
                pages_per_minute=round(rate, 1),
                eta_seconds=estimate_eta(
                    self.documents_done - self.done_before, self.documents_total - self.done_before, elapsed
                ),
                finished=finished,
            )
        )


def _split_pages(ready: Prepared, pages: list[IngestPage]) -> list[FileOcr]:
    """The recognised pages grouped by source file (tasks were planned file after file)."""
    out = []
    start = 0
    for source, info in zip(ready.sources, ready.infos, strict=True):
        mine = pages[start : start + info.page_count]
        files = tuple(p.files for p in mine if p.files is not None)
        out.append(FileOcr(source, tuple(p.ocr for p in mine), files))
        start += info.page_count
    return out
