"""Synthetic index documents for bench/search.py: realistic Vietnamese metadata and page text, no OCR.

Deterministic for a seed. Names, places and document kinds follow docs of Quảng Nam / Đà Nẵng
(``../shared/domain/vietnam.md``); both tone-placement spellings occur (``Hoà``/``Hòa``), like real data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from search.index import IndexDocument

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Đoàn", "Trương", "Đinh", "Lương", "Mai"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Đức", "Thanh", "Xuân", "Quốc", "Kim", "Công", "Thành"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hùng", "Hoà", "Hòa", "Thuỷ", "Thủy", "Lan", "Mai", "Nam", "Phúc",
         "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Khoa", "Long", "Hạnh", "Hương", "Duyên",
         "Khoẻ", "Lộc", "Nhung", "Oanh", "Tùng", "Yến", "Đạt", "Hiếu", "Nghĩa", "Phượng"]
OLD_DISTRICTS = ["Tam Kỳ", "Hội An", "Điện Bàn", "Đại Lộc", "Duy Xuyên", "Quế Sơn", "Thăng Bình", "Núi Thành",
                 "Phú Ninh", "Tiên Phước", "Hiệp Đức", "Bắc Trà My", "Nam Trà My", "Phước Sơn", "Nông Sơn",
                 "Nam Giang", "Đông Giang", "Tây Giang"]
OLD_COMMUNES = {
    "Bắc Trà My": ["Trà Sơn", "Trà Giang", "Trà Dương", "Trà Đông", "Trà Nú", "Trà Kót", "Trà Giáp", "Trà Ka",
                   "Trà Tân", "Trà Giác", "Trà Đốc", "Trà Bui"],
    "Nam Trà My": ["Trà Mai", "Trà Don", "Trà Cang", "Trà Tập", "Trà Vinh", "Trà Vân", "Trà Nam", "Trà Linh",
                   "Trà Leng", "Trà Dơn"],
    "Tam Kỳ": ["An Mỹ", "An Xuân", "Trường Xuân", "Tân Thạnh", "Hòa Thuận", "Tam Thăng", "An Phú", "Tam Thanh",
               "Tam Phú", "Hòa Hương", "An Sơn", "Tam Ngọc"],
    "Hội An": ["Minh An", "Cẩm Phô", "Sơn Phong", "Cẩm Nam", "Cẩm Kim", "Cẩm Hà", "Thanh Hà", "Tân An",
               "Cẩm An", "Cẩm Châu", "Cửa Đại", "Cẩm Thanh", "Tân Hiệp"],
}
NEW_UNITS = ["xã Trà My", "xã Trà Liên", "xã Trà Giáp", "xã Trà Tân", "xã Trà Đốc", "xã Nam Trà My",
             "xã Trà Tập", "xã Trà Vân", "xã Trà Linh", "xã Trà Leng", "phường Tam Kỳ", "phường Bàn Thạch",
             "phường Quảng Phú", "phường Hương Trà", "phường Hội An", "phường Hội An Tây", "phường Hội An Đông"]
KINDS = [  # (type, symbol, weight, subject)
    ("Quyết định", "QĐ-UBND", 30, "Về việc cấp giấy phép xây dựng nhà ở riêng lẻ"),
    ("Quyết định", "QĐ-UBND", 10, "Về việc hỗ trợ kinh phí cho hộ nghèo"),
    ("Quyết định", "QĐ-UBND", 8, "Về việc trợ cấp xã hội hằng tháng"),
    ("Giấy chứng nhận quyền sử dụng đất", "GCN", 15, "Thửa đất ở tại nông thôn"),
    ("Trích lục khai sinh", "TLKS", 12, "Trích lục khai sinh bản sao"),
    ("Giấy phép xây dựng", "GPXD", 8, "Giấy phép xây dựng nhà ở"),
    ("Giấy xác nhận tình trạng hôn nhân", "XNTTHN", 6, "Xác nhận tình trạng hôn nhân"),
    ("Thông báo", "TB-UBND", 5, "Thông báo thu hồi đất để thực hiện dự án"),
    ("Biên bản", "BB-UBND", 3, "Biên bản kiểm tra hiện trạng sử dụng đất"),
    ("Giấy chứng nhận đăng ký hộ kinh doanh", "GCN-HKD", 3, "Đăng ký hộ kinh doanh cá thể"),
]
BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
    "Căn cứ Luật Xây dựng ngày 18 tháng 6 năm 2014 và Luật sửa đổi, bổ sung một số điều;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Căn cứ Nghị định số 20/2021/NĐ-CP quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội;",
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
    "Xét đề nghị của Trưởng phòng Tài nguyên và Môi trường tại Tờ trình số 125/TTr-TNMT;",
]
CLAUSES = [
    "Điều {n}. Cấp cho ông (bà) {name}, sinh năm {year}, số định danh cá nhân {cid}, "
    "thường trú tại thôn {thon}, {place}.",
    "Điều {n}. Diện tích xây dựng {area} m2, tổng diện tích sàn {floor} m2, "
    "chiều cao công trình {height} m, số tầng {storeys}.",
    "Điều {n}. Chánh Văn phòng HĐND và UBND, Trưởng phòng Kinh tế và Hạ tầng, Chủ tịch UBND {place} "
    "và ông (bà) {name} chịu trách nhiệm thi hành Quyết định này.",
    "Điều {n}. Mức hỗ trợ {money} đồng/tháng, thời gian hưởng kể từ tháng {month} năm {year2}. "
    "Kinh phí từ nguồn ngân sách địa phương.",
    "Điều {n}. Quyết định này có hiệu lực kể từ ngày ký. Trường hợp vi phạm sẽ bị xử lý theo quy định của pháp luật.",
    "Thửa đất số {parcel}, tờ bản đồ số {sheet}, diện tích {area} m2, mục đích sử dụng: đất ở tại nông thôn, "
    "thời hạn sử dụng lâu dài.",
    "Nơi nhận: Như Điều {n}; Sở Xây dựng; Lưu: VT, KT. TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH {signer}",
]
PROVINCES = ["049", "048", "001", "079", "046", "051"]


@dataclass
class SyntheticCorpus:
    """Generates documents and remembers samples of what they contain (for queries with known hits)."""

    seed: int = 7
    sample_ids: list[str] = field(default_factory=list)
    sample_names: list[str] = field(default_factory=list)

    def _citizen_id(self, rng: random.Random) -> str:
        century, year = (rng.choice("01"), rng.randint(40, 99)) if rng.random() < 0.9 else \
            (rng.choice("23"), rng.randint(0, 7))
        return f"{rng.choice(PROVINCES)}{century}{year:02d}{rng.randint(0, 999999):06d}"

    def _name(self, rng: random.Random) -> str:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    def _place(self, rng: random.Random, issued: date) -> tuple[str, str]:
        """(issuer, locality) before or after the 1 July 2025 merger."""
        if issued >= date(2025, 7, 1):
            unit = rng.choice(NEW_UNITS)
            return f"UBND {unit}", f"{unit}, thành phố Đà Nẵng"
        district = rng.choice(OLD_DISTRICTS)
        communes = OLD_COMMUNES.get(district)
        if communes and rng.random() < 0.7:
            commune = rng.choice(communes)
            issuer = f"UBND xã {commune}" if rng.random() < 0.5 else f"UBND huyện {district}"
            return issuer, f"xã {commune}, huyện {district}, tỉnh Quảng Nam"
        return f"UBND huyện {district}", f"huyện {district}, tỉnh Quảng Nam"

    def _pages(self, rng: random.Random, kind: tuple[str, str, int, str], number: str, issued: date,
               issuer: str, locality: str, name: str, cid: str) -> tuple[str, ...]:
        place = locality.split(",")[0]
        header = (f"{issuer.upper().replace('UBND', 'ỦY BAN NHÂN DÂN')} CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                  f"Độc lập - Tự do - Hạnh phúc\nSố: {number} {place}, ngày {issued.day:02d} tháng "
                  f"{issued.month:02d} năm {issued.year}\n{kind[0].upper()}\n{kind[3]}\n")
        pages = []
        for p in range(rng.choice((1, 1, 2, 2, 3))):
            lines = [header] if p == 0 else []
            lines += rng.sample(BASES, 3)
            for n in range(1, rng.randint(4, 7)):
                lines.append(rng.choice(CLAUSES).format(
                    n=n, name=name, year=rng.randint(1950, 2005), cid=cid, thon=rng.randint(1, 12), place=place,
                    area=rng.randint(40, 400), floor=rng.randint(60, 900), height=rng.randint(4, 15),
                    storeys=rng.randint(1, 4), money=rng.randint(3, 20) * 100_000, month=rng.randint(1, 12),
                    year2=issued.year, parcel=rng.randint(1, 999), sheet=rng.randint(1, 60),
                    signer=self._name(rng)))
            pages.append("\n".join(lines))
        return tuple(pages)

    def document(self, i: int) -> IndexDocument:
        """Document number ``i`` (the same for the same seed and ``i``)."""
        rng = random.Random(self.seed * 1_000_003 + i)
        kind = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
        issued = date(2005, 1, 1) + timedelta(days=rng.randint(0, 7600))
        issuer, locality = self._place(rng, issued)
        name = self._name(rng)
        ids = tuple(self._citizen_id(rng) for _ in range(rng.choice((1, 1, 1, 2))))
        number = f"{rng.randint(1, 999):02d}/{kind[1]}" if rng.random() < 0.8 else \
            f"{rng.randint(1, 99):02d}/{issued.year}/{kind[1]}"
        if i % 97 == 0 and len(self.sample_ids) < 5000:
            self.sample_ids.append(ids[0])
            self.sample_names.append(name)
        return IndexDocument(
            record_id=f"bench-{i:08d}", version=1, citizen_ids=ids, document_type=kind[0], document_number=number,
            issued_on=issued, issuer=issuer, place=locality.split(",")[0], locality=locality, holder_name=name,
            summary=kind[3], status=rng.choices(("valid", "superseded", "revoked"), weights=(90, 7, 3))[0],
            review_state=rng.choices(("none", "needs_review", "reviewed"), weights=(80, 12, 8))[0],
            page_count=0, ingested_at=datetime(2025, 11, 1, tzinfo=UTC), pages=self._pages(
                rng, kind, number, issued, issuer, locality, name, ids[0]),
        )

    def documents(self, count: int, start: int = 0) -> Iterator[IndexDocument]:
        """``count`` documents from number ``start``."""
        for i in range(start, start + count):
            yield self.document(i)
