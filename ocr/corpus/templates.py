"""Shared pieces of the synthetic document types: context, header, signature, dates, ID phrases.

A document type (see :mod:`ocr.corpus.doctypes`) receives a :class:`DocContext` with everything
random already decided (issuing committee, date, number, holder) and returns its blocks and the
fields a perfect reader would extract. Texts follow Decree 30/2020/NĐ-CP: ``Số: 07/QĐ-UBND``,
``Bắc Trà My, ngày 09 tháng 02 năm 2022`` (days below 10 and months 1–2 padded with 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ocr.corpus.blocks import Cell, Paragraph, TwoColumns, glue, para
from ocr.corpus.issuers import Issuer, header_lines
from ocr.corpus.people import Person, make_person, pick
from ocr.corpus.places import MERGER_DATE, Setting

__all__ = [
    "DocContext",
    "TruthFields",
    "date_line",
    "header",
    "id_phrase",
    "issuer_header",
    "issuer_signature",
    "labelled_id",
    "number_words",
    "short_date",
    "signature",
    "title",
]

CCCD_FROM = dt.date(2016, 1, 1)
CAN_CUOC_FROM = dt.date(2024, 7, 1)


@dataclass(frozen=True)
class TruthFields:
    """The fields a perfect reader extracts from a document (the ``fields`` of its truth file).

    ``issuer`` is the lowest body of the header's issuer block in normal case (``UBND huyện Bắc
    Trà My`` for the committees of the original eight kinds, ``Sở Tư pháp`` under ``UBND tỉnh …``),
    ``issuer_parent`` the body or bodies above it (joined by `` / ``), ``place`` the place before the
    date (None for a law, which prints no date line), ``title`` the trích yếu
    (``Về việc …``, ``V/v …``, or the line under the type), ``signer`` the name under the signature,
    ``holder_name`` only when the document is issued to a person, ``alt`` other accepted spellings
    per field (as in ``real-admin/fields.jsonl``).
    """

    citizen_ids: tuple[str, ...]
    cmnd_ids: tuple[str, ...]
    tax_codes: tuple[str, ...]
    document_number: str
    issued_on: str
    issuer: str
    place: str | None
    document_type: str
    summary: str | None
    holder_name: str | None
    locality: str | None
    issuer_parent: str | None = None
    signer: str | None = None
    title: str | None = None
    alt: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def to_json(self) -> dict[str, object]:
        """The JSON object, ID lists as lists of strings, ``issued_on`` ISO, ``alt`` a dict of lists."""
        return {
            "citizen_ids": list(self.citizen_ids),
            "cmnd_ids": list(self.cmnd_ids),
            "tax_codes": list(self.tax_codes),
            "document_number": self.document_number,
            "issued_on": self.issued_on,
            "issuer": self.issuer,
            "place": self.place,
            "document_type": self.document_type,
            "summary": self.summary,
            "holder_name": self.holder_name,
            "locality": self.locality,
            "issuer_parent": self.issuer_parent,
            "signer": self.signer,
            "title": self.title,
            "alt": {name: list(values) for name, values in self.alt},
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TruthFields:
        """Read back what :meth:`to_json` wrote (truth files of older corpora lack the newer keys)."""
        lists = {k: tuple(str(v) for v in data[k]) for k in ("citizen_ids", "cmnd_ids", "tax_codes")}  # type: ignore[attr-defined]
        singles = {k: data[k] for k in ("document_number", "issued_on", "issuer", "place", "document_type",
                                        "summary", "holder_name", "locality")}
        newer = {k: data.get(k) for k in ("issuer_parent", "signer", "title")}
        alt_map = data.get("alt") or {}
        alt = tuple((str(k), tuple(str(v) for v in values)) for k, values in alt_map.items())  # type: ignore[attr-defined]
        return cls(**lists, **singles, **newer, alt=alt)  # type: ignore[arg-type]


@dataclass
class DocContext:
    """Everything random about one document, decided before its type writes the text.

    ``citizen_ids``, ``cmnd_ids`` and ``tax_codes`` collect, in reading order, every identifier
    the type prints (through :func:`id_phrase` and friends).
    """

    rng: np.random.Generator
    province_codes: list[str]
    setting: Setting
    issued_on: dt.date
    holder: Person
    long: bool
    citizen_ids: list[str]
    cmnd_ids: list[str]
    tax_codes: list[str]
    issuer: Issuer | None = None
    signer: str | None = None

    def person(self, born_from: int, born_to: int, female: bool | None = None) -> Person:
        """Another random person (a parent, a spouse, a signer)."""
        return make_person(self.rng, self.province_codes, born_from, born_to, female)

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return bool(self.rng.random() < p)

    def number(self, symbol: str) -> str:
        """A document number such as ``07/QĐ-UBND`` (below 10 padded with 0)."""
        value = int(self.rng.integers(1, 10)) if self.chance(0.2) else int(self.rng.integers(10, 2400))
        return f"{value:02d}/{symbol}"

    def truth(
        self, *, number: str, document_type: str, summary: str | None, holder: Person | None,
        title: str | None = None, alt: dict[str, tuple[str, ...]] | None = None,
    ) -> TruthFields:
        """The truth fields of this document once its text is written.

        Documents of an :class:`~ocr.corpus.issuers.Issuer` (``ctx.issuer``) take issuer, parent,
        place and locality from it; the original eight kinds take them from ``ctx.setting``.
        """
        spellings = dict(alt or {})
        if self.issuer is not None:
            issuer, parent, place = self.issuer.name, self.issuer.parent, self.issuer.place
            # A result issued to a person concerns the person's commune; other documents their issuer's area.
            locality = self.setting.locality if holder is not None else self.issuer.locality
            if self.issuer.alt:
                spellings["issuer"] = self.issuer.alt + spellings.get("issuer", ())
        else:
            unit = self.setting.issuer_unit.full
            issuer, parent, place, locality = self.setting.issuer, None, self.setting.place, self.setting.locality
            spellings["issuer"] = (f"Ủy ban nhân dân {unit}", f"Uỷ ban nhân dân {unit}")
        return TruthFields(
            citizen_ids=tuple(self.citizen_ids),
            cmnd_ids=tuple(self.cmnd_ids),
            tax_codes=tuple(self.tax_codes),
            document_number=number,
            issued_on=self.issued_on.isoformat(),
            issuer=issuer,
            place=place,
            document_type=document_type,
            summary=summary,
            holder_name=holder.name if holder is not None else None,
            locality=locality,
            issuer_parent=parent,
            signer=self.signer,
            title=title if title is not None else summary,
            alt=tuple(sorted(spellings.items())),
        )


def short_date(day: dt.date) -> str:
    """``09/02/2022``."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def date_line(place: str, day: dt.date) -> str:
    """``Bắc Trà My, ngày 09 tháng 02 năm 2022`` (months 3–12 unpadded, as Decree 30 writes them)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def header(setting: Setting, number: str, day: dt.date) -> TwoColumns:
    """The two-column header: agency and number on the left, national title, motto and date on the right."""
    return TwoColumns(
        rows=(
            (Cell("ỦY BAN NHÂN DÂN", "regular", 13), Cell("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold", 12.5)),
            (Cell(setting.issuer_unit.caps, "bold", 13, rule=0.4),
             Cell("Độc lập - Tự do - Hạnh phúc", "bold", 13, rule=1.0)),
            (None, None),
            (Cell(f"Số: {number}", "regular", 13), Cell(date_line(setting.place, day), "italic", 13)),
        ),
        split=0.4,
        pitch=17.0,
    )


def issuer_header(
    issuer: Issuer, number_line: str, date_text: str | None, summary_lines: tuple[str, ...] = ()
) -> TwoColumns:
    """The two-column header of any issuer: the issuer block (parents regular, the issuing body bold
    and underlined, long names wrapped) over the number line, optional ``V/v`` lines under it;
    the national title and motto (or the party's or organisation's name) over the date on the right."""
    left = [Cell(line.text, "bold" if line.issuer else "regular", 13 if line.issuer else 12.5)
            for line in header_lines(issuer)]
    left[-1] = Cell(left[-1].text, left[-1].style, left[-1].size, rule=0.4)
    single = len(issuer.right) == 1  # a party's or organisation's name alone is underlined
    right = [Cell(issuer.right[0], "bold", 13 if single else 12.5, rule=0.8 if single else 0.0)]
    right += [Cell(text, "bold", 13, rule=1.0) for text in issuer.right[1:]]
    top = max(len(left), len(right))
    rows: list[tuple[Cell | None, Cell | None]] = []
    for index in range(top):
        rows.append((left[index] if index < len(left) else None, right[index] if index < len(right) else None))
    rows.append((None, None))
    rows.append((Cell(number_line, "regular", 13), Cell(date_text, "italic", 13) if date_text else None))
    rows += [(Cell(line, "regular", 12), None) for line in summary_lines]
    return TwoColumns(rows=tuple(rows), split=0.45, pitch=17.0)


def title(name: str, summary: str | None = None, subtitle: str | None = None) -> list[Paragraph]:
    """The document type in capitals, then the ``Về việc …`` summary (bold, underlined) or a subtitle."""
    blocks = [para((name, "bold"), size=14, align="center", indent=0, space_before=20)]
    if summary is not None:
        blocks.append(para((summary, "bold"), size=14, align="center", indent=0, space_before=0, rule_after=True))
    if subtitle is not None:
        blocks.append(para((subtitle, "italic"), size=13, align="center", indent=0, space_before=0))
    return blocks


def id_phrase(ctx: DocContext, person: Person, *, allow_cmnd: bool = True) -> str:
    """The person's ID next to one of the labels seen in real documents (never split across lines).

    Sometimes adds the old 9-digit CMND (``CMND số … do Công an tỉnh Quảng Nam cấp ngày …``).
    """
    labels = ["Số CCCD:", "CCCD số", "Số định danh cá nhân:", "Giấy tờ tùy thân: CCCD số"]
    if ctx.issued_on >= CAN_CUOC_FROM:
        labels += ["Số thẻ căn cước:", "Số định danh cá nhân:"]
    if ctx.issued_on >= MERGER_DATE:
        labels.append("Mã số thuế:")
    label = pick(ctx.rng, labels)
    ctx.citizen_ids.append(person.citizen_id)
    phrase = glue(f"{label} {person.citizen_id}")
    if allow_cmnd and ctx.chance(0.25):
        ctx.cmnd_ids.append(person.cmnd)
        issued = dt.date(max(person.birth.year + 14, 1995), 1, 1) + dt.timedelta(days=int(ctx.rng.integers(0, 3000)))
        issued = min(issued, ctx.issued_on - dt.timedelta(days=400))
        phrase += f"; {glue(f'CMND số {person.cmnd}')} do Công an tỉnh Quảng Nam cấp ngày {short_date(issued)}"
    return phrase


def labelled_id(ctx: DocContext, person: Person, label: str) -> str:
    """``label`` and the person's citizen ID, unbreakable, recorded in the truth (no CMND)."""
    ctx.citizen_ids.append(person.citizen_id)
    return glue(f"{label} {person.citizen_id}")


def signature(ctx: DocContext, recipients: list[str], deputy: bool | None = None) -> TwoColumns:
    """The signature block: ``Nơi nhận:`` on the left; ``TM. ỦY BAN NHÂN DÂN``, title, seal, name on the right."""
    is_deputy = ctx.chance(0.5) if deputy is None else deputy
    right = ["TM. ỦY BAN NHÂN DÂN", *(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] if is_deputy else ["CHỦ TỊCH"])]
    gap = 5
    left_lines = ["Nơi nhận:", *recipients][: len(right) + gap]
    signer = ctx.person(1965, 1985)
    ctx.signer = signer.name
    return _signature_rows(right, left_lines, signer.name, gap)


def issuer_signature(ctx: DocContext, issuer: Issuer, recipients: list[str]) -> TwoColumns:
    """The signature block of any issuer: ``Nơi nhận:`` on the left; ``TM.`` line (collective bodies),
    ``KT. <head>`` / ``<deputy>``, ``TL. <head>`` / ``CHÁNH VĂN PHÒNG``, ``Q. <head>`` or ``<head>``,
    seal, signature and name on the right."""
    right = [issuer.collective] if issuer.collective else []
    roll = float(ctx.rng.random())
    if roll < 0.4:  # signed for the head by a deputy
        right += [f"KT. {issuer.head}", issuer.deputy]
    elif roll < 0.55:  # by order of the head, by the chief of office
        right += [f"TL. {issuer.head}", "CHÁNH VĂN PHÒNG"]
    elif roll < 0.62:  # an acting head
        right += [f"Q. {issuer.head}"]
    else:
        right += [issuer.head]
    gap = 5
    left_lines = ["Nơi nhận:", *recipients][: len(right) + gap]
    signer = ctx.person(1962, 1986)
    ctx.signer = signer.name
    return _signature_rows(right, left_lines, signer.name, gap)


def _signature_rows(right: list[str], left_lines: list[str], name: str, gap: int) -> TwoColumns:
    rows: list[tuple[Cell | None, Cell | None]] = []
    for index in range(len(right) + gap + 1):
        left = None
        if index < len(left_lines):
            left = Cell(left_lines[index], "bolditalic" if index == 0 else "regular", 12 if index == 0 else 11, "left")
        right_cell = None
        if index < len(right):
            right_cell = Cell(right[index], "bold", 13)
        elif index == len(right) + gap:
            right_cell = Cell(name, "bold", 13)
        rows.append((left, right_cell))
    return TwoColumns(rows=tuple(rows), split=0.45, pitch=17.0, space_before=10,
                      seal_rows=(len(right), len(right) + gap - 1))


_UNITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _below_thousand(n: int, full: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_UNITS[hundreds], "trăm"]
    if tens > 1:
        words += [_UNITS[tens], "mươi"]
    elif tens == 1:
        words.append("mười")
    elif ones and words:
        words.append("lẻ")
    if ones:
        if ones == 5 and tens >= 1:
            words.append("lăm")
        elif ones == 1 and tens > 1:
            words.append("mốt")
        else:
            words.append(_UNITS[ones])
    return words


def number_words(n: int) -> str:
    """Vietnamese words for 0 ≤ n < 1 000 000, capitalised: ``Hai trăm năm mươi``."""
    if n == 0:
        return "Không"
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        words += [*_below_thousand(thousands, False), "nghìn"]
    if rest:
        words += _below_thousand(rest, bool(thousands))
    text = " ".join(words)
    return text[0].upper() + text[1:]
