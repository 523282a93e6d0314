"""Pick-list values for the type, issuer and place boxes (``<datalist>``): the document types of
``ocr/data/document_types.csv``, the communes and wards of ``search/data/places.csv`` (old and new
units, with their kind), and the issuers already in the index (its facet, no personal data).

The boxes stay free text (a value outside the lists is allowed); the lists make the known spelling
the easy one, so one type or place does not become several facet values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ocr.fields.doctype import DOCUMENT_TYPES
from search.index import SearchQuery
from search.normalize import key as fold_key
from web.context import state

ISSUERS_SHOWN = 200


@dataclass(frozen=True)
class Vocabulary:
    """The values offered for each box, sorted for people (accents ignored)."""

    document_types: tuple[str, ...]
    places: tuple[str, ...]
    issuers: tuple[str, ...]


def _sorted(values: set[str]) -> tuple[str, ...]:
    return tuple(sorted(values, key=lambda v: (fold_key(v), v)))


def place_names(table_text: str) -> tuple[str, ...]:
    """"phường An Mỹ", "xã Tam Thăng" … from the rows of ``places.csv`` (new and old units), and the
    old district-level units ("Tam Kỳ"); comment lines (``#``) skipped. Pure."""
    lines = [line for line in table_text.splitlines() if line.strip() and not line.startswith("#")]
    names: set[str] = set()
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        for unit, kind in ((row.get("new_unit"), row.get("new_kind")), (row.get("old_unit"), row.get("old_kind"))):
            if unit and kind:
                names.add(f"{kind.strip()} {unit.strip()}")
    return _sorted(names)


@cache
def _static_lists() -> tuple[tuple[str, ...], tuple[str, ...]]:
    text = resources.files("search.data").joinpath("places.csv").read_text(encoding="utf-8")
    return _sorted({t.name for t in DOCUMENT_TYPES}), place_names(text)


def vocabulary() -> Vocabulary:
    """The pick-lists of this request (the issuers read from the index's facet counts)."""
    types, places = _static_lists()
    found = state().backends.index.search(SearchQuery(limit=0))
    issuers = {f.value for f in found.facets.get("issuer", ())[:ISSUERS_SHOWN] if f.value}
    return Vocabulary(types, places, _sorted(issuers))
