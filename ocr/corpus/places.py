"""Quảng Nam places and the People's Committees that issue documents there.

Before 1 July 2025 Quảng Nam had cities, a town and districts with their communes; from that date
the province is part of Đà Nẵng city and communes issue most results. :func:`choose_setting` picks
an issuing committee consistent with a document's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

__all__ = ["MERGER_DATE", "Setting", "Unit", "choose_setting"]

MERGER_DATE = dt.date(2025, 7, 1)

# District-level units of Quảng Nam before the 2025 reform: (kind, name, communes as (kind, name)).
_X, _P, _TT = "xã", "phường", "thị trấn"
DISTRICTS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("thành phố", "Tam Kỳ", ((_P, "An Mỹ"), (_P, "An Sơn"), (_P, "Hòa Hương"), (_P, "Tân Thạnh"),
                             (_P, "Phước Hòa"), (_X, "Tam Thăng"), (_X, "Tam Thanh"), (_X, "Tam Phú"))),
    ("thành phố", "Hội An", ((_P, "Minh An"), (_P, "Cẩm Phô"), (_P, "Sơn Phong"), (_P, "Tân An"),
                             (_P, "Cẩm Châu"), (_X, "Cẩm Kim"), (_X, "Cẩm Hà"), (_X, "Cẩm Thanh"))),
    ("thị xã", "Điện Bàn", ((_P, "Vĩnh Điện"), (_P, "Điện An"), (_P, "Điện Ngọc"), (_P, "Điện Dương"),
                            (_X, "Điện Hòa"), (_X, "Điện Tiến"), (_X, "Điện Phong"), (_X, "Điện Minh"))),
    ("huyện", "Đại Lộc", ((_TT, "Ái Nghĩa"), (_X, "Đại Hiệp"), (_X, "Đại Hòa"), (_X, "Đại An"),
                          (_X, "Đại Nghĩa"), (_X, "Đại Quang"))),
    ("huyện", "Duy Xuyên", ((_TT, "Nam Phước"), (_X, "Duy Sơn"), (_X, "Duy Trung"), (_X, "Duy Châu"),
                            (_X, "Duy Hòa"), (_X, "Duy Hải"))),
    ("huyện", "Quế Sơn", ((_TT, "Đông Phú"), (_X, "Quế Châu"), (_X, "Quế Phong"), (_X, "Quế Hiệp"),
                          (_X, "Quế Thuận"))),
    ("huyện", "Thăng Bình", ((_TT, "Hà Lam"), (_X, "Bình Dương"), (_X, "Bình Giang"), (_X, "Bình Minh"),
                             (_X, "Bình Nguyên"), (_X, "Bình Triều"))),
    ("huyện", "Núi Thành", ((_TT, "Núi Thành"), (_X, "Tam Hiệp"), (_X, "Tam Quang"), (_X, "Tam Nghĩa"),
                            (_X, "Tam Anh Bắc"))),
    ("huyện", "Phú Ninh", ((_TT, "Phú Thịnh"), (_X, "Tam Dân"), (_X, "Tam Đàn"), (_X, "Tam An"),
                           (_X, "Tam Thành"))),
    ("huyện", "Tiên Phước", ((_TT, "Tiên Kỳ"), (_X, "Tiên Cẩm"), (_X, "Tiên Lộc"), (_X, "Tiên Châu"),
                             (_X, "Tiên Hà"))),
    ("huyện", "Hiệp Đức", ((_TT, "Tân Bình"), (_X, "Quế Thọ"), (_X, "Bình Lâm"), (_X, "Sông Trà"),
                           (_X, "Thăng Phước"))),
    ("huyện", "Bắc Trà My", ((_TT, "Trà My"), (_X, "Trà Sơn"), (_X, "Trà Giang"), (_X, "Trà Đốc"),
                             (_X, "Trà Kót"), (_X, "Trà Nú"), (_X, "Trà Dương"), (_X, "Trà Tân"))),
    ("huyện", "Nam Trà My", ((_X, "Trà Mai"), (_X, "Trà Don"), (_X, "Trà Leng"), (_X, "Trà Tập"),
                             (_X, "Trà Cang"))),
    ("huyện", "Phước Sơn", ((_TT, "Khâm Đức"), (_X, "Phước Hòa"), (_X, "Phước Xuân"), (_X, "Phước Năng"))),
    ("huyện", "Nông Sơn", ((_X, "Quế Trung"), (_X, "Quế Lộc"), (_X, "Sơn Viên"), (_X, "Phước Ninh"))),
    ("huyện", "Nam Giang", ((_TT, "Thạnh Mỹ"), (_X, "Cà Dy"), (_X, "Tà Bhing"), (_X, "Chà Vàl"))),
    ("huyện", "Đông Giang", ((_TT, "Prao"), (_X, "Ba"), (_X, "Kà Dăng"), (_X, "Sông Kôn"))),
    ("huyện", "Tây Giang", ((_X, "A Tiêng"), (_X, "Lăng"), (_X, "Ga Ri"), (_X, "A Xan"))),
)

# A few commune-level units of Đà Nẵng city formed on 1 July 2025 from former Quảng Nam units.
DA_NANG_2025: tuple[tuple[str, str], ...] = (
    (_P, "Tam Kỳ"), (_P, "Bàn Thạch"), (_P, "Hội An"), (_P, "Điện Bàn"), (_X, "Trà My"),
    (_X, "Thăng Bình"), (_X, "Núi Thành"), (_X, "Đại Lộc"), (_X, "Duy Xuyên"), (_X, "Tiên Phước"),
)

QUANG_NAM = "tỉnh Quảng Nam"
DA_NANG = "thành phố Đà Nẵng"


@dataclass(frozen=True)
class Unit:
    """An administrative unit: ``kind`` (``huyện``, ``xã``, ``phường`` …) and ``name``."""

    kind: str
    name: str

    @property
    def full(self) -> str:
        """``xã Trà Sơn``."""
        return f"{self.kind} {self.name}"

    @property
    def caps(self) -> str:
        """``XÃ TRÀ SƠN``, as in a document header."""
        return self.full.upper()

    @property
    def is_district(self) -> bool:
        """True for district-level units (``huyện``, ``thị xã``, ``thành phố`` of a province)."""
        return self.kind in ("huyện", "thị xã", "thành phố")


@dataclass(frozen=True)
class Setting:
    """Where a document comes from: the issuing committee's unit and the locality it concerns."""

    issuer_unit: Unit
    commune: Unit
    district: Unit | None
    province: str

    @property
    def issuer(self) -> str:
        """The normalised issuer, ``UBND huyện Bắc Trà My``."""
        return f"UBND {self.issuer_unit.full}"

    @property
    def authority(self) -> str:
        """``ỦY BAN NHÂN DÂN HUYỆN BẮC TRÀ MY``, as in the line before ``QUYẾT ĐỊNH:``."""
        return f"ỦY BAN NHÂN DÂN {self.issuer_unit.caps}"

    @property
    def place(self) -> str:
        """The place printed before the date: the issuing unit's name."""
        return self.issuer_unit.name

    @property
    def locality(self) -> str:
        """``xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam`` (no district after the 2025 reform)."""
        parts = [self.commune.full]
        if self.district is not None:
            parts.append(self.district.full)
        parts.append(self.province)
        return ", ".join(parts)


def choose_setting(rng: np.random.Generator, issued_on: dt.date, commune_level: bool) -> Setting:
    """A random issuing committee valid on ``issued_on``: a district or commune before the merger
    (``commune_level`` chooses), a new Đà Nẵng commune after it."""
    if issued_on >= MERGER_DATE:
        kind, name = DA_NANG_2025[int(rng.integers(len(DA_NANG_2025)))]
        unit = Unit(kind, name)
        return Setting(issuer_unit=unit, commune=unit, district=None, province=DA_NANG)
    d_kind, d_name, communes = DISTRICTS[int(rng.integers(len(DISTRICTS)))]
    c_kind, c_name = communes[int(rng.integers(len(communes)))]
    district, commune = Unit(d_kind, d_name), Unit(c_kind, c_name)
    return Setting(
        issuer_unit=commune if commune_level else district,
        commune=commune,
        district=district,
        province=QUANG_NAM,
    )


def address(rng: np.random.Generator, setting: Setting) -> str:
    """A street-level address in the setting's commune, e.g. ``thôn 2, xã Trà Sơn, huyện …``."""
    kind = setting.commune.kind
    number = int(rng.integers(1, 12))
    if kind == "phường":
        street = f"tổ {number}" if rng.random() < 0.5 else f"khối phố {number}"
    elif kind == "thị trấn":
        street = f"tổ dân phố {number}"
    else:
        street = f"thôn {number}"
    return f"{street}, {setting.locality}"
