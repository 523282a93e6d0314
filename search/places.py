"""Old and new place names (the 2025 merger of Quảng Nam into Đà Nẵng) as related locality keys.

A record's locality (``xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam``) is split at commas into
place names; each name loses its administrative prefix (``xã``, ``huyện`` …) and is folded into a
*key* (``tra son``). At index time the record gets every key of its locality plus the related keys:

* an old commune → the new commune it was merged into, and its old district;
* a new commune → the old communes merged into it and their old districts;
* an old Quảng Nam district or city → ``quang nam`` and ``da nang``;
* ``quang nam`` ↔ ``da nang``.

A locality filter matches a record when every key of the filter value is among the record's keys,
so ``--locality "Bắc Trà My"`` finds records of the old district and of the new communes formed
from it, and ``--locality "Trà My"`` (the new commune) finds old records of ``xã Trà Sơn``. The
table is ``search/data/places.csv`` (see its header for sources).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources

from search.normalize import key as fold_key

__all__ = ["PlaceTable", "load_places", "locality_keys", "place_key", "query_keys"]

OLD_PROVINCE = "quang nam"
NEW_PROVINCE = "da nang"

# District-level units of Quảng Nam before 1 July 2025 (vietnam.md, "Places").
QUANG_NAM_DISTRICTS = (
    "Tam Kỳ", "Hội An", "Điện Bàn", "Đại Lộc", "Duy Xuyên", "Quế Sơn", "Thăng Bình", "Núi Thành",
    "Phú Ninh", "Tiên Phước", "Hiệp Đức", "Bắc Trà My", "Nam Trà My", "Phước Sơn", "Nông Sơn",
    "Nam Giang", "Đông Giang", "Tây Giang",
)

# Administrative prefixes (folded), longest first; abbreviations need a name after them.
_PREFIXES = (
    "thanh pho", "thi tran", "thi xa", "dac khu", "phuong", "huyen", "quan", "tinh", "xa",
    "tp", "tx", "tt", "p", "h", "q",
)


def place_key(name: str) -> str:
    """The folded key of one place name without its administrative prefix (``Xã Trà Sơn`` → ``tra son``)."""
    folded = fold_key(name)
    for prefix in _PREFIXES:
        if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
            return folded[len(prefix) + 1:]
    return folded


def _components(locality: str) -> list[str]:
    """Keys of the comma/semicolon/dash-separated parts of a locality, most specific first."""
    parts = locality.replace(";", ",").replace(" - ", ",").split(",")
    keys = [place_key(p) for p in parts]
    return [k for k in keys if k]


@dataclass(frozen=True)
class PlaceTable:
    """Related place keys, read from ``places.csv``: key -> keys that count as the same place."""

    related: dict[str, frozenset[str]] = field(default_factory=dict)

    def expand(self, place: str) -> frozenset[str]:
        """The key itself and every related key."""
        return frozenset({place}) | self.related.get(place, frozenset())


def _parse_rows(text: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def build_table(rows: list[dict[str, str]], districts: tuple[str, ...] = QUANG_NAM_DISTRICTS) -> PlaceTable:
    """Build the relation from ``places.csv`` rows (new_unit, old_unit, old_district …)."""
    related: dict[str, set[str]] = defaultdict(set)
    provinces = {OLD_PROVINCE, NEW_PROVINCE}
    for district in districts:
        related[place_key(district)] |= provinces
    for row in rows:
        new, old, district = (place_key(row[c]) for c in ("new_unit", "old_unit", "old_district"))
        related[new] |= {old, district} | provinces
        related[old] |= {new, district} | provinces
    related[OLD_PROVINCE].add(NEW_PROVINCE)
    related[NEW_PROVINCE].add(OLD_PROVINCE)
    return PlaceTable({k: frozenset(v - {k}) for k, v in related.items()})


def load_places() -> PlaceTable:
    """The place table shipped with kho (``search/data/places.csv``)."""
    text = resources.files("search.data").joinpath("places.csv").read_text(encoding="utf-8")
    return build_table(_parse_rows(text))


def locality_keys(locality: str | None, table: PlaceTable) -> tuple[str, ...]:
    """Every key a record with this locality is found under (its own parts plus related places)."""
    if not locality:
        return ()
    found: set[str] = set()
    for part in _components(locality):
        found |= table.expand(part)
    return tuple(sorted(found))


def query_keys(locality: str) -> tuple[str, ...]:
    """The keys a locality filter requires (all of them): the parts of what the user typed."""
    return tuple(dict.fromkeys(_components(locality)))
