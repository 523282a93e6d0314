"""Document type (controlled vocabulary in ``ocr/data/document_types.csv``) and summary.

The type is read from the title in capitals under the header (``QUYẾT ĐỊNH``, ``GIẤY PHÉP XÂY
DỰNG``); OCR accent errors are tolerated by matching accent-folded text, letter errors by a fuzzy
match on capitalised lines. Without a title the number's symbol (``QĐ``, ``GPXD``, ``TB``) or a
``V/v`` summary (an official letter, ``Công văn``) decides, with lower confidence.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from importlib import resources

from ocr.fields.model import Evidence, FieldValue
from ocr.fields.textnorm import collapse_spaces, fold, is_upper_text

__all__ = ["DOCUMENT_TYPES", "DocumentType", "find_document_type", "find_summary", "load_document_types"]


@dataclass(frozen=True)
class DocumentType:
    """One entry of the vocabulary: Vietnamese name, English gloss, Decree-30 abbreviation, titles."""

    name: str
    gloss_en: str
    abbreviation: str
    titles: tuple[str, ...]


def load_document_types() -> tuple[DocumentType, ...]:
    """The controlled vocabulary of document types, from the package data file."""
    text = resources.files("ocr.data").joinpath("document_types.csv").read_text(encoding="utf-8")
    return tuple(
        DocumentType(
            name=row["type"].strip(),
            gloss_en=row["gloss_en"].strip(),
            abbreviation=row["abbreviation"].strip(),
            titles=tuple(t.strip() for t in row["titles"].split("|") if t.strip()),
        )
        for row in csv.DictReader(io.StringIO(text))
    )


#: The vocabulary, loaded once from ``ocr/data/document_types.csv``.
DOCUMENT_TYPES: tuple[DocumentType, ...] = load_document_types()

# Folded title -> type name, longest first so that a specific title wins over a generic prefix.
_TITLES: tuple[tuple[str, str], ...] = tuple(
    sorted(((fold(t).upper(), d.name) for d in DOCUMENT_TYPES for t in d.titles), key=lambda x: -len(x[0]))
)
_TITLE_RES = tuple(
    (re.compile(r"\b" + r"[\s,]+".join(map(re.escape, t.split())) + r"\b"), n) for t, n in _TITLES
)
_BY_ABBREVIATION = {fold(d.abbreviation).upper(): d.name for d in DOCUMENT_TYPES if d.abbreviation}
_BY_ABBREVIATION["GCN"] = "Giấy chứng nhận"
_TITLE_ZONE_LINES = 25


def _title_matches(text: str, page: int) -> FieldValue | None:
    upper = fold(text).upper()
    best: tuple[int, int, int, str] | None = None  # (start, -length, end, name)
    for pattern, name in _TITLE_RES:
        for m in pattern.finditer(upper):
            if not is_upper_text(text[m.start():m.end()], min_ratio=0.9):
                continue
            key = (m.start(), -(m.end() - m.start()), m.end(), name)
            if best is None or key < best:
                best = key
            break
    if best is None:
        return None
    start, _, end, name = best
    exact = any(fold(t).upper() == fold(text[start:end]).upper() and t == text[start:end]
                for d in DOCUMENT_TYPES if d.name == name for t in d.titles)
    return FieldValue(name, 0.96 if exact else 0.92, Evidence(page, start, end))


def _fuzzy_title(text: str, page: int) -> FieldValue | None:
    offset = 0
    for line in text.split("\n")[:_TITLE_ZONE_LINES]:
        stripped = line.strip()
        if len(stripped) >= 6 and is_upper_text(stripped, min_ratio=0.8):
            folded = fold(stripped).upper()
            for title, name in _TITLES:
                ratio = difflib.SequenceMatcher(None, folded[: len(title) + 2], title).ratio()
                if ratio >= 0.86 and len(title) >= 8:
                    start = offset + line.index(stripped[0])
                    return FieldValue(name, 0.82, Evidence(page, start, start + len(stripped)))
        offset += len(line) + 1
    return None


def _initials(name: str) -> str:
    """The first letters of a name's words, folded capitals (``Cục Thuế`` → ``CT``)."""
    return "".join(fold(word)[0].upper() for word in name.split() if word[:1].isalpha())


def type_from_symbol(number: FieldValue | None, issuer: FieldValue | None = None) -> str | None:
    """The kind named by the head of the number's symbol (``05/CT-UBND``: Chỉ thị), unless the head is
    the issuer's own abbreviation (``2191/CT-CS`` of the Cục Thuế: a letter's symbol starts with its
    issuer's, Decree 30 Appendix III)."""
    if number is None:
        return None
    head = fold(number.value.rsplit("/", 1)[-1].split("-")[0]).upper()
    if issuer is not None and len(head) >= 2 and _initials(issuer.value).startswith(head):
        return None
    return _BY_ABBREVIATION.get(head)


def find_document_type(
    text: str, page: int, number: FieldValue | None = None, summary: FieldValue | None = None,
    issuer: FieldValue | None = None,
) -> FieldValue | None:
    """The normalised document type of a page, from its title, else from the number (unless its symbol
    starts with the issuer's abbreviation) or summary."""
    found = _title_matches(text, page) or _fuzzy_title(text, page)
    if found is not None:
        return found
    from_symbol = type_from_symbol(number, issuer)
    if from_symbol is not None and number is not None:
        return FieldValue(from_symbol, 0.75, number.evidence)
    if summary is not None and summary.value.startswith("V/v"):
        return FieldValue("Công văn", 0.8, summary.evidence)
    return None


_SUMMARY = re.compile(r"(?:^|(?<=\s))(?P<label>V\s?/\s?[vV]|V[eE]\s+[vV]iec|VE\s+VIEC)\b\s*[:.]?\s*(?P<body>\S)",
                      re.MULTILINE)
_STOP_LINE = re.compile(
    r"^\s*(?:Căn cứ|Kính gửi|Xét |Theo |CHỦ TỊCH|QUYẾT ĐỊNH|Điều \d|TM\.|KT\.|Nơi nhận|[-–•]\s)"
)


def find_summary(text: str, page: int) -> FieldValue | None:
    """The summary ``Về việc …`` / ``V/v …``, joined across wrapped lines (label normalised).

    The summary ends at a blank line, at a line that starts the next part (``Căn cứ``, ``Kính
    gửi``, ``CHỦ TỊCH``, ``Điều 1``), at a capitalised line, or after three lines.
    """
    m = _SUMMARY.search(fold(text))
    if m is None:
        return None
    start = m.start("label")
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    for _ in range(2):
        if end >= len(text):
            break
        nxt_end = text.find("\n", end + 1)
        nxt_end = len(text) if nxt_end < 0 else nxt_end
        nxt = text[end + 1:nxt_end]
        if not nxt.strip() or _STOP_LINE.match(nxt) or is_upper_text(nxt, min_ratio=0.7) \
                or text[end - 1] in ".;:":
            break
        end = nxt_end
    body = collapse_spaces(text[m.start("body"):end]).rstrip(" .;:")
    if not body:
        return None
    raw_label = text[m.start("label"):m.end("label")]
    label = "V/v" if "/" in raw_label else "Về việc"
    confidence = 0.9 if raw_label in ("Về việc", "V/v") else 0.8
    return FieldValue(f"{label} {body}", confidence, Evidence(page, start, end))
