"""The REST API, ``/api/v1``: one blueprint; importing this package registers every view on it."""

from __future__ import annotations

from web.api import batches, certify, meta, oversight, records, search  # noqa: F401  (modules register their views)
from web.api.base import api as blueprint

__all__ = ["blueprint"]
