"""Choose and open the backends once, from the settings: the only place that knows them all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from kho.settings import Settings
from repository.catalog import Catalog
from repository.objectstore import ObjectStore
from repository.records import Repository
from search.index import SearchIndex


def open_object_store(settings: Settings) -> ObjectStore:
    """The filesystem store for ``file://`` URLs, MinIO/S3 for ``s3://BUCKET``."""
    url = urlparse(settings.effective_store_url)
    if url.scheme == "file":
        from repository.fsstore import FilesystemStore

        return FilesystemStore(Path(url.netloc + url.path))
    from repository.s3store import S3Store

    return S3Store.from_settings(settings)


def open_index(settings: Settings) -> SearchIndex:
    """SQLite FTS5 for ``sqlite:///PATH`` URLs, Elasticsearch for ``http(s)://``."""
    url = urlparse(settings.effective_index_url)
    if url.scheme == "sqlite":
        from search.sqlite_index import SqliteIndex

        return SqliteIndex(Path(url.path))
    from search.es_index import ElasticsearchIndex

    return ElasticsearchIndex.from_settings(settings)


def open_catalog(settings: Settings) -> Catalog:
    """The SQL catalog (SQLite by default, PostgreSQL in production), migrated to head."""
    return Catalog.open(settings.effective_catalog_url)


@dataclass
class Backends:
    """Everything a service function may need, opened once and passed down."""

    settings: Settings
    store: ObjectStore
    repository: Repository
    index: SearchIndex
    catalog: Catalog

    def close(self) -> None:
        """Release connections held by the index and the catalog."""
        self.index.close()
        self.catalog.close()


def open_backends(settings: Settings) -> Backends:
    """Open the store, repository, index and catalog chosen by ``settings``."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_object_store(settings)
    return Backends(
        settings=settings,
        store=store,
        repository=Repository(store),
        index=open_index(settings),
        catalog=open_catalog(settings),
    )
