"""The person a document is for (``holder_name``) and the locality it concerns."""

from __future__ import annotations

import re

from ocr.fields.model import Evidence, FieldValue
from ocr.fields.textnorm import fold, title_case_vi

__all__ = ["find_holder_name", "find_locality", "find_sole_beneficiary", "is_decision", "issued_to_a_person"]

# Labels introducing the holder, matched on accent-folded text (case kept), strongest first.
_HOLDER_LABELS: tuple[tuple[re.Pattern[str], float, bool], ...] = (
    (re.compile(r"\bHo,?\s*chu\s*dem,?\s*(?:va\s*)?ten\s*(?:nguoi\s*[a-z ]{0,20})?:\s*", re.I), 0.92, False),
    (re.compile(r"\bChu\s*ho\s*(?:kinh\s*doanh)?\s*:\s*", re.I), 0.92, False),
    (re.compile(r"\bHo\s*(?:va|&)\s*ten\s*(?:chu\s*ho|nguoi\s*[a-z ]{0,25})?\s*:\s*", re.I), 0.9, False),
    (re.compile(r"\b[Cc]ho\s*:?\s*(?:ho\s+)?(?:[Oo]ng|[Bb]a)\s*(?:\(ba\)|/\s*ba)?\s*:?\s+"), 0.86, True),
    (re.compile(r"\b(?:Ong|Ba)\s*(?:\(ba\)|/\s*ba)?\s*:\s+"), 0.8, False),
    (re.compile(r"(?<![\w/])(?:ong|ba)\s+(?=[A-Z])"), 0.8, True),
)
_WORD = re.compile(r"\S+")
_TRAILING = ",.;:)"
# Capitalised words that start a new line of prose rather than continue a wrapped name.
_LINE_STARTERS = frozenset({"Can", "Dieu", "Xet", "Theo", "Ngay", "So", "Dia", "Noi", "Kinh", "Ho", "Thuong",
                            "Chu", "Giao", "Cap", "Quyet", "Ve", "Tai", "Thoi", "Muc"})


def _name_after(text: str, pos: int, *, cross_lines: bool) -> tuple[str, int, int] | None:
    """2–5 capitalised words starting at ``pos``: (name, start, end).

    ``cross_lines`` lets a name in running prose wrap onto the next line; a form field
    (``Họ và tên: …``) ends at its line.
    """
    line_end = len(text) if cross_lines else text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    words: list[re.Match[str]] = []
    for w in _WORD.finditer(text, pos, line_end):
        token = w.group()
        core = token.rstrip(_TRAILING)
        if not core or not core.isalpha() or not core[0].isupper():
            break
        if words and (core.isupper() and len(core) > 1) != words[0].group().rstrip(_TRAILING).isupper():
            break  # a name is either all capitals or all title case
        if words and "\n" in text[words[-1].end():w.start()] and fold(core) in _LINE_STARTERS:
            break
        words.append(w)
        if core != token or len(words) == 5:
            break
    if len(words) < 2:
        return None
    start, end = words[0].start(), words[-1].start() + len(words[-1].group().rstrip(_TRAILING))
    raw = text[start:end]
    name = title_case_vi(raw) if raw.isupper() else " ".join(raw.split())
    return name, start, end


# Common Vietnamese surnames: OCR often loses a surname's tone mark ("Nguyên" for "Nguyễn"); the
# surname set is closed and no two of these fold to the same letters, so the folded form decides.
_SURNAMES = {fold(n): n for n in (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đoàn", "Trương", "Đinh", "Lương", "Thái", "Đàm", "Hà", "Mai", "Tô", "Cao", "Lâm",
    "Châu", "Trịnh", "Lưu", "Tạ", "Quách", "Kiều", "Đào", "Vương", "Tăng", "Hứa", "Mạc", "Chu", "Triệu",
    "Phùng", "Nông", "Hầu", "Khổng", "Thân", "Âu", "Ung", "Lò",
)}


def _fix_surname(name: str) -> tuple[str, bool]:
    """``Nguyên Văn An`` → ``Nguyễn Văn An``: restore a common surname's marks; True when changed."""
    first, _, rest = name.partition(" ")
    canonical = _SURNAMES.get(fold(first))
    if canonical is None or canonical == first:
        return name, False
    return f"{canonical} {rest}", True


def find_holder_name(text: str, page: int) -> FieldValue | None:
    """The holder's full name from ``Họ, chữ đệm, tên:``, ``Chủ hộ kinh doanh:``, ``Họ và tên:``,
    ``cho ông/bà …``; names printed in capitals are returned in title case (``Nguyễn Văn An``)."""
    folded = fold(text)
    for pattern, confidence, prose in _HOLDER_LABELS:
        for m in pattern.finditer(folded):
            found = _name_after(text, m.end(), cross_lines=prose)
            if found is not None:
                name, start, end = found
                name, fixed = _fix_surname(name)
                return FieldValue(name, confidence - (0.04 if fixed else 0.0), Evidence(page, start, end))
    return None


# Kinds of result issued to one person (accent-folded, lower case prefixes of the type).
_PERSONAL_KINDS = ("giay chung nhan", "giay phep", "trich luc", "ban trich luc", "giay khai sinh", "giay xac nhan",
                   "phieu ly lich", "van bang", "bang tot nghiep", "chung chi", "giay khai tu", "giay khen",
                   "bang khen", "the ")


def issued_to_a_person(document_type: FieldValue | None) -> bool:
    """True for kinds of result issued to a person (certificates, permits, extracts, diplomas…)."""
    return document_type is not None and fold(document_type.value).lower().startswith(_PERSONAL_KINDS)


def is_decision(document_type: FieldValue | None) -> bool:
    """True for a decision (``Quyết định``), which has a holder only when it names one beneficiary."""
    return document_type is not None and fold(document_type.value).lower() == "quyet dinh"


_RECIPIENTS = re.compile(r"\bN[oơ]i\s*nh[aậ]n\b", re.IGNORECASE)


def find_sole_beneficiary(texts: list[str]) -> FieldValue | None:
    """The one person a decision is for (``… cho ông Nguyễn Văn An``); None when it names several.

    Names after ``Nơi nhận`` (the distribution list) are left out; a decision that awards or appoints
    several people has no holder.
    """
    found: dict[str, FieldValue] = {}
    for page, text in enumerate(texts, start=1):
        cut = _RECIPIENTS.search(text)
        body = text[: cut.start()] if cut else text
        folded = fold(body)
        for pattern, confidence, prose in _HOLDER_LABELS:
            for m in pattern.finditer(folded):
                hit = _name_after(body, m.end(), cross_lines=prose)
                if hit is None:
                    continue
                name, start, end = hit
                name, fixed = _fix_surname(name)
                found.setdefault(fold(name).lower(), FieldValue(
                    name, confidence - (0.04 if fixed else 0.0), Evidence(page, start, end)))
    return next(iter(found.values())) if len(found) == 1 else None


_STARTERS_RE = "(?:" + "|".join(sorted(_LINE_STARTERS)) + ")"
_KINDS = r"(?:thi\s+tran|thi\s+xa|thanh\s+pho|phuong|huyen|quan|tinh|xa)"
_NAME_WORD = r"(?:[A-Z][a-z]+|[A-Z](?![A-Za-z]))"
# a name may wrap onto the next line when the wrapped word closes the unit (``Sơn\nViên, huyện``)
_WRAP = rf"\n(?=(?:{_NAME_WORD}[ ]){{0,2}}{_NAME_WORD}(?:[,.;]|$))(?!{_STARTERS_RE}\b)"
_NAME = rf"{_NAME_WORD}(?:(?:[ ]|{_WRAP})+{_NAME_WORD}){{0,3}}"
_UNIT = rf"\b{_KINDS}\s+{_NAME}"
_CHAIN = re.compile(rf"{_UNIT}(?:\s*,\s*{_UNIT})*", re.MULTILINE)
_COMMUNE_LEVEL = re.compile(r"^(?:xa|phuong|thi\s+tran)\b")


def find_locality(text: str, page: int, issuer: FieldValue | None = None) -> FieldValue | None:
    """The administrative chain a document concerns (``xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam``).

    The longest chain of units named in the text that starts at commune level; without one, the
    issuer's own unit (``UBND huyện Bắc Trà My`` → ``huyện Bắc Trà My``) with low confidence.
    """
    folded = fold(text)
    best: tuple[int, int] | None = None
    for m in _CHAIN.finditer(folded):
        if not _COMMUNE_LEVEL.match(m.group()):
            continue
        if best is None or (m.group().count(",") > folded[best[0]:best[1]].count(",")):
            best = (m.start(), m.end())
    if best is not None:
        start, end = best
        value = " ".join(text[start:end].split())
        confidence = 0.85 if value.count(",") >= 1 else 0.7
        return FieldValue(value, confidence, Evidence(page, start, end))
    if issuer is not None and issuer.value.startswith("UBND "):
        return FieldValue(issuer.value[5:], 0.5, issuer.evidence)
    return None
