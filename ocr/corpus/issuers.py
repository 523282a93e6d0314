"""Issuing bodies of every kind, with the one-to-three-line issuer block of the Decree 30 header.

An :class:`Issuer` knows how its block is printed (top-left, capitals, a parent body over the
issuing body, long names wrapped onto two lines), what the right-hand title is (the national
motto, or ``ĐẢNG CỘNG SẢN VIỆT NAM`` for party organs), its number symbol, its signing titles and
its truth in the real-admin conventions: ``issuer`` = the lowest body of the block in normal case,
``issuer_parent`` = the body (or bodies, joined by `` / ``) above it, ``alt`` = accepted spellings.

:func:`choose_issuer` draws a body of a given family; everything is decided by the generator
passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ocr.corpus.people import pick
from ocr.corpus.places import DA_NANG_2025, DISTRICTS, MERGER_DATE

__all__ = [
    "FAMILIES",
    "NATIONAL",
    "PARTY",
    "Body",
    "HeaderLine",
    "Issuer",
    "choose_issuer",
    "commune_police_issuer",
    "department_issuer",
    "district_office_issuer",
    "header_lines",
    "wrap_caps",
]

NATIONAL: tuple[str, ...] = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PARTY: tuple[str, ...] = ("ĐẢNG CỘNG SẢN VIỆT NAM",)
FARMERS: tuple[str, ...] = ("HỘI NÔNG DÂN VIỆT NAM",)
YOUTH: tuple[str, ...] = ("ĐOÀN TNCS HỒ CHÍ MINH",)
#: A header line longer than this many characters is wrapped onto two lines.
WRAP_AT = 30

# Provinces and centrally-run cities outside Quảng Nam: (kind, name). Provincial bodies of the corpus.
PROVINCES: tuple[tuple[str, str], ...] = (
    ("tỉnh", "Quảng Nam"), ("tỉnh", "Quảng Nam"), ("tỉnh", "Hải Dương"), ("tỉnh", "Bắc Ninh"),
    ("tỉnh", "Thanh Hóa"), ("tỉnh", "Nghệ An"), ("tỉnh", "Tuyên Quang"), ("tỉnh", "Lâm Đồng"),
    ("tỉnh", "Đắk Lắk"), ("tỉnh", "Bình Định"), ("tỉnh", "Khánh Hòa"), ("tỉnh", "Kiên Giang"),
    ("tỉnh", "Lào Cai"), ("tỉnh", "Phú Thọ"), ("thành phố", "Đà Nẵng"), ("thành phố", "Cần Thơ"),
    ("thành phố", "Hải Phòng"), ("thành phố", "Hà Nội"), ("thành phố", "Hồ Chí Minh"),
)
# Ministries: (name, symbol, department bodies under it as (kind, name, symbol)).
MINISTRIES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Bộ Tài chính", "BTC", (("Tổng cục Thuế", "TCT"), ("Cục Quản lý công sản", "QLCS"),
                            ("Kho bạc Nhà nước", "KBNN"))),
    ("Bộ Tư pháp", "BTP", (("Cục Hộ tịch, quốc tịch, chứng thực", "HTQTCT"),
                          ("Cục Kiểm tra văn bản quy phạm pháp luật", "KTrVB"))),
    ("Bộ Y tế", "BYT", (("Cục Quản lý khám, chữa bệnh", "KCB"), ("Cục An toàn thực phẩm", "ATTP"))),
    ("Bộ Công Thương", "BCT", (("Cục Hóa chất", "HC"), ("Cục Công nghiệp", "CN"))),
    ("Bộ Xây dựng", "BXD", (("Cục Quản lý hoạt động xây dựng", "HĐXD"),)),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "BNNPTNT", (("Cục Trồng trọt", "TT"), ("Tổng cục Thủy lợi", "TCTL"))),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT", (("Cục Quản lý chất lượng", "QLCL"),)),
    ("Bộ Nội vụ", "BNV", (("Cục Văn thư và Lưu trữ nhà nước", "VTLTNN"),)),
    ("Bộ Tài nguyên và Môi trường", "BTNMT", (("Tổng cục Quản lý đất đai", "TCQLĐĐ"),)),
    ("Bộ Lao động - Thương binh và Xã hội", "BLĐTBXH", (("Cục Bảo trợ xã hội", "BTXH"),)),
    ("Bộ Thông tin và Truyền thông", "BTTTT", (("Cục Chuyển đổi số quốc gia", "CĐSQG"),)),
)
# Departments of a provincial committee: (name, symbol, head's title).
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("Sở Tài chính", "STC"), ("Sở Tư pháp", "STP"), ("Sở Y tế", "SYT"), ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNN"), ("Sở Xây dựng", "SXD"), ("Sở Nội vụ", "SNV"),
    ("Sở Tài nguyên và Môi trường", "STNMT"), ("Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"), ("Sở Giao thông vận tải", "SGTVT"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"), ("Sở Thông tin và Truyền thông", "STTTT"),
)
# Offices of a district committee; several names hold a document-type word on purpose.
OFFICES: tuple[tuple[str, str, str], ...] = (
    ("Phòng Tài chính - Kế hoạch", "TCKH", "TRƯỞNG PHÒNG"),
    ("Phòng Kinh tế, Hạ tầng và Đô thị", "KTHTĐT", "TRƯỞNG PHÒNG"),
    ("Phòng Tài nguyên và Môi trường", "TNMT", "TRƯỞNG PHÒNG"),
    ("Phòng Nội vụ", "NV", "TRƯỞNG PHÒNG"),
    ("Phòng Giáo dục và Đào tạo", "GDĐT", "TRƯỞNG PHÒNG"),
    ("Phòng Lao động - Thương binh và Xã hội", "LĐTBXH", "TRƯỞNG PHÒNG"),
    ("Phòng Tư pháp", "TP", "TRƯỞNG PHÒNG"),
    ("Ban Quản lý dự án đầu tư xây dựng", "BQLDA", "GIÁM ĐỐC"),
    ("Trung tâm Phục vụ hành chính công", "TTPVHCC", "GIÁM ĐỐC"),
    ("Văn phòng HĐND và UBND", "VP", "CHÁNH VĂN PHÒNG"),
)
# Provinces of the list merged into others on 1 July 2025 (no body of theirs issues after that day).
MERGED_AWAY = frozenset({"Quảng Nam", "Hải Dương", "Bình Định", "Kiên Giang"})
# Offices of a commune or ward committee after the 2025 reform: (name, symbol, head's title).
COMMUNE_OFFICES: tuple[tuple[str, str, str], ...] = (
    ("Phòng Kinh tế", "PKT", "TRƯỞNG PHÒNG"),
    ("Phòng Kinh tế, Hạ tầng và Đô thị", "KTHTĐT", "TRƯỞNG PHÒNG"),
    ("Phòng Văn hóa - Xã hội", "VHXH", "TRƯỞNG PHÒNG"),
    ("Trung tâm Phục vụ hành chính công", "TTPVHCC", "GIÁM ĐỐC"),
)
SCHOOL_NAMES = ("Nguyễn Trãi", "Lê Quý Đôn", "Trần Phú", "Phan Châu Trinh", "Huỳnh Thúc Kháng", "Nguyễn Du",
                "Quang Trung", "Chu Văn An", "Lê Hồng Phong", "Nguyễn Bỉnh Khiêm")


@dataclass(frozen=True)
class Body:
    """One body of an issuer block: its name in normal case and the accepted other spellings."""

    name: str
    alt: tuple[str, ...] = ()
    caps: str | None = None

    @property
    def printed(self) -> str:
        """The name as printed in the header (capitals unless given)."""
        return self.caps if self.caps is not None else self.name.upper()


@dataclass(frozen=True)
class HeaderLine:
    """One printed line of the issuer block; ``issuer`` marks lines of the lowest (issuing) body."""

    text: str
    issuer: bool


@dataclass(frozen=True)
class Issuer:
    """An issuing body with its parents, how it signs, its symbol and the place it writes before the date.

    ``bodies`` run from the topmost parent to the issuing body. ``collective`` is the ``TM.`` line
    of a collective body (``TM. ỦY BAN NHÂN DÂN``), ``head``/``deputy`` the signing titles.
    ``family`` names the kind of body (``ubnd-district``, ``department``, ``ministry`` …).
    """

    family: str
    bodies: tuple[Body, ...]
    symbol: str
    place: str
    head: str
    deputy: str
    collective: str | None = None
    right: tuple[str, ...] = NATIONAL
    authority: str | None = None
    party_numbering: bool = False
    locality: str | None = None

    @property
    def name(self) -> str:
        """The issuer in the real-admin convention: the lowest body in normal case."""
        return self.bodies[-1].name

    @property
    def parent(self) -> str | None:
        """The body or bodies above the issuer (joined by `` / ``), or None."""
        return " / ".join(body.name for body in self.bodies[:-1]) or None

    @property
    def alt(self) -> tuple[str, ...]:
        """Other accepted spellings of the issuer."""
        return self.bodies[-1].alt

    @property
    def authority_line(self) -> str:
        """The line before ``QUYẾT ĐỊNH:`` (``GIÁM ĐỐC SỞ TÀI CHÍNH``)."""
        if self.authority is not None:
            return self.authority
        return f"{self.head} {' '.join(self.bodies[-1].printed.split())}"


def wrap_caps(text: str, width: int = WRAP_AT) -> tuple[str, ...]:
    """A header line, or two balanced lines when it is longer than ``width`` characters."""
    if len(text) <= width:
        return (text,)
    words = text.split(" ")
    best, best_cost = 1, len(text)
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        cost = max(len(first), len(second))
        if cost < best_cost:
            best, best_cost = cut, cost
    return (" ".join(words[:best]), " ".join(words[best:]))


def header_lines(issuer: Issuer) -> tuple[HeaderLine, ...]:
    """The printed lines of the issuer block, top to bottom (long names wrapped)."""
    lines: list[HeaderLine] = []
    for index, body in enumerate(issuer.bodies):
        last = index == len(issuer.bodies) - 1
        lines += [HeaderLine(text, last) for text in body.printed.split("\n") for text in wrap_caps(text)]
    return tuple(lines)


def _committee(kind: str, name: str) -> Body:
    """``Ủy ban nhân dân tỉnh X`` printed over two lines (``ỦY BAN NHÂN DÂN`` / ``TỈNH X``)."""
    unit = f"{kind} {name}"
    return Body(f"Ủy ban nhân dân {unit}", (f"UBND {unit}", f"Uỷ ban nhân dân {unit}"),
                caps=f"ỦY BAN NHÂN DÂN\n{unit.upper()}")


def _committee_parent(kind: str, name: str, short: bool) -> Body:
    """A committee as a parent line: ``UBND TỈNH X`` (one line) or the full two lines."""
    unit = f"{kind} {name}"
    if short:
        return Body(f"UBND {unit}", (f"Ủy ban nhân dân {unit}",), caps=f"UBND {unit.upper()}")
    return Body(f"Ủy ban nhân dân {unit}", (f"UBND {unit}",), caps=f"ỦY BAN NHÂN DÂN {unit.upper()}")


def _province(rng: np.random.Generator, day: dt.date) -> tuple[str, str]:
    """A province or city that exists on ``day`` (four of the list were merged away on 1 July 2025)."""
    choices = PROVINCES if day < MERGER_DATE else tuple(p for p in PROVINCES if p[1] not in MERGED_AWAY)
    kind, name = choices[int(rng.integers(len(choices)))]
    return kind, name


def _new_commune(rng: np.random.Generator) -> tuple[str, str]:
    """A commune-level unit of Đà Nẵng formed on 1 July 2025."""
    return DA_NANG_2025[int(rng.integers(len(DA_NANG_2025)))]


def _district(rng: np.random.Generator) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    return DISTRICTS[int(rng.integers(len(DISTRICTS)))]


def _province_place(kind: str, name: str) -> str:
    return f"Thành phố {name}" if name == "Hồ Chí Minh" else name


def _provincial_committee(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    return Issuer("ubnd-province", (_committee(kind, name),), "UBND", _province_place(kind, name), "CHỦ TỊCH",
                  "PHÓ CHỦ TỊCH", collective="TM. ỦY BAN NHÂN DÂN",
                  authority=f"CHỦ TỊCH ỦY BAN NHÂN DÂN {kind.upper()} {name.upper()}")


def _district_committee(rng: np.random.Generator, day: dt.date) -> Issuer:
    if day >= MERGER_DATE:
        return _commune_committee(rng, day)
    d_kind, d_name, _ = _district(rng)
    return Issuer("ubnd-district", (_committee(d_kind, d_name),), "UBND", d_name, "CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                  collective="TM. ỦY BAN NHÂN DÂN",
                  authority=f"CHỦ TỊCH ỦY BAN NHÂN DÂN {d_kind.upper()} {d_name.upper()}",
                  locality=f"{d_kind} {d_name}, tỉnh Quảng Nam")


def _commune_committee(rng: np.random.Generator, day: dt.date) -> Issuer:
    if day >= MERGER_DATE:  # the communes and wards of Đà Nẵng formed on 1 July 2025, no district above
        c_kind, c_name = _new_commune(rng)
        return Issuer("ubnd-commune", (_committee(c_kind, c_name),), "UBND", c_name, "CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                      collective="TM. ỦY BAN NHÂN DÂN",
                      authority=f"CHỦ TỊCH ỦY BAN NHÂN DÂN {c_kind.upper()} {c_name.upper()}",
                      locality=f"{c_kind} {c_name}, thành phố Đà Nẵng")
    d_kind, d_name, communes = _district(rng)
    c_kind, c_name = communes[int(rng.integers(len(communes)))]
    bodies: tuple[Body, ...]
    if rng.random() < 0.5:
        parent = _committee_parent(d_kind, d_name, short=True)
        bodies = (parent, Body(f"Ủy ban nhân dân {c_kind} {c_name}", (f"UBND {c_kind} {c_name}",),
                               caps=f"UBND {c_kind.upper()} {c_name.upper()}"))
    else:
        bodies = (_committee(c_kind, c_name),)
    return Issuer("ubnd-commune", bodies, "UBND", c_name, "CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                  collective="TM. ỦY BAN NHÂN DÂN",
                  authority=f"CHỦ TỊCH ỦY BAN NHÂN DÂN {c_kind.upper()} {c_name.upper()}",
                  locality=f"{c_kind} {c_name}, {d_kind} {d_name}, tỉnh Quảng Nam")


def _people_council(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    unit = f"{kind} {name}"
    body = Body(f"Hội đồng nhân dân {unit}", (f"HĐND {unit}",), caps=f"HỘI ĐỒNG NHÂN DÂN\n{unit.upper()}")
    return Issuer("hdnd", (body,), "HĐND", _province_place(kind, name), "CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                  authority=f"HỘI ĐỒNG NHÂN DÂN {unit.upper()}")


def _government(rng: np.random.Generator, day: dt.date) -> Issuer:
    return Issuer("government", (Body("Chính phủ"),), "CP", "Hà Nội", "THỦ TƯỚNG", "PHÓ THỦ TƯỚNG",
                  collective="TM. CHÍNH PHỦ", authority="CHÍNH PHỦ")


def _prime_minister(rng: np.random.Generator, day: dt.date) -> Issuer:
    return Issuer("prime-minister", (Body("Thủ tướng Chính phủ"),), "TTg", "Hà Nội", "THỦ TƯỚNG",
                  "PHÓ THỦ TƯỚNG", authority="THỦ TƯỚNG CHÍNH PHỦ")


def _national_assembly(rng: np.random.Generator, day: dt.date) -> Issuer:
    return Issuer("national-assembly", (Body("Quốc hội"),), "QH", "Hà Nội", "CHỦ TỊCH QUỐC HỘI",
                  "PHÓ CHỦ TỊCH QUỐC HỘI", authority="QUỐC HỘI")


def _ministry(rng: np.random.Generator, day: dt.date) -> Issuer:
    name, symbol, _ = MINISTRIES[int(rng.integers(len(MINISTRIES)))]
    return Issuer("ministry", (Body(name),), symbol, "Hà Nội", "BỘ TRƯỞNG", "THỨ TRƯỞNG")


def _ministry_department(rng: np.random.Generator, day: dt.date) -> Issuer:
    name, _, departments = MINISTRIES[int(rng.integers(len(MINISTRIES)))]
    dept, symbol = departments[int(rng.integers(len(departments)))]
    head = "TỔNG CỤC TRƯỞNG" if dept.startswith("Tổng cục") else (
        "TỔNG GIÁM ĐỐC" if dept.startswith("Kho bạc") else "CỤC TRƯỞNG")
    deputy = "PHÓ " + head
    return Issuer("general-department" if dept.startswith("Tổng cục") else "department-of-ministry",
                  (Body(name), Body(dept)), symbol, "Hà Nội", head, deputy)


def _branch_department(rng: np.random.Generator, day: dt.date) -> Issuer:
    """A Chi cục under a provincial Cục (tax), or a Cục Thuế under the Tổng cục."""
    kind, name = _province(rng, day)
    if rng.random() < 0.5:
        _, d_name, _ = _district(rng)
        top = "tỉnh Quảng Nam" if day < MERGER_DATE else "thành phố Đà Nẵng"
        bodies = (Body(f"Cục Thuế {top}"), Body(f"Chi cục Thuế khu vực {d_name}"))
        return Issuer("branch-department", bodies, "CCT", d_name, "CHI CỤC TRƯỞNG", "PHÓ CHI CỤC TRƯỞNG")
    bodies = (Body("Tổng cục Thuế"), Body(f"Cục Thuế {kind} {name}", (f"Cục Thuế {name}",)))
    return Issuer("tax-department", bodies, "CT", _province_place(kind, name), "CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG")


def _provincial_department(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    dept, symbol = DEPARTMENTS[int(rng.integers(len(DEPARTMENTS)))]
    parent = _committee_parent(kind, name, short=bool(rng.random() < 0.6))
    body = Body(dept, (f"{dept} {kind} {name}", f"{dept} {name}"))
    return Issuer("department", (parent, body), symbol, _province_place(kind, name), "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def department_issuer(rng: np.random.Generator, name: str, day: dt.date) -> Issuer:
    """The provincial department called ``name`` (``Sở Y tế``) under a random province's committee."""
    kind, province = _province(rng, day)
    symbol = dict(DEPARTMENTS)[name]
    parent = _committee_parent(kind, province, short=bool(rng.random() < 0.6))
    body = Body(name, (f"{name} {kind} {province}", f"{name} {province}"))
    return Issuer("department", (parent, body), symbol, _province_place(kind, province), "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def district_office_issuer(rng: np.random.Generator, day: dt.date, name: str | None = None) -> Issuer:
    """A district committee's office (``Phòng Tài chính - Kế hoạch`` …), ``name`` or a random one;
    from 1 July 2025, when districts are gone, an office of a commune or ward committee instead."""
    if day >= MERGER_DATE:
        return _commune_office(rng, economic=name is not None and "Tài chính" in name)
    d_kind, d_name, _ = _district(rng)
    chosen = [o for o in OFFICES if o[0] == name] if name else [OFFICES[int(rng.integers(len(OFFICES)))]]
    office, symbol, head = chosen[0]
    parent = _committee_parent(d_kind, d_name, short=bool(rng.random() < 0.6))
    body = Body(office, (f"{office} {d_kind} {d_name}",))
    deputy = "PHÓ " + head if head != "CHÁNH VĂN PHÒNG" else "PHÓ CHÁNH VĂN PHÒNG"
    return Issuer("district-office", (parent, body), symbol, d_name, head, deputy,
                  locality=f"{d_kind} {d_name}, tỉnh Quảng Nam")


def _commune_office(rng: np.random.Generator, economic: bool) -> Issuer:
    c_kind, c_name = _new_commune(rng)
    offices = COMMUNE_OFFICES[:2] if economic else COMMUNE_OFFICES
    office, symbol, head = offices[int(rng.integers(len(offices)))]
    parent = _committee_parent(c_kind, c_name, short=True)
    return Issuer("district-office", (parent, Body(office, (f"{office} {c_kind} {c_name}",))), symbol, c_name,
                  head, "PHÓ " + head, locality=f"{c_kind} {c_name}, thành phố Đà Nẵng")


def _district_office(rng: np.random.Generator, day: dt.date) -> Issuer:
    return district_office_issuer(rng, day)


def _court(rng: np.random.Generator, day: dt.date) -> Issuer:
    if day >= MERGER_DATE:  # no district courts any more: the city's court
        body = Body("Tòa án nhân dân thành phố Đà Nẵng", ("TAND thành phố Đà Nẵng",),
                    caps="TÒA ÁN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG")
        return Issuer("court", (body,), "TA", "Đà Nẵng", "CHÁNH ÁN", "PHÓ CHÁNH ÁN")
    d_kind, d_name, _ = _district(rng)
    unit = f"{d_kind} {d_name}"
    body = Body(f"Tòa án nhân dân {unit}", (f"Toà án nhân dân {unit}", f"TAND {unit}"),
                caps=f"TÒA ÁN NHÂN DÂN\n{unit.upper()}")
    if rng.random() < 0.5:
        bodies: tuple[Body, ...] = (Body("Tòa án nhân dân tỉnh Quảng Nam", ("TAND tỉnh Quảng Nam",),
                                         caps="TÒA ÁN NHÂN DÂN TỈNH QUẢNG NAM"),
                                    Body(f"Tòa án nhân dân {unit}", (f"TAND {unit}",),
                                         caps=f"TÒA ÁN NHÂN DÂN {unit.upper()}"))
    else:
        bodies = (body,)
    return Issuer("court", bodies, "TA", d_name, "CHÁNH ÁN", "PHÓ CHÁNH ÁN")


def _procuracy(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    unit = f"{kind} {name}"
    bodies = (Body("Viện kiểm sát nhân dân tối cao", ("VKSND tối cao",)),
              Body(f"Viện kiểm sát nhân dân {unit}", (f"VKSND {unit}",),
                   caps=f"VIỆN KIỂM SÁT NHÂN DÂN\n{unit.upper()}"))
    return Issuer("procuracy", bodies if rng.random() < 0.5 else bodies[1:], "VKS", _province_place(kind, name),
                  "VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG")


def _police(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    unit = f"{kind} {name}"
    provincial = Body(f"Công an {unit}", (f"CA {unit}",))
    if rng.random() < 0.5:
        return Issuer("police", (Body("Bộ Công an"), provincial), "CAT", _province_place(kind, name), "GIÁM ĐỐC",
                      "PHÓ GIÁM ĐỐC")
    unit_name = pick(rng, ("Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
                           "Phòng Cảnh sát giao thông", "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ"))
    return Issuer("police", (provincial, Body(unit_name)), pick(rng, ("PC06", "PC08", "PC07")),
                  _province_place(kind, name), "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")


def commune_police_issuer(rng: np.random.Generator, day: dt.date) -> Issuer:
    """The police of a commune under its district's police (residence confirmations)."""
    return _commune_police(rng, day)


def _commune_police(rng: np.random.Generator, day: dt.date) -> Issuer:
    if day >= MERGER_DATE:
        c_kind, c_name = _new_commune(rng)
        bodies = (Body("Công an thành phố Đà Nẵng"), Body(f"Công an {c_kind} {c_name}"))
        return Issuer("police", bodies, "CAX", c_name, "TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN",
                      locality=f"{c_kind} {c_name}, thành phố Đà Nẵng")
    d_kind, d_name, communes = _district(rng)
    c_kind, c_name = communes[int(rng.integers(len(communes)))]
    bodies = (Body(f"Công an {d_kind} {d_name}"), Body(f"Công an {c_kind} {c_name}"))
    return Issuer("police", bodies, "CAX", c_name, "TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN",
                  locality=f"{c_kind} {c_name}, {d_kind} {d_name}, tỉnh Quảng Nam")


def _school(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    school = f"Trường THPT {pick(rng, SCHOOL_NAMES)}"
    parent = Body(f"Sở Giáo dục và Đào tạo {kind} {name}", (f"Sở GD&ĐT {name}",),
                  caps=f"SỞ GD&ĐT {name.upper()}" if rng.random() < 0.5 else None)
    return Issuer("school", (parent, Body(school, (f"Trường Trung học phổ thông {school[12:]}",))), "THPT",
                  _province_place(kind, name), "HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG")


def _hospital(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    parent = Body(f"Sở Y tế {name}", (f"Sở Y tế {kind} {name}",))
    body = Body(f"Bệnh viện đa khoa {kind}", (f"Bệnh viện đa khoa {kind} {name}", f"Bệnh viện Đa khoa {kind} {name}"))
    return Issuer("hospital", (parent, body), "BVĐK", _province_place(kind, name), "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def _party(rng: np.random.Generator, day: dt.date) -> Issuer:
    if day >= MERGER_DATE:  # district party committees ended with the districts: a commune's
        c_kind, c_name = _new_commune(rng)
        name = f"Đảng ủy {c_kind} {c_name}"
        bodies = (Body("Đảng bộ thành phố Đà Nẵng"), Body(name, (name.replace("ủy", "uỷ"),)))
        return Issuer("party", bodies, "ĐU", c_name, "BÍ THƯ", "PHÓ BÍ THƯ", collective="T/M BAN THƯỜNG VỤ",
                      right=PARTY, authority=f"BAN THƯỜNG VỤ {bodies[1].printed}", party_numbering=True)
    d_kind, d_name, _ = _district(rng)
    committee = "Thành ủy" if d_kind == "thành phố" else ("Thị ủy" if d_kind == "thị xã" else "Huyện ủy")
    symbol = {"Thành ủy": "TU", "Thị ủy": "TX", "Huyện ủy": "HU"}[committee]
    name = f"{committee} {d_name}"
    bodies = (Body("Đảng bộ tỉnh Quảng Nam"), Body(name, (name.replace("ủy", "uỷ"),)))
    return Issuer("party", bodies, symbol, d_name, "BÍ THƯ", "PHÓ BÍ THƯ", collective="T/M BAN THƯỜNG VỤ",
                  right=PARTY, authority=f"BAN THƯỜNG VỤ {bodies[1].printed}", party_numbering=True)


def _farmers(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    bodies = (Body(f"Hội Nông dân {kind} {name}"),
              Body("Ban Thường vụ", (f"Ban Thường vụ Hội Nông dân {kind} {name}",)))
    return Issuer("mass-organisation", bodies, "HNDT", _province_place(kind, name), "CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                  collective="T/M BAN THƯỜNG VỤ", right=FARMERS, party_numbering=True)


def _youth(rng: np.random.Generator, day: dt.date) -> Issuer:
    d_kind, d_name, _ = _district(rng)
    top = "tỉnh Quảng Nam"
    if day >= MERGER_DATE:
        (d_kind, d_name), top = _new_commune(rng), "thành phố Đà Nẵng"
    bodies = (Body(f"Ban Chấp hành Đoàn {top}", (f"BCH Đoàn {top}",)),
              Body(f"Ban Chấp hành Đoàn {d_kind} {d_name}", (f"BCH Đoàn {d_kind} {d_name}", f"Đoàn {d_kind} {d_name}")))
    return Issuer("mass-organisation", bodies, "ĐTN", d_name, "BÍ THƯ", "PHÓ BÍ THƯ",
                  collective="TM. BAN THƯỜNG VỤ", right=YOUTH, party_numbering=True)


def _steering_board(rng: np.random.Generator, day: dt.date) -> Issuer:
    kind, name = _province(rng, day)
    board, symbol = pick(rng, ("Ban Chỉ đạo 138|BCĐ138", "Ban Chỉ đạo phòng, chống thiên tai|BCĐPCTT",
                               "Ban Chỉ đạo chuyển đổi số|BCĐCĐS")).split("|")
    parent = _committee_parent(kind, name, short=True)
    return Issuer("board", (parent, Body(board, (f"{board} {kind} {name}",))), symbol,
                  _province_place(kind, name), "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")


#: Issuer families and their makers.
FAMILIES: dict[str, Callable[[np.random.Generator, dt.date], Issuer]] = {
    "ubnd-province": _provincial_committee,
    "ubnd-district": _district_committee,
    "ubnd-commune": _commune_committee,
    "hdnd": _people_council,
    "government": _government,
    "prime-minister": _prime_minister,
    "national-assembly": _national_assembly,
    "ministry": _ministry,
    "ministry-department": _ministry_department,
    "branch-department": _branch_department,
    "department": _provincial_department,
    "district-office": _district_office,
    "court": _court,
    "procuracy": _procuracy,
    "police": _police,
    "commune-police": _commune_police,
    "school": _school,
    "hospital": _hospital,
    "party": _party,
    "farmers": _farmers,
    "youth": _youth,
    "board": _steering_board,
}

#: Families that may issue ordinary administrative documents (not laws, decrees or circulars).
ADMIN_FAMILIES: tuple[str, ...] = (
    "ubnd-province", "ubnd-province", "ubnd-district", "ubnd-commune", "department", "department",
    "district-office", "district-office", "ministry", "ministry-department", "branch-department", "court",
    "procuracy", "police", "school", "hospital", "party", "farmers", "youth", "board", "prime-minister",
)


def choose_issuer(rng: np.random.Generator, day: dt.date, families: tuple[str, ...] = ADMIN_FAMILIES) -> Issuer:
    """A random issuer of one of ``families`` (repeat a family to weight it), valid on ``day``."""
    family = families[int(rng.integers(len(families)))]
    return FAMILIES[family](rng, day)
