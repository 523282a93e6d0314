"""Header fields read from the page's layout: issuer and its parent, number, date and place, type.

:func:`read_header` takes the page's :class:`~ocr.fields.layout.HeaderBlocks` and reads each field
from its own block, so that a field can never come from the wrong part of the page:

* issuer = the lowest body of the top-left issuer block, its parent = the bodies above it. Bodies are
  told apart by structure: a line opens a new body when it starts with an organisation's kind
  (``BỘ``, ``SỞ``, ``CỤC``, ``ỦY BAN NHÂN DÂN``, ``TRƯỜNG``, ``BỆNH VIỆN``…); a line that starts with
  a unit kind (``TỈNH``, ``THÀNH PHỐ``…), with ``VÀ`` or after a dash continues the body above it.
* number = the ``Số:`` line of the left column only (a handwritten number that was not read stays
  missing: it is never taken from the body, where other documents are cited);
* date and place = the right column's ``<place>, ngày … tháng … năm …`` line only;
* type = the title (centred capitals under the header), matched against the vocabulary of kinds
  (Decree 30/2020 Art. 7, legal documents, procedure results); a letter with a ``V/v`` line and no
  title is a ``Công văn``; without either, the kind's abbreviation in the number's symbol.

Capitals in the header are often read with wrong marks (``TĨNH QUANG NGAI``); the same words
appear elsewhere on the page in ordinary type and are read better, so a name is spelt the way the
document spells it most often (:func:`respell_from_document`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kho.core.citizen_id import PROVINCE_NAMES
from ocr.fields.doctype import DOCUMENT_TYPES, type_from_symbol
from ocr.fields.fillins import HAND_CONFIRMED, FillInReading, agreed_day, agreed_number, signed_date
from ocr.fields.header import DateLine, find_date_line, find_document_number
from ocr.fields.layout import HeaderBlocks, Segment
from ocr.fields.model import Evidence, FieldValue
from ocr.fields.textnorm import collapse_spaces, fold, unify_tone_placement

__all__ = [
    "HeaderFields",
    "latest_cited_date",
    "read_header",
    "respell_from_document",
    "split_issuer_bodies",
    "type_from_title",
]

# Kinds of organisation that open a body in the issuer block (accent-folded, capitals). A closed
# class of the administrative vocabulary, not a list of issuers.
_ORG_HEADS: tuple[str, ...] = (
    "UY BAN NHAN DAN", "UBND", "HOI DONG NHAN DAN", "HDND", "CHINH PHU", "THU TUONG", "QUOC HOI",
    "VAN PHONG", "BO", "SO", "CUC", "TONG CUC", "CHI CUC", "VU", "PHONG", "BAN", "THANH TRA", "KHO BAC",
    "TRUONG", "HOC VIEN", "DAI HOC", "VIEN", "BENH VIEN", "TRUNG TAM", "TRAM", "TOA AN", "VIEN KIEM SAT",
    "CONG AN", "BO CHI HUY", "BO TU LENH", "QUAN KHU", "DON BIEN PHONG", "DANG BO", "DANG UY", "TINH UY",
    "THANH UY", "HUYEN UY", "QUAN UY", "THI UY", "CHI BO", "HOI", "DOAN", "LIEN DOAN", "LIEN HIEP",
    "MAT TRAN", "UY BAN MAT TRAN", "CONG TY", "TONG CONG TY", "NGAN HANG", "BAO HIEM XA HOI", "DAI",
    "HOP TAC XA", "KIEM TOAN", "TONG LIEN DOAN", "CAU LAC BO", "QUY",
)
_ORG_HEAD_RE = re.compile(r"^(?:" + "|".join(sorted(_ORG_HEADS, key=len, reverse=True)) + r")\b")
# Unit kinds: a line that starts with one names the unit of the body above (UBND / TỈNH QUẢNG NGÃI).
_UNIT_KINDS = {"TINH": "tỉnh", "THANH PHO": "thành phố", "HUYEN": "huyện", "QUAN": "quận", "THI XA": "thị xã",
               "THI TRAN": "thị trấn", "XA": "xã", "PHUONG": "phường", "DAC KHU": "đặc khu"}
_UNIT_RE = re.compile(r"^(?:THANH PHO|THI XA|THI TRAN|DAC KHU|TINH|HUYEN|QUAN|XA|PHUONG)\b")
_CONTINUATION_RE = re.compile(r"^(?:VA|-|,|&)(?:\s|$)")
# Canonical spelling of the administrative words, by their folded form (repairs OCR marks).
_CANONICAL_WORDS = {
    fold(w).upper(): w for w in (
        "Ủy ban nhân dân", "Hội đồng nhân dân", "Chính phủ", "Thủ tướng", "Quốc hội", "Văn phòng", "Bộ", "Sở",
        "Cục", "Tổng cục", "Chi cục", "Phòng", "Ban", "Thanh tra", "Kho bạc", "Trường", "Học viện", "Đại học",
        "Viện", "Bệnh viện", "Trung tâm", "Tòa án nhân dân", "Viện kiểm sát nhân dân", "Công an", "tỉnh",
        "thành phố", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "và", "nhân dân", "UBND", "HĐND",
    )
}
# Generic heads of procedure results: the whole title line is the result's name (the kind of a
# Decree-30 document, by contrast, is the kind word alone: "THÔNG BÁO KẾT LUẬN …" is a Thông báo).
_RESULT_HEADS = frozenset({"GIAY CHUNG NHAN", "GIAY XAC NHAN", "GIAY PHEP", "TRICH LUC", "BAN TRICH LUC",
                           "CHUNG CHI", "VAN BANG", "BANG TOT NGHIEP", "GIAY DE NGHI", "TO KHAI", "DON"})
# Marks around header lines that are not part of a name (rules, a scanner's stray bar).
_STRAY = " _-–—.|!'\"`:;~*"
_TITLE_STOP = re.compile(r"^(?:VE|V/V|CUA|NAM|SO|THANG|NGAY|QUY|DOT|TAI|DOI|CHO|TREN|THEO|TU)\b")


@dataclass(frozen=True)
class HeaderFields:
    """Fields read from one page's header blocks (each may be None)."""

    issuer: FieldValue | None
    issuer_parent: FieldValue | None
    document_number: FieldValue | None
    date_line: DateLine | None
    document_type: FieldValue | None
    date_line_seen: bool = False
    handwritten: tuple[str, ...] = ()   # fields whose digits were handwritten and read again (fillins)


def _offset(page_text: str, segment: Segment) -> int:
    """Where the segment's text starts in the page text (-1 when the two readings differ)."""
    return page_text.find(segment.text)


def _span(page_text: str, segment: Segment, page: int) -> Evidence:
    """Evidence for a whole segment: its span in the page text (empty when not found there)."""
    start = _offset(page_text, segment)
    return Evidence(page, 0, 0) if start < 0 else Evidence(page, start, start + len(segment.text))


def _shift(value: FieldValue | None, page_text: str, segment: Segment) -> FieldValue | None:
    """A value found in a segment's own text, with its evidence moved into the page text."""
    if value is None:
        return None
    start = _offset(page_text, segment)
    e = value.evidence
    evidence = Evidence(e.page, 0, 0) if start < 0 else Evidence(e.page, start + e.start, start + e.end)
    return FieldValue(value.value, value.confidence, evidence)


# ------------------------------------------------------------------ issuer
def _org_starts(folded_words: list[str]) -> list[int]:
    """Word positions where an organisation's kind starts (``BỘ``, ``VIỆN``, ``TÒA ÁN``…)."""
    return [i for i in range(len(folded_words)) if _ORG_HEAD_RE.match(" ".join(folded_words[i:i + 4]))]


def _joint_bodies(lines: Sequence[str]) -> list[str] | None:
    """The issuers of a joint header (``BỘ CÔNG AN - BỘ QUỐC PHÒNG …``), or None for a single chain."""
    words = collapse_spaces(" ".join(lines).replace(" - ", " ")).split(" ")
    folded = [fold(w).upper() for w in words]
    same_rank = [i for i, w in enumerate(folded) if w in _JOINT_RANKS]
    if len(same_rank) < 3 and not any(re.search(r"\S\s+-\s+\S", line) for line in lines if
                                      len(_org_starts([fold(w).upper() for w in line.split()])) >= 2):
        return None
    cuts = [i for i in _org_starts(folded) if i == 0 or folded[i] in _JOINT_RANKS or folded[i] in ("VIEN", "TOA")]
    if len(cuts) < 2:
        return None
    return [" ".join(words[a:b]).strip(" -") for a, b in zip(cuts, [*cuts[1:], len(words)], strict=True)]


# Heads that begin each member of a joint header (ministries, the procuracy and the court).
_JOINT_RANKS = frozenset({"BO"})


def split_issuer_bodies(lines: Sequence[str]) -> list[list[str]]:
    """The issuer block's lines grouped into bodies (parent first, issuer last).

    A joint header (``BỘ CÔNG AN - BỘ QUỐC PHÒNG - …``) is one body: the joint issuers together,
    each kept apart by `` - ``.
    """
    joint = _joint_bodies([line.strip(_STRAY) for line in lines if line.strip(_STRAY)])
    if joint is not None:
        return [[" - ".join(joint)]]
    bodies: list[list[str]] = []
    for i, line in enumerate(lines):
        line = collapse_spaces(line.strip(_STRAY))
        if not line:
            continue
        folded = fold(line).upper()
        previous_open = i > 0 and lines[i - 1].rstrip().endswith(("-", ","))
        opens = _ORG_HEAD_RE.match(folded) and not _UNIT_RE.match(folded) and not _CONTINUATION_RE.match(folded)
        if bodies and (not opens or previous_open):
            bodies[-1].append(line)
        else:
            bodies.append([line])
    return bodies


def _case_words(words: list[str]) -> list[tuple[str, bool]]:
    """Each word in its case, and whether it is an administrative word in its canonical spelling.

    Administrative words take their canonical spelling and case; names are capitalised after a unit
    kind (``tỉnh Quảng Ngãi``), an organisation kind (``Sở Tư pháp``) and each ``và`` or `` - `` that
    joins the parts of a name (``Sở Giáo dục và Đào tạo``); the rest is lower case.
    """
    out: list[tuple[str, bool]] = []
    i = 0
    in_name = False
    unit_may_follow = True  # a unit kind stands first, or right after a committee / police / council
    while i < len(words):
        for size in (5, 4, 3, 2, 1):
            phrase = " ".join(words[i:i + size])
            canonical = _CANONICAL_WORDS.get(fold(phrase).upper()) if i + size <= len(words) else None
            if canonical is not None and size == 1 and canonical not in ("và", "UBND", "HĐND"):
                # one ambiguous word (QUẢN/quận, SỞ/số, BAN/bàn) is canonical only where a kind stands
                allowed = i == 0 if canonical not in _UNIT_KINDS.values() else unit_may_follow
                canonical = canonical if allowed else None
            if canonical is not None:
                cased = canonical if out else canonical[:1].upper() + canonical[1:]
                out.extend((w, True) for w in cased.split(" "))
                in_name = canonical in _UNIT_KINDS.values()
                unit_may_follow = canonical in _UNIT_OWNERS
                i += size
                break
        else:
            word = words[i].lower()
            after = fold(out[-1][0]).upper() if out else ""
            if in_name or not out or after in _ORG_NAMED_AFTER or after in ("VA", "-"):
                word = word[:1].upper() + word[1:]
            out.append((word, False))
            unit_may_follow = False
            i += 1
    return out


# Bodies named after the unit they serve: a unit kind follows them (``Công an xã Cẩm Thanh``).
_UNIT_OWNERS = frozenset({"Ủy ban nhân dân", "Hội đồng nhân dân", "UBND", "HĐND", "Công an", "Tòa án nhân dân",
                          "Viện kiểm sát nhân dân", "Kho bạc", "Thanh tra"})


# After these the next word is capitalised (``Sở Tư pháp``, ``Bộ Công Thương``).
_ORG_NAMED_AFTER = frozenset({"BO", "SO", "CUC", "TONG CUC", "CHI CUC", "PHONG", "BAN", "TRUONG", "VIEN",
                              "BENH VIEN", "TRUNG TAM", "HOC VIEN", "DAI HOC", "VAN PHONG", "CONG AN", "HOI",
                              "THANH TRA", "KHO BAC"})


_GLUED_UNIT = re.compile(r"^(?P<head>.*[AEIOUY].*?)(?P<unit>TINH|HUYEN|QUAN|PHUONG)$")


def split_glued_units(words: list[str]) -> list[str]:
    """Words with a unit kind glued to the word before it split in two (``KHOATỈNH`` → ``KHOA TỈNH``).

    A Vietnamese word is one syllable: a word that holds a vowel and then ends in a whole unit kind is
    two words the engine read without their space (``KHUYÊN`` holds no vowel before ``HUYÊN``)."""
    out = []
    for word in words:
        m = _GLUED_UNIT.match(fold(word).upper())
        if m is None or len(word) != len(fold(word)):
            out.append(word)
            continue
        cut = len(m.group("head"))
        out.extend((word[:cut], word[cut:]))
    return out


def _body_name(lines: list[str], document_text: str) -> str:
    """One body's name from its header lines: canonical administrative words, names spelt as the document does."""
    text = collapse_spaces(" ".join(lines))
    text = re.sub(r"\s*-\s*", " - ", text)
    cased = _case_words(split_glued_units(text.split(" ")))
    words = [w for w, _ in cased]
    start = 0
    while start < len(cased):  # respell each run of words that are not administrative vocabulary
        if cased[start][1]:
            start += 1
            continue
        end = start
        while end < len(cased) and not cased[end][1]:
            end += 1
        words[start:end] = respell_from_document(" ".join(words[start:end]), document_text).split(" ")
        start = end
    return unify_tone_placement(" ".join(words))


def _province_spellings() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each province's name by its accent-folded words (``("ho", "chi", "minh")`` → ``("Hồ", "Chí", "Minh")``)."""
    return {tuple(fold(name).lower().split()): tuple(name.split()) for name in PROVINCE_NAMES.values()}


PROVINCE_SPELLINGS = _province_spellings()


def spell_province_names(words: list[str]) -> list[str]:
    """``words`` with every run fold-equal to a province's name spelt as that name.

    Marks on capitals are often misread (``HÒ CHÍ MINH``) and a name may appear in the document
    spelt both ways once each; a province's name has one spelling.
    """
    out = list(words)
    folded = [fold(w).lower() for w in words]
    i = 0
    while i < len(words):
        for size in (4, 3, 2):
            spelling = PROVINCE_SPELLINGS.get(tuple(folded[i:i + size]))
            if spelling is not None and len(folded[i:i + size]) == size:
                out[i:i + size] = spelling
                i += size - 1
                break
        i += 1
    return out


def respell_from_document(name: str, document_text: str) -> str:
    """``name`` with each run of words spelt as the document spells it most often (case kept from ``name``).

    Header capitals are read with wrong marks more often than body text; the same name elsewhere
    (``Quảng Ngãi`` in the date line and the body) is fold-equal to the header's (``QUANG NGAI``) and
    decides its marks. A single word is respelt only when it was read without any mark and the
    document spells it one way at least twice (``THUE`` → ``Thuế``). ``document_text`` should not hold
    the header's own reading.
    """
    words = name.split(" ")
    text_words = re.findall(r"[^\W\d_]+", document_text)
    folded_text = [fold(w).lower() for w in text_words]
    index: dict[str, list[int]] = {}
    for i, w in enumerate(folded_text):
        index.setdefault(w, []).append(i)
    out = list(words)
    i = 0
    while i < len(words):
        best: tuple[int, list[str]] | None = None
        for size in range(min(5, len(words) - i), 0, -1):
            if size == 1 and (fold(words[i]) != words[i] or len(words[i]) < 3):
                break  # one word alone is respelt only when it was read with no marks at all
            target = [fold(w).lower() for w in words[i:i + size]]
            votes: Counter[tuple[str, ...]] = Counter()
            for start in index.get(target[0], []):
                if folded_text[start:start + size] == target:
                    votes[tuple(w.lower() for w in text_words[start:start + size])] += 1
            if votes:
                spelling, count = votes.most_common(1)[0]
                if size > 1 or count >= 2:
                    best = (size, list(spelling))
                break
        if best is None:
            i += 1
            continue
        size, chosen = best
        for k in range(size):
            original = words[i + k]
            fixed = chosen[k]
            out[i + k] = fixed[:1].upper() + fixed[1:] if original[:1].isupper() else fixed
        i += size
    return " ".join(spell_province_names(out))


def _issuer(blocks: HeaderBlocks, page_text: str, document_text: str, page: int
            ) -> tuple[FieldValue | None, FieldValue | None]:
    lines = [s.text for s in blocks.issuer_lines]
    for line in lines:  # the block's own reading must not vote for its spelling
        document_text = document_text.replace(line, " ", 1)
    bodies = split_issuer_bodies(lines)
    if not bodies:
        return None, None
    confidence = 0.92 if blocks.motto else 0.8
    issuer_text = _body_name(bodies[-1], document_text)
    last = blocks.issuer_lines[-1]
    issuer = FieldValue(issuer_text, confidence, _span(page_text, last, page))
    parent = None
    if len(bodies) > 1:
        parent_text = " ".join(_body_name(b, document_text) for b in bodies[:-1])
        parent = FieldValue(parent_text, confidence - 0.05, _span(page_text, blocks.issuer_lines[0], page))
    return issuer, parent


# ------------------------------------------------------------------ type
@dataclass(frozen=True)
class _Kind:
    name: str
    folded_words: tuple[str, ...]


_KINDS: tuple[_Kind, ...] = tuple(sorted(
    {_Kind(d.name, tuple(fold(t).upper().replace(",", " ").split())) for d in DOCUMENT_TYPES for t in d.titles},
    key=lambda k: -len(k.folded_words),
))


def _match_score(read: Sequence[str], kind: Sequence[str]) -> float:
    """1.0 when the title starts with the kind's words, a similarity ≥ 0.86 for an OCR slip, else 0."""
    if len(read) < len(kind):
        return 0.0
    joined, wanted = " ".join(read[:len(kind)]), " ".join(kind)
    if joined == wanted:
        return 1.0
    if len(wanted) < 6:
        return 0.0
    ratio = difflib.SequenceMatcher(None, joined, wanted).ratio()
    return ratio if ratio >= 0.86 else 0.0


def type_from_title(lines: Sequence[str]) -> tuple[str, bool] | None:
    """The document type named by a title (its lines in order) and whether the spelling was exact.

    The longest kind of the vocabulary that the title starts with (read exactly, or with an OCR slip
    of at most ~14 % of its letters; the exact reading wins between kinds of one length); a short
    qualifier that completes the kind on the title's first line is kept
    (``HƯỚNG DẪN LIÊN NGÀNH`` → ``Hướng dẫn liên ngành``).
    """
    if not lines:
        return None
    first = fold(lines[0]).upper().replace(",", " ").split()
    joined = fold(" ".join(lines)).upper().replace(",", " ").split()
    scored = [(_match_score(joined, k.folded_words), len(k.folded_words), k) for k in _KINDS]
    score, size, kind = max(scored, key=lambda t: (t[0] > 0, t[1], t[0]))  # the longest kind read
    if score == 0.0:
        return None
    rest = first[size:] if size <= len(first) else []
    original_rest = [w.strip(_STRAY) for w in lines[0].split()[size:]]
    original_rest = [w for w in original_rest if w]
    if rest and " ".join(kind.folded_words) in _RESULT_HEADS and 1 <= len(original_rest) <= 10:
        # a result's title names it whole: "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"
        return f"{kind.name} {' '.join(w.lower() for w in original_rest)}", score == 1.0
    short_qualifier = 1 <= len(rest) <= 2 and size <= 2 and all(w.isalpha() for w in original_rest)
    if short_qualifier and not _TITLE_STOP.match(" ".join(rest)):
        return f"{kind.name} {' '.join(w.lower() for w in original_rest)}", score == 1.0
    return kind.name, score == 1.0


def _document_type(blocks: HeaderBlocks, number: FieldValue | None, page_text: str, page: int,
                   issuer: FieldValue | None = None) -> FieldValue | None:
    for group in blocks.title_groups[:3]:
        found = type_from_title([s.text for s in group])
        if found is not None:
            name, exact = found
            return FieldValue(name, 0.96 if exact else 0.9, _span(page_text, group[0], page))
    from_symbol = type_from_symbol(number, issuer)
    if blocks.summary_line is not None and from_symbol is None:
        return FieldValue("Công văn", 0.9, _span(page_text, blocks.summary_line, page))
    if from_symbol is not None and number is not None:
        return FieldValue(from_symbol, 0.8, number.evidence)
    return None


# ------------------------------------------------------------------ all header fields
#: Word confidence under which digits standing alone are taken as a handwritten fill-in not read reliably.
MIN_DIGIT_CONFIDENCE = 80.0
#: Digits printed together with the symbol (``1135/TB-BTP``) are typed: a lower confidence still reads them.
MIN_PRINTED_CONFIDENCE = 35.0


def _digits_legible(segment: Segment, value: str) -> bool:
    """True when every word of ``segment`` holding a digit of ``value`` was read with enough confidence.

    A number or day written by hand in the blank left for it stands apart (``Số: 22 /BC-UBND``) and is
    often misread; Tesseract's low confidence on it marks it. Digits joined to the printed symbol
    (``1135/TB-BTP``) were printed with it.
    """
    if not segment.confidences:
        return True
    digits = set(re.sub(r"\D", "", value))
    words = segment.text.split(" ")
    if len(words) != len(segment.confidences):
        return True
    for word, confidence in zip(words, segment.confidences, strict=True):
        if not (any(ch.isdigit() for ch in word) and set(re.sub(r"\D", "", word)) & digits):
            continue
        printed = bool(re.match(r"^\d+/\S*[A-ZĐ]", word))
        if confidence < (MIN_PRINTED_CONFIDENCE if printed else MIN_DIGIT_CONFIDENCE):
            return False
    return True


#: A number whose handwritten digits were read from its blank (:func:`agreed_number`) is kept, but a
#: person should confirm it.
FILLED_IN_NUMBER_CONFIDENCE = 0.6
#: The number's symbol after its blank: ``/TTr-UBND``, ``/2024/QĐ-UBND`` (a slash, then a letter or a year).
_SYMBOL_AFTER_BLANK = re.compile(r"/\s*((?:\d{4}\s*/\s*)?[^\W\d_][^\s,;]*)")


def _number(blocks: HeaderBlocks, page_text: str, page: int) -> FieldValue | None:
    """The ``Số:`` line's printed number, or None when its digits are an unreadable handwritten fill-in
    (then :func:`_filled_in_number` may read it)."""
    segment = blocks.number_line
    if segment is None:
        return None
    text = re.sub(r"(\d)[.,](?=\s*/)", r"\1 ", segment.text)  # "3070. /KH-UBND": a stray stop
    # the segment IS the number line: its label stands first ("Luật số:" is no citation here)
    text = re.sub(r"^[^\d/]*?\b(?:S[ốốôoóồổ6]|SỐ|SÔ|SỔ|SỒ|S6)\s*[:;.,]?\s*", "Số: ", text, count=1, flags=re.IGNORECASE)
    found = find_document_number(text, page)
    if found is None or not _digits_legible(segment, found.value.split("/")[0]):
        return None
    return _shift(found, page_text, segment)


def _filled_in_number(segment: Segment, page_text: str, page: int,
                      fill_ins: Sequence[FillInReading]) -> FieldValue | None:
    """The number with the classifier's reading of its handwritten digits and the printed symbol."""
    reading = next((r for r in fill_ins
                    if r.label == "number" and r.page == page and r.top <= segment.center_y <= r.bottom), None)
    digits = None if reading is None else agreed_number(reading)
    symbol = _SYMBOL_AFTER_BLANK.search(segment.text)
    if digits is None or symbol is None:
        return None
    found = find_document_number(f"Số: {digits}/{''.join(symbol.group(1).split())}", page)
    if found is None:
        return None
    return FieldValue(found.value, FILLED_IN_NUMBER_CONFIDENCE, _span(page_text, segment, page))


#: A date whose handwritten day two readers agreed on is kept, but a person should confirm it.
FILLED_IN_CONFIDENCE = 0.7


@dataclass(frozen=True)
class FillInEvidence:
    """What else is known of the hand-filled number and day: their second readings, and the limits of
    the date (the signature times, the latest cited date)."""

    fill_ins: Sequence[FillInReading] = ()
    signed: Sequence[dt.date] = ()
    not_before: dt.date | None = None


def _printed_month_year(segment: Segment) -> tuple[int, int] | None:
    """The month and year after ``tháng``, when every word holding them was read with confidence."""
    words = segment.text.split(" ")
    folded = [fold(w).lower() for w in words]
    start = next((i for i, w in enumerate(folded) if "thang" in w), None)
    if start is None:
        return None
    tail = " ".join(folded[start:])
    m = re.match(r"\S*?thang\s*(\d{1,2})\s*nam\s*(\d{4})\b", tail)
    if m is None or not 1 <= int(m.group(1)) <= 12:
        return None
    after = [folded[start][folded[start].index("thang"):], *folded[start + 1:]]  # not a day glued before
    unsure = [c for w, c in zip(after, segment.confidences[start:], strict=False)
              if any(ch.isdigit() for ch in w) and c < MIN_DIGIT_CONFIDENCE]
    if len(words) == len(segment.confidences) and unsure:
        return None
    return int(m.group(1)), int(m.group(2))


def _printed_year(segment: Segment) -> int | None:
    """The year that ends a date line (``… năm 2026``), when it was read with confidence."""
    words = segment.text.split(" ")
    m = re.fullmatch(r"(\d{4})[.,]?", words[-1]) if words else None
    if m is None or not any(fold(w).lower().startswith("nam") for w in words[-3:-1]):
        return None
    if len(words) == len(segment.confidences) and segment.confidences[-1] < MIN_DIGIT_CONFIDENCE:
        return None
    return int(m.group(1))


def _filled_in_date(segment: Segment, page_text: str, page: int, evidence: FillInEvidence) -> DateLine | None:
    """The date line with its handwritten day, when two sources agree on it (:func:`agreed_day`)."""
    month_year = _printed_month_year(segment)
    reading = next((r for r in evidence.fill_ins
                    if r.label == "day" and r.page == page and r.top <= segment.center_y <= r.bottom), None)
    if reading is None:
        return None
    hand = reading.hand_at(HAND_CONFIRMED)   # it must agree with another reader: see agreed_days
    if month_year is not None:
        date = agreed_day(reading.readings, *month_year, evidence.signed, evidence.not_before, hand)
    else:
        year = _printed_year(segment)
        date = None if year is None else signed_date(reading.readings, year, evidence.signed, evidence.not_before,
                                                     hand)
    if date is None:
        return None
    folded = fold(segment.text).lower()
    prefix = segment.text[: folded.find("ngay")] if "ngay" in folded else ""
    found = find_date_line(f"{prefix}ngày {date.day:02d} tháng {date.month:02d} năm {date.year}", page)
    place = None if found is None else _province_spelt(_shift(found.place, page_text, segment))
    return DateLine(FieldValue(date.isoformat(), FILLED_IN_CONFIDENCE, _span(page_text, segment, page)), place)


def _date_line(blocks: HeaderBlocks, page_text: str, page: int, evidence: FillInEvidence
               ) -> tuple[DateLine | None, bool]:
    """The header's date line, and whether its day was handwritten (read by :func:`_filled_in_date`)."""
    segment = blocks.date_line
    if segment is None:
        return None, False
    found = find_date_line(segment.text, page)
    if found is None or not _digits_legible(segment, found.issued_on.value):
        filled = _filled_in_date(segment, page_text, page, evidence)
        return filled, filled is not None
    issued_on = _shift(found.issued_on, page_text, segment)
    if issued_on is None:
        return None, False
    return DateLine(issued_on, _province_spelt(_shift(found.place, page_text, segment))), False


def _province_spelt(place: FieldValue | None) -> FieldValue | None:
    """``place`` with a province's name in it spelt as that name (:func:`spell_province_names`)."""
    if place is None:
        return None
    return FieldValue(" ".join(spell_province_names(place.value.split(" "))), place.confidence, place.evidence)


def read_header(blocks: HeaderBlocks, page_text: str, document_text: str, page: int,
                fill_in: FillInEvidence | None = None) -> HeaderFields:
    """Every header field of a page from its blocks (``document_text``: all pages, for spellings;
    ``fill_in``: what else is known of a hand-filled number and day)."""
    issuer, parent = _issuer(blocks, page_text, document_text, page)
    evidence = fill_in or FillInEvidence()
    number = _number(blocks, page_text, page)
    handwritten = []
    if number is None and blocks.number_line is not None:
        number = _filled_in_number(blocks.number_line, page_text, page, evidence.fill_ins)
        handwritten += ["document_number"] if number is not None else []
    date_line, day_by_hand = _date_line(blocks, page_text, page, evidence)
    handwritten += ["issued_on"] if day_by_hand else []
    return HeaderFields(issuer, parent, number, date_line, _document_type(blocks, number, page_text, page, issuer),
                        date_line_seen=blocks.date_line is not None, handwritten=tuple(handwritten))


# A cited document: "số 4724/TB-LĐTBXH ngày 11 tháng 12 năm 2014", "số 1418/QĐ-UBND ngày 14/11/2024".
_CITED_DATE = re.compile(
    r"\bso\s*:?\s*\d+(?:/\d{4})?/[^\s,;]+\s*ngay\s*(?P<d>\d{1,2})\s*"
    r"(?:thang\s*(?P<m>\d{1,2})\s*nam\s*(?P<y>\d{4})|[/.-]\s*(?P<m2>\d{1,2})\s*[/.-]\s*(?P<y2>\d{4}))"
)


def latest_cited_date(texts: Sequence[str]) -> str | None:
    """The latest date (ISO) of a document the text cites by number: the document's own date cannot be earlier."""
    latest: str | None = None
    for text in texts:
        for m in _CITED_DATE.finditer(fold(text).lower()):
            month, year = m.group("m") or m.group("m2"), m.group("y") or m.group("y2")
            try:
                iso = dt.date(int(year), int(month), int(m.group("d"))).isoformat()
            except ValueError:
                continue
            latest = iso if latest is None or iso > latest else latest
    return latest
