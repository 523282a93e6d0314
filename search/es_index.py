"""The production search backend: Elasticsearch 9, through the official Python client.

The alias ``settings.index_name`` points at ``<alias>-v<mapping version>-<timestamp>``; a rebuild
fills a new index and moves the alias in one ``_aliases`` call. Documents are upserted with
``version_type=external_gte`` (the record version), so an older version never overwrites a newer
one and re-indexing the same version is idempotent. Bulk writes retry 429s with backoff and report
every other refusal per record. Pagination uses ``from``/``size`` inside the first 10,000 hits and a
point in time with ``search_after`` beyond.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch import NotFoundError as EsNotFoundError
from elasticsearch.helpers import streaming_bulk

from kho.errors import ConfigError, ServiceUnavailableError
from kho.settings import Settings
from search.analysis import analyse
from search.es_mapping import MAPPING_VERSION, index_body, index_name, source_document
from search.es_query import (
    adjacency_query,
    aggregations,
    build_query,
    exact_boost_query,
    has_exact_terms,
    sort_clause,
)
from search.highlight import highlight_pages
from search.index import (
    BulkFailure,
    BulkResult,
    FacetCount,
    IndexDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from search.places import PlaceTable, load_places
from search.prefetch import prefetch
from search.query import (
    FACET_FIELDS,
    RESCORE_WINDOW,
    TextPlan,
    plan_filters,
    plan_text,
    proximity_order,
    rescores,
)

__all__ = ["MAX_WINDOW", "ElasticsearchIndex"]


MAX_WINDOW = 10_000  # index.max_result_window: from + size beyond this needs search_after
HIT_FIELDS = ["record_id", "document_type", "document_number", "issued_on", "issuer", "holder_name",
              "citizen_ids", "locality", "status", "review_state", "page_count", "valid_until"]


class ElasticsearchIndex:
    """The records index in Elasticsearch, behind an alias."""

    def __init__(
        self,
        client: Elasticsearch,
        alias: str,
        *,
        places: PlaceTable | None = None,
        chunk_size: int = 500,
        max_retries: int = 6,
        initial_backoff: float = 0.5,
        url: str = "",
        max_window: int = MAX_WINDOW,
    ):
        self.client = client
        self.alias = alias
        self.url = url
        self._places = places if places is not None else load_places()
        self._chunk_size = chunk_size
        self._max_retries = max_retries
        self._initial_backoff = initial_backoff
        self._max_window = max_window
        self._ready = False
        _quiet_client_logs()

    @classmethod
    def from_settings(cls, settings: Settings) -> ElasticsearchIndex:
        """Connect to ``settings.effective_index_url``; the alias is ``settings.index_name``."""
        url = settings.effective_index_url
        client = Elasticsearch(settings.index_nodes, request_timeout=60, retry_on_timeout=True, max_retries=2)
        return cls(client, settings.index_name, url=url)

    @contextmanager
    def _errors(self, action: str, *, detail: bool = True) -> Iterator[None]:
        """Translate client errors; ``detail=False`` keeps the server's reason (it may quote the query) out."""
        try:
            yield
        except ApiError as e:
            reason = f"{e.meta.status} {e.error}" + (f": {_reason(e)}" if detail else "")
            raise ServiceUnavailableError(f"Elasticsearch refused to {action} ({reason})",
                                          subject=self.alias) from e
        except TransportError as e:
            raise ServiceUnavailableError(
                f"cannot reach Elasticsearch to {action} ({type(e).__name__}); is it running? "
                "(`kho services up`)",
                subject=self.url or self.alias,
            ) from e

    # Index lifecycle

    def _alias_targets(self) -> list[str]:
        with self._errors("read the alias"):
            if not self.client.indices.exists_alias(name=self.alias):
                if self.client.indices.exists(index=self.alias):
                    raise ConfigError(
                        "a concrete index has the name kho uses as its alias; delete it or set "
                        "KHO_INDEX_NAME to another name",
                        subject=self.alias,
                    )
                return []
            return sorted(self.client.indices.get_alias(name=self.alias).body)

    def ensure_ready(self) -> None:
        """Create ``<alias>-v<version>-<timestamp>`` with the alias if the alias does not exist."""
        if self._ready:
            return
        targets = self._alias_targets()
        if not targets:
            name = index_name(self.alias)
            body = index_body()
            with self._errors("create the index"):
                self.client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"],
                                           aliases={self.alias: {}})
            targets = self._alias_targets()
            if len(targets) > 1 and name != min(targets):
                # Another process created one at the same moment: every process keeps the oldest.
                with self._errors("remove a duplicate index"):
                    self.client.indices.delete(index=name)
                targets = [t for t in targets if t != name]
        self._check_mapping_version(targets[0])
        self._ready = True

    def _check_mapping_version(self, name: str) -> None:
        with self._errors("read the mapping"):
            mapping = self.client.indices.get_mapping(index=name).body
        meta = mapping.get(name, {}).get("mappings", {}).get("_meta", {})
        found = meta.get("kho_mapping_version")
        if found != MAPPING_VERSION:
            raise ConfigError(
                f"the index {name} has mapping version {found}, this kho needs {MAPPING_VERSION}; "
                "run `kho reindex`",
                subject=self.alias,
            )

    # Writes

    def _actions(self, target: str, docs: Iterable[IndexDocument]) -> Iterator[dict[str, Any]]:
        for doc in docs:
            yield {
                "_op_type": "index",
                "_index": target,
                "_id": doc.record_id,
                "version": doc.version,
                "version_type": "external_gte",
                "_source": source_document(analyse(doc, self._places)),
            }

    def _bulk(self, target: str, docs: Iterable[IndexDocument], *, refresh: bool) -> BulkResult:
        indexed, failures = 0, []
        extra: dict[str, Any] = {"refresh": "wait_for"} if refresh else {}
        with self._errors("index documents"):
            for ok, item in streaming_bulk(
                self.client, prefetch(self._actions(target, docs), chunk=self._chunk_size),
                chunk_size=self._chunk_size,
                max_chunk_bytes=20 * 1024 * 1024, max_retries=self._max_retries,
                initial_backoff=self._initial_backoff, max_backoff=30, raise_on_error=False, **extra,
            ):
                result = next(iter(item.values()))
                if ok:
                    indexed += 1
                else:
                    failures.append(BulkFailure(record_id=str(result.get("_id")), reason=_item_reason(result)))
        return BulkResult(indexed=indexed, failures=tuple(failures))

    def index_documents(self, docs: Sequence[IndexDocument], *, refresh: bool = False) -> BulkResult:
        """Upsert by record ID (``refresh=True`` waits until a search sees the writes)."""
        self.ensure_ready()
        return self._bulk(self.alias, docs, refresh=refresh)

    def delete_document(self, record_id: str, *, refresh: bool = False) -> None:
        """Remove one record (no error if absent)."""
        self.ensure_ready()
        with self._errors("delete a document"):
            try:
                self.client.delete(index=self.alias, id=record_id, refresh="wait_for" if refresh else None)
            except EsNotFoundError:
                return

    def rebuild(self, docs: Iterable[IndexDocument]) -> BulkResult:
        """Fill a new index (refresh off), then move the alias to it atomically and drop the old ones.

        Writes made to the old index while the rebuild runs are not carried over: run
        ``kho reindex --check`` afterwards if ingestion was running.
        """
        name = index_name(self.alias)
        body = index_body(bulk_load=True)
        with self._errors("create the new index"):
            self.client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])
        try:
            result = self._bulk(name, docs, refresh=False)
            with self._errors("refresh the new index"):
                self.client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
                self.client.indices.refresh(index=name)
            old = self._alias_targets()
            actions: list[dict[str, Any]] = [{"add": {"index": name, "alias": self.alias}}]
            actions += [{"remove": {"index": o, "alias": self.alias}} for o in old]
            with self._errors("switch the alias"):
                self.client.indices.update_aliases(actions=actions)
        except BaseException:
            with self._errors("remove the unfinished index"):
                self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for o in old:
            with self._errors("delete the previous index"):
                self.client.indices.delete(index=o, ignore_unavailable=True)
        self._ready = True
        return result

    # Reads

    def count(self) -> int:
        """Number of indexed records."""
        self.ensure_ready()
        with self._errors("count"):
            return int(self.client.count(index=self.alias)["count"])

    def versions(self) -> dict[str, int]:
        """record_id -> indexed version (walks the whole index with a point in time)."""
        self.ensure_ready()
        found: dict[str, int] = {}
        for hit in self._walk({"match_all": {}}, [{"record_id": "asc"}], page=MAX_WINDOW,
                              extra={"_source": False, "stored_fields": "_none_",
                                     "docvalue_fields": ["record_id", "version"]}):
            fields = hit["fields"]
            found[fields["record_id"][0]] = int(fields["version"][0])
        return found

    def _walk(
        self, query: dict[str, Any], sort: list[Any], *, page: int, extra: dict[str, Any],
        search_after: list[Any] | None = None, limit: int | None = None, filter_path: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Hits in ``sort`` order from a point in time, ``page`` at a time (up to ``limit``)."""
        with self._errors("open a point in time"):
            pit = self.client.open_point_in_time(index=self.alias, keep_alive="2m")["id"]
        remaining = limit
        try:
            while remaining is None or remaining > 0:
                size = page if remaining is None else min(page, remaining)
                body: dict[str, Any] = {"query": query, "sort": sort, "size": size, "track_total_hits": False,
                                        "pit": {"id": pit, "keep_alive": "2m"}, **extra}
                if search_after is not None:
                    body["search_after"] = search_after
                with self._errors("search", detail=False):
                    response = self.client.search(body=body, filter_path=filter_path)
                pit = response.get("pit_id", pit)
                hits = response.get("hits", {}).get("hits", [])
                yield from hits
                if len(hits) < size:
                    return
                search_after = hits[-1]["sort"]
                remaining = None if remaining is None else remaining - len(hits)
        finally:
            with self._errors("close a point in time"):
                self.client.close_point_in_time(id=pit)

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query: the same matching, filters, facets and order as the SQLite backend.

        A relevance query with accented words runs in two passes: the folded words alone rank the
        first hits (``max(RESCORE_WINDOW, offset + limit)`` of them), then the exact-accent boost is
        computed for those hits only and added (:meth:`_exact_boosted`). Scoring the exact field
        over every match of common syllables doubled the cost of such queries at 1M documents.
        """
        filters = plan_filters(query)
        plan = plan_text(query.text)
        self.ensure_ready()
        sort = sort_clause(query.sort)
        fields = HIT_FIELDS + ([] if plan.empty else ["pages"])
        deep = query.offset + query.limit > self._max_window
        rescore = rescores(plan, query) and not deep
        two_pass = query.sort == "relevance" and has_exact_terms(plan) and query.limit > 0 and not deep
        es_query = build_query(plan, filters, exact=not two_pass)
        body: dict[str, Any] = {"query": es_query, "sort": sort, "track_total_hits": True}
        if not plan.empty:  # hits carry their relevance score; a filter-only query has none to compute
            body["track_scores"] = True
        if rescore or two_pass:  # ids and scores of the first hits; sources fetched after reordering
            body.update({"from": 0, "size": max(RESCORE_WINDOW, query.offset + query.limit), "_source": False})
        else:
            body.update({"from": 0 if deep else query.offset, "size": 0 if deep else query.limit,
                         "_source": {"includes": fields}})
        if query.with_facets:
            body["aggs"] = aggregations(filters.facet_size)
        with self._errors("search", detail=False):
            response = self.client.search(index=self.alias, body=body)
        hits = response["hits"]["hits"]
        total = int(response["hits"]["total"]["value"])
        if two_pass:
            hits = self._exact_boosted(hits, plan)
        if rescore and plan.proximity is not None:
            hits = self._proximity_ordered(hits, plan.proximity.folded)
        if rescore or two_pass:
            hits = self._with_sources(hits[query.offset:query.offset + query.limit], fields)
        elif deep and query.offset < total:
            hits = self._deep_window(es_query, sort, query.offset, query.limit, fields)  # one pass when deep
        return SearchResult(
            total=total,
            hits=tuple(_hit(h, plan) for h in hits),
            facets=_facets(response.get("aggregations", {})) if query.with_facets else {},
        )

    def _exact_boosted(self, hits: list[dict[str, Any]], plan: TextPlan) -> list[dict[str, Any]]:
        """``hits`` (ranked without the exact-accent boost) with the boost added, re-sorted like the full query."""
        if not hits:
            return hits
        with self._errors("search", detail=False):
            found = self.client.search(index=self.alias, query=exact_boost_query(plan, [h["_id"] for h in hits]),
                                       size=len(hits), source=False)
        boost = {h["_id"]: float(h["_score"] or 0.0) for h in found["hits"]["hits"]}
        boosted = [{**h, "_score": float(h["_score"] or 0.0) + boost.get(h["_id"], 0.0)} for h in hits]
        # The sort of sort_clause("relevance"): score, then issue date (newest first, missing last), then record ID.
        return sorted(boosted, key=lambda h: (-h["_score"], -h["sort"][1], h["sort"][2]))

    def _proximity_ordered(self, hits: list[dict[str, Any]], phrase: tuple[str, ...]) -> list[dict[str, Any]]:
        """``hits`` with, among the first :data:`RESCORE_WINDOW`, those holding ``phrase`` moved first."""
        head = [h["_id"] for h in hits[:RESCORE_WINDOW]]
        if not head:
            return hits
        with self._errors("search", detail=False):
            found = self.client.search(index=self.alias, query=adjacency_query(head, phrase), size=len(head),
                                       source=False)
        adjacent = {h["_id"] for h in found["hits"]["hits"]}
        order = proximity_order(range(len(hits)), {i for i, h in enumerate(hits) if h["_id"] in adjacent})
        return [hits[i] for i in order]

    def _with_sources(self, page: list[dict[str, Any]], fields: list[str]) -> list[dict[str, Any]]:
        """``page`` (hits without sources) with their ``fields`` fetched, order kept."""
        if not page:
            return []
        with self._errors("search", detail=False):
            fetched = self.client.search(index=self.alias, query={"ids": {"values": [h["_id"] for h in page]}},
                                         size=len(page), source_includes=fields)
        sources = {h["_id"]: h["_source"] for h in fetched["hits"]["hits"]}
        return [{**h, "_source": sources.get(h["_id"], {})} for h in page]

    def _deep_window(
        self, es_query: dict[str, Any], sort: list[Any], offset: int, limit: int, fields: list[str]
    ) -> list[dict[str, Any]]:
        """Hits ``offset`` … ``offset+limit`` beyond the 10,000 window: skip with search_after, then fetch."""
        if limit == 0:
            return []
        after: list[Any] | None = None
        skipped = 0
        if offset:
            for hit in self._walk(es_query, sort, page=self._max_window, limit=offset,
                                  extra={"_source": False, "stored_fields": "_none_", "track_scores": True},
                                  filter_path="hits.hits.sort,pit_id"):
                after, skipped = hit["sort"], skipped + 1
            if skipped < offset:
                return []
        return list(self._walk(es_query, sort, page=limit, limit=limit, search_after=after,
                               extra={"_source": {"includes": fields}, "track_scores": True}))

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()


def _quiet_client_logs() -> None:
    """No per-request INFO lines from the client, and never its DEBUG request/response bodies.

    Bodies hold citizen IDs (queries, documents): they must not reach the general log even with
    ``KHO_LOG_LEVEL=DEBUG``.
    """
    logging.getLogger("elastic_transport.transport").setLevel(logging.WARNING)
    logging.getLogger("elastic_transport.node").setLevel(logging.INFO)


def _reason(e: ApiError) -> str:
    body = e.body if isinstance(e.body, dict) else {}
    error = body.get("error")
    return str(error.get("reason", "")) if isinstance(error, dict) else str(error or "")


def _item_reason(result: dict[str, Any]) -> str:
    error = result.get("error")
    status = result.get("status")
    if isinstance(error, dict):
        kind = error.get("type", "error")
        if kind == "version_conflict_engine_exception":
            return "version conflict: the index holds a newer version of this record"
        return f"{kind}: {error.get('reason', '')}".strip()
    return f"status {status}: {error}"


def _hit(hit: dict[str, Any], plan: TextPlan) -> SearchHit:
    src = hit.get("_source", {})
    issued, valid_until = src.get("issued_on"), src.get("valid_until")
    return SearchHit(
        record_id=src.get("record_id") or hit["_id"],
        score=0.0 if plan.empty else float(hit.get("_score") or 0.0),
        document_type=src.get("document_type"),
        document_number=src.get("document_number"),
        issued_on=date.fromisoformat(issued) if issued else None,
        issuer=src.get("issuer"),
        holder_name=src.get("holder_name"),
        citizen_ids=tuple(src.get("citizen_ids") or ()),
        highlights=highlight_pages(src.get("pages") or [], plan) if not plan.empty else (),
        locality=src.get("locality"),
        status=src.get("status", "valid"),
        review_state=src.get("review_state", "none"),
        page_count=int(src.get("page_count") or 0),
        valid_until=date.fromisoformat(valid_until) if valid_until else None,
    )


def _facets(aggs: dict[str, Any]) -> dict[str, tuple[FacetCount, ...]]:
    return {
        name: tuple(FacetCount(value=str(b["key"]), count=int(b["doc_count"]))
                    for b in aggs.get(name, {}).get("buckets", []))
        for name in FACET_FIELDS
    }
