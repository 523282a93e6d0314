"""Administrative and legal documents of every kind (Decree 30/2020 Art. 7, laws, decrees, circulars).

One generic builder writes any of the kinds in :data:`ADMIN_KINDS` for an issuer drawn from the
kind's families: the header with its issuer block, the number in the shape the kind and issuer use
(``15/2021/QĐ-UBND``, ``299/UBND-TTHC``, ``45-KH/HU``, ``Luật số: 45/2019/QH14``), the title in
capitals (sometimes two lines) with its trích yếu, or for a công văn only a ``V/v`` line under the
number and a ``Kính gửi:`` line; legal bases citing other documents with their own numbers and
dates; a contact person who is not a holder; long documents carry chapters (``Chương I`` /
``QUY ĐỊNH CHUNG``), an appendix on a new page (``PHỤ LỤC``) and tables. Nothing here is issued to
a person: ``holder_name`` is null except for a leave permit (``Giấy nghỉ phép``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ocr.corpus.blocks import Block, Document, PageBreak, Table, glue, para
from ocr.corpus.issuers import Issuer, choose_issuer, wrap_caps
from ocr.corpus.people import Person, pick
from ocr.corpus.templates import DocContext, TruthFields, date_line, issuer_header, issuer_signature, short_date

__all__ = ["ADMIN_KINDS", "AdminKind", "build_admin"]


@dataclass(frozen=True)
class AdminKind:
    """One kind: its key, the title as printed (one or two lines), its abbreviation in numbers
    (None: no type in the number), the issuer families that use it and how its text is written."""

    key: str
    caps: tuple[str, ...]
    abbr: str | None
    families: tuple[str, ...]
    style: str
    normative: float = 0.0
    alt_names: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The document type: the printed title in sentence case (``Công văn`` for letters)."""
        if self.style == "letter":
            return "Công văn"
        text = " ".join(self.caps).lower()
        return text[0].upper() + text[1:]


_ANY = ("ubnd-province", "ubnd-province", "ubnd-district", "ubnd-commune", "department", "department",
        "district-office", "district-office", "ministry", "ministry-department", "branch-department", "court",
        "procuracy", "police", "school", "hospital", "party", "farmers", "youth", "board")
_STATE = tuple(f for f in _ANY if f not in ("party", "farmers", "youth"))
_TOP = ("ubnd-province", "ministry", "department", "ubnd-district")

#: Decree 30/2020 Art. 7 (29 kinds), the legal documents, and two-line titles.
ADMIN_KINDS: tuple[AdminKind, ...] = (
    AdminKind("nghi-quyet", ("NGHỊ QUYẾT",), "NQ", ("hdnd", "hdnd", "government", "party"), "decision", 0.6),
    AdminKind("quyet-dinh", ("QUYẾT ĐỊNH",), "QĐ", _ANY, "decision", 0.15),
    AdminKind("chi-thi", ("CHỈ THỊ",), "CT", ("ubnd-province", "ubnd-district", "prime-minister", "party"),
              "directive"),
    AdminKind("quy-che", ("QUY CHẾ",), "QC", _STATE, "regulation"),
    AdminKind("quy-dinh", ("QUY ĐỊNH",), "QyĐ", _ANY, "regulation"),
    AdminKind("thong-cao", ("THÔNG CÁO",), "TC", ("government", "ministry", "ubnd-province"), "prose"),
    AdminKind("thong-bao", ("THÔNG BÁO",), "TB", _ANY, "notice"),
    AdminKind("huong-dan", ("HƯỚNG DẪN",), "HD", _ANY, "plan"),
    AdminKind("chuong-trinh", ("CHƯƠNG TRÌNH",), "CTr", _ANY, "plan"),
    AdminKind("ke-hoach", ("KẾ HOẠCH",), "KH", _ANY, "plan"),
    AdminKind("phuong-an", ("PHƯƠNG ÁN",), "PA", _STATE, "plan"),
    AdminKind("de-an", ("ĐỀ ÁN",), "ĐA", _TOP, "plan"),
    AdminKind("du-an", ("DỰ ÁN",), "DA", ("ubnd-district", "district-office", "department"), "plan"),
    AdminKind("bao-cao", ("BÁO CÁO",), "BC", _ANY, "report"),
    AdminKind("bien-ban", ("BIÊN BẢN",), "BB", _ANY, "minutes"),
    AdminKind("to-trinh", ("TỜ TRÌNH",), "TTr", _STATE, "proposal"),
    AdminKind("hop-dong", ("HỢP ĐỒNG",), "HĐ", ("district-office", "school", "hospital", "department"), "contract"),
    AdminKind("cong-van", (), None, (*_ANY, "prime-minister", "ubnd-province"), "letter"),
    AdminKind("cong-dien", ("CÔNG ĐIỆN",), "CĐ", ("prime-minister", "ubnd-province", "ubnd-district"), "prose"),
    AdminKind("ban-ghi-nho", ("BẢN GHI NHỚ",), "GNh", ("ubnd-province", "ministry", "department"), "contract"),
    AdminKind("ban-thoa-thuan", ("BẢN THỎA THUẬN",), "TTh", ("ubnd-province", "department", "school"), "contract"),
    AdminKind("giay-uy-quyen", ("GIẤY ỦY QUYỀN",), "GUQ", _STATE, "paper"),
    AdminKind("giay-moi", ("GIẤY MỜI",), "GM", _ANY, "invitation"),
    AdminKind("giay-gioi-thieu", ("GIẤY GIỚI THIỆU",), "GGT", _ANY, "paper"),
    AdminKind("giay-nghi-phep", ("GIẤY NGHỈ PHÉP",), "GNP", _STATE, "leave"),
    AdminKind("phieu-gui", ("PHIẾU GỬI",), "PG", _STATE, "slip"),
    AdminKind("phieu-chuyen", ("PHIẾU CHUYỂN",), "PC", _STATE, "slip"),
    AdminKind("phieu-bao", ("PHIẾU BÁO",), "PB", _STATE, "slip"),
    AdminKind("thu-cong", ("THƯ CÔNG",), None, ("ubnd-province", "ministry", "department"), "prose"),
    AdminKind("luat", ("LUẬT",), "QH", ("national-assembly",), "law", 1.0),
    AdminKind("nghi-dinh", ("NGHỊ ĐỊNH",), "NĐ", ("government",), "normative", 1.0),
    AdminKind("thong-tu", ("THÔNG TƯ",), "TT", ("ministry",), "normative", 1.0),
    AdminKind("huong-dan-lien-nganh", ("HƯỚNG DẪN", "LIÊN NGÀNH"), "HDLN", ("department", "ubnd-district"), "plan"),
    AdminKind("quy-che-phoi-hop", ("QUY CHẾ PHỐI HỢP",), "QCPH", ("department", "police", "court"), "regulation",
              alt_names=("Quy chế",)),
)

TOPICS: tuple[str, ...] = (
    "công tác cải cách hành chính năm {y}",
    "chuyển đổi số trong cơ quan nhà nước giai đoạn {y}-{y2}",
    "phòng, chống thiên tai và tìm kiếm cứu nạn năm {y}",
    "bảo đảm trật tự, an toàn giao thông dịp Tết Nguyên đán",
    "bảo đảm an toàn thực phẩm trong Tháng hành động năm {y}",
    "phòng, chống dịch sốt xuất huyết trên địa bàn",
    "quản lý trật tự xây dựng và đô thị",
    "thu ngân sách nhà nước 6 tháng cuối năm {y}",
    "giải quyết thủ tục hành chính trên môi trường điện tử",
    "tuyển dụng viên chức sự nghiệp giáo dục năm {y}",
    "bồi dưỡng nghiệp vụ văn thư, lưu trữ cho cán bộ, công chức",
    "phòng cháy, chữa cháy trong mùa khô năm {y}",
    "xây dựng nông thôn mới nâng cao giai đoạn {y}-{y2}",
    "phổ biến, giáo dục pháp luật năm {y}",
    "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "kiểm tra việc chấp hành pháp luật về đất đai",
    "tổng kết năm học {y0}-{y} và triển khai nhiệm vụ năm học mới",
    "khám sức khỏe định kỳ cho người cao tuổi",
    "quản lý, sử dụng tài sản công tại các cơ quan, đơn vị",
    "phát triển kinh tế tập thể, hợp tác xã",
)
VERBS_DECISION = ("ban hành Kế hoạch", "phê duyệt Đề án", "thành lập Tổ công tác", "kiện toàn Ban Chỉ đạo",
                  "phê duyệt Phương án", "giao chỉ tiêu")
VERBS_LETTER = ("triển khai", "góp ý dự thảo văn bản về", "báo cáo kết quả", "đôn đốc thực hiện",
                "hướng dẫn thực hiện", "tăng cường")
LETTER_UNITS = ("VP", "TTHC", "KTTH", "KGVX", "NC", "TH", "KT", "TCCB", "NVY", "QLCL", "TTr", "KHTC", "ĐKKD")
RECIPIENTS = ("- Các sở, ban, ngành tỉnh;", "- UBND các huyện, thị xã, thành phố;", "- Các phòng, ban chuyên môn;",
              "- UBND các xã, phường, thị trấn;", "- Các đơn vị trực thuộc.")
PARAGRAPHS = (
    "Thời gian qua, các cơ quan, đơn vị đã tích cực triển khai nhiệm vụ được giao, đạt được nhiều kết quả "
    "quan trọng; tuy nhiên vẫn còn một số tồn tại, hạn chế cần khắc phục kịp thời.",
    "Để nâng cao hiệu quả công tác trong thời gian tới, yêu cầu Thủ trưởng các cơ quan, đơn vị tập trung "
    "chỉ đạo, tổ chức thực hiện nghiêm túc các nội dung sau đây.",
    "Rà soát, cập nhật đầy đủ hồ sơ, tài liệu; phân công cán bộ theo dõi, đôn đốc và báo cáo kết quả định kỳ "
    "hằng tháng, hằng quý về cơ quan thường trực trước ngày 20 của tháng cuối kỳ.",
    "Tăng cường công tác thông tin, tuyên truyền để cán bộ, công chức, viên chức và Nhân dân hiểu rõ, đồng "
    "thuận và tích cực tham gia thực hiện.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các nguồn huy "
    "động hợp pháp khác theo quy định của pháp luật.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh kịp thời để được "
    "hướng dẫn, xử lý theo thẩm quyền.",
    "Giao cơ quan thường trực chủ trì, phối hợp với các đơn vị liên quan theo dõi, kiểm tra, đôn đốc việc "
    "thực hiện; tổng hợp kết quả, báo cáo cấp có thẩm quyền theo quy định.",
    "Các cơ quan, đơn vị căn cứ chức năng, nhiệm vụ được giao xây dựng kế hoạch cụ thể, phân công rõ người, "
    "rõ việc, rõ thời gian hoàn thành và chịu trách nhiệm về kết quả thực hiện.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, số hóa hồ sơ, tài liệu và cung cấp dịch vụ công trực tuyến toàn "
    "trình, bảo đảm thuận lợi cho người dân, doanh nghiệp.",
    "Qua kiểm tra cho thấy phần lớn các đơn vị đã chấp hành nghiêm quy định; một số đơn vị còn chậm cập nhật "
    "số liệu, hồ sơ lưu trữ chưa đầy đủ, cần chấn chỉnh ngay.",
    "Đề nghị các đơn vị gửi báo cáo bằng văn bản và bản điện tử về địa chỉ thư điện tử của cơ quan thường "
    "trực đúng thời hạn để tổng hợp.",
    "Tổ chức sơ kết, tổng kết, đánh giá rút kinh nghiệm; kịp thời khen thưởng tập thể, cá nhân có thành tích "
    "xuất sắc và xử lý nghiêm các trường hợp vi phạm.",
)
CHAPTERS = (("Chương I", "QUY ĐỊNH CHUNG"), ("Chương II", "NHIỆM VỤ VÀ GIẢI PHÁP"),
            ("Chương III", "TỔ CHỨC THỰC HIỆN"))
ARTICLE_NAMES = ("Phạm vi điều chỉnh", "Đối tượng áp dụng", "Nguyên tắc thực hiện", "Trách nhiệm của các "
                 "cơ quan, đơn vị", "Chế độ báo cáo", "Hiệu lực thi hành")
APPENDIX_TITLES = ("DANH MỤC THỦ TỤC HÀNH CHÍNH", "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN",
                   "DANH SÁCH CÁC ĐƠN VỊ THAM GIA", "KẾ HOẠCH CHI TIẾT THEO TỪNG THÁNG")
OFFICES = ("Phòng Hành chính - Tổng hợp", "Văn phòng", "Phòng Kế hoạch - Tài chính", "Phòng Nghiệp vụ",
           "Phòng Kiểm soát thủ tục hành chính")


def _topic(ctx: DocContext) -> str:
    year = ctx.issued_on.year
    return pick(ctx.rng, TOPICS).format(y=year, y2=year + 2, y0=year - 1)


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _cited(ctx: DocContext) -> list[str]:
    """Legal bases citing other documents, each with its own number and date (never the document's)."""
    day = ctx.issued_on - dt.timedelta(days=int(ctx.rng.integers(40, 900)))
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    own = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    number = int(ctx.rng.integers(1, 300))
    if ctx.issued_on > dt.date(2020, 3, 5):
        style = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;"
    else:
        style = ("Căn cứ Thông tư số 01/2011/TT-BNV ngày 19 tháng 01 năm 2011 của Bộ Nội vụ hướng dẫn thể thức "
                 "và kỹ thuật trình bày văn bản hành chính;")
    return [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        style,
        f"Căn cứ Quyết định số {number:02d}/{day.year}/QĐ-UBND {own} của Ủy ban nhân dân tỉnh về việc "
        "ban hành quy định phân cấp quản lý;",
    ][: 3 if ctx.long else 2]


def _number(ctx: DocContext, kind: AdminKind, issuer: Issuer) -> tuple[str, str]:
    """(the number as the truth holds it, the printed number line)."""
    value = int(ctx.rng.integers(1, 10)) if ctx.chance(0.2) else int(ctx.rng.integers(10, 3000))
    year = ctx.issued_on.year
    if kind.style == "law":  # a legislature passes a few dozen laws a year
        number = f"{value % 80 + 1:02d}/{year}/QH{(year - 2016) // 5 + 14}"
        return number, f"Luật số: {number}"
    if kind.style == "letter":
        unit = pick(ctx.rng, LETTER_UNITS)
        number = f"{value}-CV/{issuer.symbol}" if issuer.party_numbering else f"{value:02d}/{issuer.symbol}-{unit}"
    elif kind.abbr is None:
        number = f"{value:02d}/{issuer.symbol}"
    elif issuer.party_numbering:
        number = f"{value}-{kind.abbr}/{issuer.symbol}"
    elif ctx.chance(kind.normative):
        number = f"{value:02d}/{year}/{kind.abbr}-{issuer.symbol}"
    else:
        number = f"{value:02d}/{kind.abbr}-{issuer.symbol}"
    return number, (f"Số {number}" if issuer.party_numbering else f"Số: {number}")


def _title_text(ctx: DocContext, kind: AdminKind, topic: str) -> str | None:
    """The trích yếu of the kind (None for papers and slips that have none)."""
    style = kind.style
    if style in ("paper", "slip", "leave"):
        return None
    if style == "letter":
        return f"V/v {pick(ctx.rng, VERBS_LETTER)} {topic}"
    if style in ("decision", "proposal"):
        verb = pick(ctx.rng, VERBS_DECISION) if style == "decision" else "đề nghị phê duyệt Kế hoạch"
        return f"Về việc {verb} {topic}"
    if style == "report":
        return _cap(f"{pick(ctx.rng, ('kết quả thực hiện', 'tình hình'))} {topic}")
    if style == "notice":
        opening = pick(ctx.rng, ("kết luận của Chủ tịch tại cuộc họp về ", "về việc ", "lịch tiếp công dân và "))
        return _cap(opening + topic)
    if style == "minutes":
        return _cap(f"họp triển khai {topic}")
    if style == "invitation":
        return _cap(f"dự hội nghị triển khai {topic}")
    if style == "contract":
        return _cap(f"về việc phối hợp thực hiện {topic}")
    if style == "law":
        return pick(ctx.rng, ("Phòng, chống thiên tai", "Lưu trữ", "Đất đai", "Thủ đô", "Căn cước"))
    return _cap(f"quy định chi tiết về {topic}") if style == "normative" else _cap(f"triển khai {topic}")


def _title_blocks(kind: AdminKind, title: str | None, issuer: Issuer) -> list[Block]:
    blocks: list[Block] = []
    for index, line in enumerate(kind.caps):
        blocks.append(para((line, "bold"), size=14, align="center", indent=0, space_before=20 if index == 0 else 0))
    if title is not None:
        blocks.append(para((title, "bold"), size=14, align="center", indent=0, space_before=0, rule_after=True))
    if kind.style in ("decision", "regulation", "normative", "directive"):
        blocks.append(para((issuer.authority_line, "bold"), align="center", indent=0, space_before=10))
    return blocks


def _contact(ctx: DocContext, issuer: Issuer) -> Block:
    """A contact person (not a holder): name, position, office, phone."""
    person: Person = ctx.person(1970, 1998)
    phone = f"0{int(ctx.rng.integers(200, 300))}.{int(ctx.rng.integers(3_000_000, 3_999_999))}"
    return para(f"Thông tin chi tiết xin liên hệ {glue(f'{person.title} {person.name}')}, chuyên viên "
                f"{pick(ctx.rng, OFFICES)}, số điện thoại: {phone}.")


def _chapters(ctx: DocContext, count: int) -> list[Block]:
    blocks: list[Block] = []
    article = 1
    for chapter, heading in CHAPTERS[:count]:
        blocks += [para((chapter, "bold"), align="center", indent=0, space_before=10),
                   para((heading, "bold"), align="center", indent=0, space_before=0)]
        for _ in range(2):
            blocks.append(para((f"Điều {article}. {ARTICLE_NAMES[(article - 1) % len(ARTICLE_NAMES)]}", "bold"),
                               space_before=6))
            blocks.append(para(pick(ctx.rng, PARAGRAPHS)))
            article += 1
    return blocks


def _table(ctx: DocContext) -> Table:
    rows = [("STT", "Nội dung", "Đơn vị thực hiện", "Thời gian", "Số lượng")]
    units = ("Văn phòng", "Phòng Tài chính - Kế hoạch", "Phòng Nội vụ", "UBND cấp xã", "Trung tâm Y tế")
    for index in range(1, int(ctx.rng.integers(3, 7))):
        month = int(ctx.rng.integers(1, 13))
        rows.append((str(index), pick(ctx.rng, ("Rà soát hồ sơ", "Tập huấn nghiệp vụ", "Kiểm tra thực tế",
                                                 "Tổng hợp báo cáo", "Tuyên truyền")),
                     pick(ctx.rng, units), f"Tháng {month:02d}/{ctx.issued_on.year}",
                     str(int(ctx.rng.integers(1, 250)))))
    return Table(widths=(0.08, 0.34, 0.3, 0.16, 0.12), rows=tuple(rows))


def _appendix(ctx: DocContext, number: str, kind: AdminKind, issuer: Issuer) -> list[Block]:
    day = short_date(ctx.issued_on)
    return [
        PageBreak(),
        para(("PHỤ LỤC", "bold"), size=14, align="center", indent=0),
        *[para((line, "bold"), size=13, align="center", indent=0, space_before=0)
          for line in wrap_caps(pick(ctx.rng, APPENDIX_TITLES), 60)],
        para((f"(Kèm theo {kind.name} số {number} ngày {day} của {issuer.name})", "italic"), align="center",
             indent=0, space_before=2),
        _table(ctx),
    ]


def _attached(ctx: DocContext, number: str, issuer: Issuer, topic: str) -> list[Block]:
    """A regulation attached to a decision: page 2 starts with its own title and chapters."""
    attached = pick(ctx.rng, ("QUY CHẾ", "QUY ĐỊNH"))
    return [
        PageBreak(),
        para((attached, "bold"), size=14, align="center", indent=0),
        para((_cap(f"tổ chức thực hiện {topic}"), "bold"), size=14, align="center", indent=0, space_before=0),
        para((f"(Ban hành kèm theo Quyết định số {number} ngày {short_date(ctx.issued_on)} của {issuer.name})",
              "italic"), align="center", indent=0, space_before=2),
        *_chapters(ctx, 3),
    ]


def _body(ctx: DocContext, kind: AdminKind, issuer: Issuer, number: str, topic: str) -> list[Block]:
    style = kind.style
    body: list[Block] = []
    if style in ("decision", "regulation", "normative", "law"):
        lines = (["Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;"] if style == "law" else _cited(ctx))
        body += [para((line, "italic"), space_before=2) for line in lines]
    if style == "decision":
        body += [para((f"{kind.caps[0]}:", "bold"), align="center", indent=0, space_before=8),
                 para(("Điều 1.", "bold"), f"Ban hành kèm theo {kind.name} này nội dung về {topic}."),
                 para(("Điều 2.", "bold"), pick(ctx.rng, PARAGRAPHS)),
                 para(("Điều 3.", "bold"), f"{kind.name} này có hiệu lực kể từ ngày ký. Thủ trưởng các cơ quan, "
                      "đơn vị có liên quan chịu trách nhiệm thi hành./.")]
        if ctx.long and kind.key == "quyet-dinh":
            return body  # the attached regulation follows the signature
    elif style in ("regulation", "normative", "law"):
        body += _chapters(ctx, 3 if ctx.long else 1)
    elif style == "letter":
        body += [para(("Kính gửi:", "bold"), " ".join(RECIPIENTS[:2]), align="left", indent=20, space_before=10)]
        body += [para(pick(ctx.rng, PARAGRAPHS)) for _ in range(3 if ctx.long else 2)]
        if ctx.chance(0.7):
            body.append(_contact(ctx, issuer))
    elif style == "paper":
        person = ctx.person(1970, 1998)
        body += [para(f"Trân trọng giới thiệu: {glue(f'{person.title} {person.name}')}, chức vụ: chuyên viên.",
                      align="left", indent=0, space_before=10),
                 para(f"Được cử đến: {pick(ctx.rng, RECIPIENTS)[2:-1]}.", align="left", indent=0),
                 para(f"Về việc: liên hệ công tác về {topic}.", align="left", indent=0),
                 para(f"Giấy này có giá trị đến hết ngày {short_date(ctx.issued_on + dt.timedelta(days=30))}.",
                      align="left", indent=0)]
    elif style == "slip":
        body += [para(f"Kính gửi: {pick(ctx.rng, RECIPIENTS)[2:-1]}.", align="left", indent=0, space_before=10),
                 para(f"Chuyển đến Quý cơ quan văn bản số {int(ctx.rng.integers(10, 900))}/UBND-VP ngày "
                      f"{short_date(ctx.issued_on - dt.timedelta(days=5))} để xem xét, giải quyết theo thẩm quyền.")]
    else:
        if style == "invitation":
            body.append(para(f"Thời gian: 08 giờ 00, ngày {short_date(ctx.issued_on + dt.timedelta(days=6))}.",
                             align="left", indent=0, space_before=8))
        if style in ("notice", "invitation") and ctx.chance(0.5):
            body.append(_contact(ctx, issuer))
        body += [para(pick(ctx.rng, PARAGRAPHS)) for _ in range(4 if ctx.long else 2)]
        if style in ("report", "plan") and ctx.long:
            body += [para(("Bảng 1. Kết quả thực hiện các nhiệm vụ", "bold"), align="center", indent=0), _table(ctx)]
        if style == "plan" and ctx.long:
            body += _chapters(ctx, 2)
    return body


def _leave(ctx: DocContext) -> list[Block]:
    h = ctx.holder
    return [para(f"Cấp cho: {glue(f'{h.title} {h.name}')}, chức vụ: chuyên viên.", align="left", indent=0,
                 space_before=10),
            para(f"Được nghỉ phép năm {ctx.issued_on.year} trong thời gian 10 ngày, kể từ ngày "
                 f"{short_date(ctx.issued_on + dt.timedelta(days=3))}.", align="left", indent=0),
            para(f"Nơi nghỉ phép: {pick(ctx.rng, ('Hà Nội', 'Đà Nẵng', 'Huế', 'Thành phố Hồ Chí Minh'))}.",
                 align="left", indent=0)]


def build_admin(ctx: DocContext, kind: AdminKind) -> tuple[Document, TruthFields]:
    """The blocks and truth of one document of ``kind`` for an issuer drawn from its families."""
    issuer = choose_issuer(ctx.rng, ctx.issued_on, kind.families)
    ctx.issuer = issuer
    topic = _topic(ctx)
    number, number_line = _number(ctx, kind, issuer)
    title = _title_text(ctx, kind, topic)
    summary_lines = wrap_caps(title, 34) if kind.style == "letter" and title else ()
    date_text = None if kind.style == "law" else date_line(issuer.place, ctx.issued_on)
    blocks: list[Block] = [issuer_header(issuer, number_line, date_text, summary_lines)]
    if kind.style != "letter":
        blocks += _title_blocks(kind, title, issuer)
    blocks += _leave(ctx) if kind.style == "leave" else _body(ctx, kind, issuer, number, topic)
    if kind.style == "law":
        month = f"{ctx.issued_on.month:02d}" if ctx.issued_on.month < 3 else str(ctx.issued_on.month)
        blocks.append(para(f"Luật này đã được Quốc hội thông qua ngày {ctx.issued_on.day:02d} tháng {month} năm "
                           f"{ctx.issued_on.year}."))
    blocks.append(issuer_signature(ctx, issuer, ["- Như trên;", "- Lưu: VT."]))
    if kind.style == "decision" and kind.key == "quyet-dinh" and ctx.long:
        blocks += _attached(ctx, number, issuer, topic)
    elif ctx.long and kind.style not in ("regulation", "normative", "law", "paper", "slip", "leave"):
        blocks += _appendix(ctx, number, kind, issuer)
    holder = ctx.holder if kind.style == "leave" else None
    alt: dict[str, tuple[str, ...]] = {"document_type": kind.alt_names} if kind.alt_names else {}
    if kind.style == "letter" and title:
        alt["title"] = (title[4:],)
    truth = ctx.truth(number=number, document_type=kind.name, summary=title, holder=holder, title=title, alt=alt)
    if date_text is None:  # a law prints no place-and-date line
        truth = replace(truth, place=None)
    return Document(tuple(blocks)), truth

