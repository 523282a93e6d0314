"""Index stored records in small bulks, then mark their batch items ``indexed`` in the catalog.

The parent process collects records as they are stored and writes them to the search index a few
at a time (:class:`IndexBuffer`), so workers keep recognising pages meanwhile. A record the index
refuses stays ``stored`` with the reason; a re-run indexes it again (writes are upserts by ID).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from repository.catalog import Catalog
from search.index import IndexDocument, SearchIndex

DEFAULT_BULK = 8
DEFAULT_MAX_AGE = 5.0


@dataclass(frozen=True)
class Pending:
    """A stored record waiting to be indexed, and the batch item it completes."""

    item_key: str
    document: IndexDocument


@dataclass
class IndexBuffer:
    """Records waiting for the index; flushed every ``bulk`` records or ``max_age`` seconds."""

    index: SearchIndex
    catalog: Catalog
    batch_id: int
    bulk: int = DEFAULT_BULK
    max_age: float = DEFAULT_MAX_AGE
    on_indexed: Callable[[str, str | None], None] | None = None
    clock: Callable[[], float] = time.monotonic
    _pending: list[Pending] = field(default_factory=list)
    _since: float = 0.0

    def add(self, item_key: str, document: IndexDocument) -> None:
        """Queue one record; flushes when the bulk is full."""
        if not self._pending:
            self._since = self.clock()
        self._pending.append(Pending(item_key, document))
        if len(self._pending) >= self.bulk:
            self.flush()

    def tick(self) -> None:
        """Flush if the oldest queued record has waited ``max_age`` seconds."""
        if self._pending and self.clock() - self._since >= self.max_age:
            self.flush()

    def flush(self, *, refresh: bool = False) -> None:
        """Write every queued record; mark each batch item ``indexed`` or keep it ``stored`` with a reason.

        ``refresh`` makes the writes visible to searches at once (used for the last bulk of a run).
        """
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        result = self.index.index_documents([p.document for p in pending], refresh=refresh)
        refused = {f.record_id: f.reason for f in result.failures}
        for p in pending:
            reason = refused.get(p.document.record_id)
            if reason is None:
                self.catalog.update_batch_item(self.batch_id, p.item_key, status="indexed")
            else:
                self.catalog.update_batch_item(
                    self.batch_id, p.item_key, status="stored", reason=f"index refused the record: {reason}"
                )
            if self.on_indexed is not None:
                self.on_indexed(p.item_key, reason)
