"""JSON shapes of search results, shared by ``kho search --json`` and ``GET /api/v1/search``.

A hit never carries a full citizen ID: the holder is told apart by ``citizen_id_masked``
(``•••1440``) and ``birth_year``; the full ID is a lookup (``--citizen``), not a search result.
"""

from __future__ import annotations

from typing import Any

from search.index import SearchResult


def result_json(result: SearchResult) -> dict[str, Any]:
    """The ``--json`` shape of a search result (the API adds links to each hit)."""
    return {
        "total": result.total,
        "hits": [
            {
                "record_id": h.record_id,
                "score": h.score,
                "document_type": h.document_type,
                "document_number": h.document_number,
                "issued_on": h.issued_on.isoformat() if h.issued_on else None,
                "issuer": h.issuer,
                "holder_name": h.holder_name,
                "citizen_id_masked": h.masked_citizen_id,
                "birth_year": h.birth_year,
                "highlights": [{"page": x.page, "text": x.text} for x in h.highlights],
            }
            for h in result.hits
        ],
        "facets": {
            name: [{"value": f.value, "count": f.count} for f in counts] for name, counts in result.facets.items()
        },
    }
