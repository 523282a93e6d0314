"""Key scopes: parsed and validated against known values at creation; checked with the index's own matching.

A scope limits an API key to document types (the vocabulary of ``ocr/data/document_types.csv``)
and/or localities (places of ``search/data/places.csv``). Values are checked when the key is
created (``kho keys create --scope``): an unknown type or place, or a value with no letter or digit,
is refused. When checking a document, a scope that resolves to nothing grants nothing (never
"everything": an empty set is a subset of every set).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from access.principals import Principal
from kho.errors import PermissionDeniedError, UsageError
from ocr.fields.doctype import DOCUMENT_TYPES
from repository.catalog import Scopes
from search.normalize import key as fold_key
from search.places import PlaceTable, locality_keys, query_keys

_SCOPE_KINDS = {"type": "type", "document_type": "type", "locality": "locality"}


def known_document_types() -> dict[str, str]:
    """Folded name -> the vocabulary's spelling of every known document type."""
    return {fold_key(t.name): t.name for t in DOCUMENT_TYPES}


def _split(spec: str) -> tuple[str, str]:
    sep = min((i for i in (spec.find("="), spec.find(":")) if i > 0), default=-1)
    kind = _SCOPE_KINDS.get(spec[:sep].strip().lower()) if sep > 0 else None
    value = " ".join(unicodedata.normalize("NFC", spec[sep + 1:]).split()) if sep > 0 else ""
    if kind is None or not value:
        raise UsageError("a scope is type=NAME or locality=NAME", subject=spec or "--scope")
    return kind, value


def _check_type(value: str, spec: str, types: dict[str, str]) -> str:
    found = types.get(fold_key(value))
    if found is None:
        raise UsageError("unknown document type; use a type of ocr/data/document_types.csv "
                         "(e.g. 'Giấy khai sinh')", subject=spec)
    return found


def _check_locality(value: str, spec: str, places: PlaceTable) -> str:
    keys = query_keys(value)
    if not keys:
        raise UsageError("a locality needs a letter or a digit", subject=spec)
    unknown = [k for k in keys if k not in places.related]
    if unknown:
        raise UsageError(f"unknown place '{unknown[0]}'; use a place of search/data/places.csv", subject=spec)
    return value


def parse_scopes(specs: Iterable[str], places: PlaceTable) -> Scopes:
    """Scopes from ``type=NAME`` / ``locality=NAME`` options (``:`` works too), validated (400 / exit 2)."""
    types: list[str] = []
    localities: list[str] = []
    vocabulary = known_document_types()
    for spec in specs:
        kind, value = _split(spec)
        if kind == "type":
            types.append(_check_type(value, spec, vocabulary))
        else:
            localities.append(_check_locality(value, spec, places))
    return Scopes.of(types, localities)


@dataclass(frozen=True)
class ScopedFilters:
    """Filters to send to the index so that results stay inside a principal's scopes."""

    document_type: str | None
    locality: str | None


class ScopePolicy:
    """Scope checks with the index's own matching: folded type names, related place keys."""

    def __init__(self, places: PlaceTable):
        """Use ``places`` (``search.places.load_places()``) to relate old and new localities."""
        self._places = places

    @property
    def places(self) -> PlaceTable:
        """The place table (to validate new scopes with :func:`parse_scopes`)."""
        return self._places

    def allows(self, scopes: Scopes, document_type: str | None, locality: str | None) -> bool:
        """Whether a document of this type from this locality is inside ``scopes``.

        A scoped locality whose keys are empty (a value with no letter or digit, stored before
        scopes were validated) matches nothing.
        """
        if scopes.document_types:
            wanted = {fold_key(t) for t in scopes.document_types}
            if not document_type or fold_key(document_type) not in wanted:
                return False
        if scopes.localities:
            have = set(locality_keys(locality, self._places))
            if not any((needed := set(query_keys(loc))) and needed <= have for loc in scopes.localities):
                return False
        return True

    def check(self, principal: Principal, document_type: str | None, locality: str | None, subject: str) -> None:
        """:class:`PermissionDeniedError` (403) if the document is outside the principal's scopes."""
        if not self.allows(principal.scopes, document_type, locality):
            raise PermissionDeniedError("this document is outside the scope of your key", subject=subject)

    def check_type_filter(self, principal: Principal, document_type: str | None) -> None:
        """403 when a requested document type is outside the key's document-type scope."""
        types = principal.scopes.document_types
        if document_type and types and fold_key(document_type) not in {fold_key(t) for t in types}:
            raise PermissionDeniedError("your key is limited to other document types", subject="document_type")

    def search_filters(self, principal: Principal, document_type: str | None, locality: str | None) -> ScopedFilters:
        """Filters that keep a search inside the scopes, or 403/400 when that cannot be expressed.

        A requested type must be one of the scoped types (403 otherwise); with no type asked and
        one scoped type, that type is used; with several, the caller must choose one (400).
        Localities: with one scoped locality it is added to the requested one (the index requires
        every place of a locality filter); with several, the requested locality must lie inside
        one of them. A scoped locality that resolves to no place grants nothing (403).
        """
        scopes = principal.scopes
        self.check_type_filter(principal, document_type)
        if not document_type and scopes.document_types:
            if len(scopes.document_types) > 1:
                raise UsageError(
                    "your key is limited to several document types; choose one with document_type",
                    subject="document_type",
                )
            document_type = next(iter(scopes.document_types))
        if scopes.localities:
            locality = self._scoped_locality(scopes, locality)
        return ScopedFilters(document_type, locality)

    def _scoped_locality(self, scopes: Scopes, locality: str | None) -> str:
        usable = [loc for loc in scopes.localities if query_keys(loc)]
        if not usable:
            raise PermissionDeniedError("your key's locality scope matches no place", subject="locality")
        if len(scopes.localities) == 1:
            only = usable[0]
            return f"{locality}, {only}" if locality and locality.strip() else only
        if locality and locality.strip():
            asked = set(query_keys(locality))
            if any(set(query_keys(loc)) <= asked for loc in usable):
                return locality
            raise PermissionDeniedError("your key is limited to other localities", subject="locality")
        raise UsageError("your key is limited to several localities; choose one with locality", subject="locality")
