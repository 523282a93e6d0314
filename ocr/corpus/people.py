"""Random Vietnamese people with structurally valid identifiers.

Everything here is pure: each function takes a seeded :class:`numpy.random.Generator` and returns
values, so a corpus is reproducible from its seed. Citizen IDs follow ``PPP G YY NNNNNN``
(province of birth registration, century/sex digit, last two digits of the birth year, six digits),
CMND numbers are 9 digits, organisation tax codes carry a valid check digit.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "Person",
    "century_digit",
    "load_province_codes",
    "make_citizen_id",
    "make_cmnd",
    "make_person",
    "make_tax_code",
    "pick",
    "tax_check_digit",
]

PROVINCE_CODES_CSV = Path(__file__).resolve().parents[2] / "kho" / "core" / "province_codes.csv"  # kho.core.citizen_id

SURNAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 6), ("Huỳnh", 5), ("Hoàng", 2), ("Phan", 4),
    ("Võ", 5), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 3), ("Ngô", 2), ("Dương", 1), ("Lý", 1),
    ("Đoàn", 2), ("Trương", 2), ("Đinh", 1), ("Lương", 1), ("Thái", 1), ("Đàm", 0.5), ("Hà", 1),
)
MIDDLE_MALE = ("Văn", "Văn", "Văn", "Hữu", "Đức", "Công", "Minh", "Quang", "Thanh", "Ngọc", "Xuân", "Tấn")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng", "Diệu")
GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Hưng", "Khánh", "Long", "Lộc", "Minh",
    "Nam", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thành", "Trung", "Tuấn", "Việt", "Vũ",
    "Hòa", "Thuận", "Định", "Nghĩa", "Lực", "Toàn", "Hiếu", "Khoa", "Quý", "Tùng", "Đông", "Hoà",
)
GIVEN_FEMALE = (
    "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai",
    "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Sương", "Thảo", "Thủy", "Trang", "Tuyết",
    "Vân", "Yến", "Xuân", "Hiền", "Liên", "Lệ", "Thúy", "Thuỷ", "Diễm", "Ánh", "Nguyệt", "Hòa",
)
ETHNICITIES: tuple[tuple[str, float], ...] = (("Kinh", 88), ("Ca Dong", 4), ("Xơ Đăng", 3), ("Cơ Tu", 3), ("Co", 2))

# Tax-code check weights over the first nine digits (domain facts).
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


@dataclass(frozen=True)
class Person:
    """A random person: full name (NFC), sex, birth date and identifiers."""

    name: str
    female: bool
    birth: dt.date
    citizen_id: str
    cmnd: str
    ethnicity: str

    @property
    def title(self) -> str:
        """``ông`` or ``bà``, as in ``cho ông Nguyễn Văn A``."""
        return "bà" if self.female else "ông"


def pick(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    """One element of ``options``, chosen uniformly."""
    return options[int(rng.integers(len(options)))]


def _weighted(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    weights = np.array([w for _, w in options], dtype=float)
    index = int(rng.choice(len(options), p=weights / weights.sum()))
    return options[index][0]


def load_province_codes(path: Path = PROVINCE_CODES_CSV) -> dict[str, str]:
    """The province codes of personal IDs (``"049" -> "Quảng Nam"``) from ``kho/core/province_codes.csv``."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["province"] for row in csv.DictReader(handle)}


def century_digit(birth_year: int, female: bool) -> int:
    """The ``G`` digit of a citizen ID: 0/1 for 1900–1999, 2/3 for 2000–2099, 4/5 for 2100–2199."""
    century = (birth_year - 1900) // 100
    if not 0 <= century <= 2:
        raise ValueError(f"birth year {birth_year} outside 1900–2199")
    return 2 * century + (1 if female else 0)


def make_citizen_id(rng: np.random.Generator, province: str, birth_year: int, female: bool) -> str:
    """A 12-digit citizen ID ``PPP G YY NNNNNN`` consistent with the birth year and sex."""
    serial = int(rng.integers(0, 1_000_000))
    return f"{province}{century_digit(birth_year, female)}{birth_year % 100:02d}{serial:06d}"


def make_cmnd(rng: np.random.Generator) -> str:
    """A 9-digit CMND number in the Quảng Nam range (``20…``)."""
    return f"20{int(rng.integers(0, 10_000_000)):07d}"


def tax_check_digit(prefix: str) -> int | None:
    """The check digit of a 9-digit tax-code prefix, or None when the prefix cannot be valid."""
    total = sum(int(d) * w for d, w in zip(prefix, TAX_WEIGHTS, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check


def make_tax_code(rng: np.random.Generator) -> str:
    """A 10-digit organisation tax code of Quảng Nam (``40…``) with a valid check digit."""
    while True:
        prefix = f"40{int(rng.integers(0, 10_000_000)):07d}"
        check = tax_check_digit(prefix)
        if check is not None:
            return f"{prefix}{check}"


def _province_of_birth(rng: np.random.Generator, codes: list[str]) -> str:
    roll = rng.random()
    if roll < 0.78:
        return "049"
    if roll < 0.88:
        return "048"
    return pick(rng, codes)


def make_person(
    rng: np.random.Generator,
    codes: list[str],
    born_from: int = 1940,
    born_to: int = 2004,
    female: bool | None = None,
) -> Person:
    """A random person born between ``born_from`` and ``born_to`` with a matching citizen ID."""
    is_female = bool(rng.random() < 0.5) if female is None else female
    surname = _weighted(rng, SURNAMES)
    middle = pick(rng, MIDDLE_FEMALE if is_female else MIDDLE_MALE)
    given = pick(rng, GIVEN_FEMALE if is_female else GIVEN_MALE)
    year = int(rng.integers(born_from, born_to + 1))
    birth = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
    citizen_id = make_citizen_id(rng, _province_of_birth(rng, codes), year, is_female)
    return Person(
        name=f"{surname} {middle} {given}",
        female=is_female,
        birth=birth,
        citizen_id=citizen_id,
        cmnd=make_cmnd(rng),
        ethnicity=_weighted(rng, ETHNICITIES),
    )
