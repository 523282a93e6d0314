"""Alembic migrations of the catalog, run by ``Catalog.open`` (see ``repository.catalog_engine``)."""
