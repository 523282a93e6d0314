"""The synthetic document types: decisions, certificates, extracts and permits.

Each builder takes a :class:`~ocr.corpus.templates.DocContext` and returns the document's blocks
and truth fields. ``ctx.long`` asks for a longer text (more legal bases and articles) that usually
runs onto a second page; short documents fit on one page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from kho.errors import UsageError
from ocr.corpus.admin import ADMIN_KINDS, AdminKind, build_admin
from ocr.corpus.blocks import Block, Document, glue, para
from ocr.corpus.people import make_citizen_id, make_tax_code, pick
from ocr.corpus.places import MERGER_DATE, address
from ocr.corpus.results import RESULT_BUILDERS
from ocr.corpus.templates import (
    DocContext,
    TruthFields,
    header,
    id_phrase,
    labelled_id,
    number_words,
    short_date,
    signature,
    title,
)

__all__ = ["ALL_KINDS", "DOCUMENT_TYPES", "GROUP_WEIGHTS", "KIND_GROUPS", "DocType", "resolve_kinds"]

LAWS = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền "
    "địa phương ngày 22 tháng 11 năm 2019;",
)
LAND_LAWS = (
    "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;",
    "Căn cứ Nghị định số 43/2014/NĐ-CP ngày 15 tháng 5 năm 2014 của Chính phủ quy định chi tiết thi hành "
    "một số điều của Luật Đất đai;",
    "Căn cứ Thông tư số 23/2014/TT-BTNMT ngày 19 tháng 5 năm 2014 của Bộ Tài nguyên và Môi trường quy định "
    "về Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất;",
)
ALLOWANCE_DECREES = (
    "Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định chính sách trợ giúp "
    "xã hội đối với đối tượng bảo trợ xã hội;",
    "Căn cứ Nghị định số 136/2013/NĐ-CP ngày 21 tháng 10 năm 2013 của Chính phủ quy định chính sách trợ giúp "
    "xã hội đối với đối tượng bảo trợ xã hội;",
)
LAND_USES = ("Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng cây lâu năm", "Đất trồng lúa")
TRADES = ("Bán lẻ hàng tạp hóa", "Dịch vụ ăn uống", "Sửa chữa xe máy", "Bán lẻ vật liệu xây dựng",
          "Mua bán nông sản", "Dịch vụ cắt tóc, gội đầu", "Bán lẻ quần áo, giày dép")
SHOP_NAMES = ("TẠP HÓA MINH ANH", "QUÁN CƠM HƯƠNG QUÊ", "SỬA XE THÀNH ĐẠT", "VẬT LIỆU XÂY DỰNG PHÚ AN",
              "NÔNG SẢN TRÀ MY", "SALON TÓC THU HÀ", "SHOP THỜI TRANG NGỌC LAN")
COMPANIES = ("Công ty TNHH Tư vấn Xây dựng Quảng Nam", "Công ty Cổ phần Kiến trúc Miền Trung",
             "Công ty TNHH Thiết kế Xây dựng An Phú", "Công ty TNHH Một thành viên Xây dựng Trà My")

LAND_OFFICE = ("Tài nguyên và Môi trường", "TNMT")
FULL_LAND_CERTIFICATE = ("Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
                         "với đất")
LABOUR_OFFICE = ("Lao động - Thương binh và Xã hội", "LĐTBXH")


@dataclass(frozen=True)
class DocType:
    """A document type: its key, its name in the controlled vocabulary, who issues it and its builder.

    ``group`` is ``legacy`` (the eight committee results of the first corpus), ``results`` (results
    of other bodies issued to a person), ``admin`` (Decree 30 kinds) or ``legal`` (laws, decrees,
    circulars).
    """

    key: str
    name: str
    commune_level: bool
    build: Callable[[DocContext], tuple[Document, TruthFields]]
    group: str = "legacy"


def _assemble(ctx: DocContext, number: str, body: list[Block], recipients: list[str]) -> Document:
    blocks: list[Block] = [header(ctx.setting, number, ctx.issued_on), *body, signature(ctx, recipients)]
    return Document(tuple(blocks))


def _bases(ctx: DocContext, specific: tuple[str, ...], office: tuple[str, str]) -> list[Block]:
    laws = [law for law in LAWS if _enacted(law) < ctx.issued_on]  # never cite a law passed after the document
    lines = [*laws[: 2 if ctx.long else 1], *(specific if ctx.long else specific[:1])]
    proposal = (f"Xét đề nghị của Trưởng phòng {office[0]} tại Tờ trình số {int(ctx.rng.integers(10, 900))}"
                f"/TTr-{office[1]} ngày {short_date(ctx.issued_on - dt.timedelta(days=9))}.")
    return [para((line, "italic"), space_before=2) for line in [*lines, proposal]]


def _enacted(basis: str) -> dt.date:
    """The date of the last ``ngày D tháng M năm Y`` in a legal basis."""
    day, month, year = re.findall(r"ngày (\d+) tháng (\d+) năm (\d{4})", basis)[-1]
    return dt.date(int(year), int(month), int(day))


def _holder_ref(ctx: DocContext) -> str:
    h = ctx.holder
    return glue(f"{h.title} {h.name}")


def _birth(ctx: DocContext) -> str:
    return f", sinh ngày {short_date(ctx.holder.birth)}" if ctx.chance(0.6) else f", sinh năm {ctx.holder.birth.year}"


def _closing(ctx: DocContext, holder_ref: str, office: str) -> list[Block]:
    unit = ctx.setting.issuer_unit.full
    return [
        para(("Điều 3.", "bold"), f"Chánh Văn phòng HĐND và UBND {unit}, Trưởng phòng {office}, "
             f"Chủ tịch UBND {ctx.setting.commune.full}, Thủ trưởng các cơ quan, đơn vị có liên quan và "
             f"{holder_ref} chịu trách nhiệm thi hành Quyết định này./."),
    ]


def _decision(
    ctx: DocContext, summary: str, articles: list[Block], bases: tuple[str, ...], office: tuple[str, str]
) -> tuple[Document, TruthFields]:
    number = ctx.number("QĐ-UBND")
    body: list[Block] = [
        *title("QUYẾT ĐỊNH", summary),
        para((ctx.setting.authority, "bold"), align="center", indent=0, space_before=10),
        *_bases(ctx, bases, office),
        para(("QUYẾT ĐỊNH:", "bold"), align="center", indent=0, space_before=8),
        *articles,
        *(_duties(ctx) if ctx.long else []),
        *_closing(ctx, _holder_ref(ctx), office[0]),
    ]
    recipients = ["- Như Điều 3;", "- CT, các PCT UBND;", "- Lưu: VT, TNMT."]
    document = _assemble(ctx, number, body, recipients)
    return document, ctx.truth(number=number, document_type="Quyết định", summary=summary, holder=ctx.holder)


def _duties(ctx: DocContext) -> list[Block]:
    commune = ctx.setting.commune.full
    return [
        para("Trách nhiệm của các cơ quan, đơn vị có liên quan:"),
        para(f"1. UBND {commune} có trách nhiệm niêm yết công khai Quyết định này tại trụ sở UBND và nhà "
             "văn hóa khu dân cư nơi người được hưởng cư trú; theo dõi, kiểm tra việc thực hiện."),
        para("2. Các cơ quan chuyên môn thuộc UBND có trách nhiệm hướng dẫn, kiểm tra và báo cáo kết quả "
             "thực hiện theo định kỳ hằng quý; kịp thời đề xuất xử lý các vướng mắc phát sinh."),
        para("3. Người được hưởng có trách nhiệm chấp hành đầy đủ các quy định của pháp luật liên quan và "
             "thông báo kịp thời cho UBND cấp xã khi có thay đổi về nhân thân, nơi cư trú."),
        para("Quyết định này có hiệu lực kể từ ngày ký. Các nội dung khác không nêu tại Quyết định này "
             "thực hiện theo quy định của pháp luật hiện hành."),
    ]


def _land_plot(ctx: DocContext) -> tuple[str, int]:
    area = int(ctx.rng.integers(80, 900))
    plot = f"thửa đất số {int(ctx.rng.integers(1, 600))}, tờ bản đồ số {int(ctx.rng.integers(1, 60))}"
    return plot, area


def build_land_allocation(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Quyết định giao đất: land allocated to a household for housing."""
    plot, area = _land_plot(ctx)
    summary = f"Về việc giao đất ở cho hộ gia đình, cá nhân tại {ctx.setting.commune.full}"
    articles: list[Block] = [
        para(("Điều 1.", "bold"), f"Giao cho {_holder_ref(ctx)}{_birth(ctx)}; {id_phrase(ctx, ctx.holder)}; "
             f"thường trú tại {address(ctx.rng, ctx.setting)}, được sử dụng {area} m² đất tại {plot}, "
             f"{ctx.setting.locality} để sử dụng vào mục đích {pick(ctx.rng, LAND_USES[:2]).lower()}."),
        para("Thời hạn sử dụng đất: lâu dài. Hình thức giao đất: giao đất có thu tiền sử dụng đất."),
        para(("Điều 2.", "bold"), "Giao Phòng Tài nguyên và Môi trường phối hợp với UBND "
             f"{ctx.setting.commune.full} tổ chức bàn giao đất trên thực địa, chỉnh lý hồ sơ địa chính "
             "và cấp Giấy chứng nhận quyền sử dụng đất theo quy định."),
    ]
    if ctx.long:
        articles += [
            para("Người được giao đất có trách nhiệm nộp tiền sử dụng đất, lệ phí trước bạ và các khoản "
                 "phí, lệ phí khác theo quy định của pháp luật; sử dụng đất đúng mục đích, đúng ranh giới "
                 "được giao và chấp hành các quy định về bảo vệ môi trường."),
            para("Chi cục Thuế khu vực xác định và thông báo số tiền sử dụng đất phải nộp; Kho bạc Nhà nước "
                 "thu tiền sử dụng đất theo thông báo của cơ quan thuế."),
        ]
    return _decision(ctx, summary, articles, LAND_LAWS, LAND_OFFICE)


def build_certificate_decision(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Quyết định cấp Giấy chứng nhận quyền sử dụng đất."""
    plot, area = _land_plot(ctx)
    summary = ("Về việc cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
               "gắn liền với đất")
    articles: list[Block] = [
        para(("Điều 1.", "bold"), f"Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
             f"gắn liền với đất cho {_holder_ref(ctx)}{_birth(ctx)}; {id_phrase(ctx, ctx.holder)}; địa chỉ "
             f"thường trú: {address(ctx.rng, ctx.setting)}."),
        para(f"Thông tin thửa đất: {plot}; diện tích {area} m² ({number_words(area).lower()} mét vuông); "
             f"mục đích sử dụng: {pick(ctx.rng, LAND_USES)}; thời hạn sử dụng: lâu dài; nguồn gốc sử dụng: "
             "Nhà nước công nhận quyền sử dụng đất."),
        para(("Điều 2.", "bold"), "Văn phòng Đăng ký đất đai có trách nhiệm cập nhật, chỉnh lý hồ sơ địa chính, "
             "cơ sở dữ liệu đất đai và trao Giấy chứng nhận cho người được cấp."),
    ]
    if ctx.long:
        spouse = ctx.person(ctx.holder.birth.year - 4, ctx.holder.birth.year + 4, not ctx.holder.female)
        articles.insert(1, para(f"Cùng sử dụng đất với {glue(f'{spouse.title} {spouse.name}')}, sinh năm "
                                f"{spouse.birth.year}; {id_phrase(ctx, spouse, allow_cmnd=False)}."))
        articles.append(para("Người được cấp Giấy chứng nhận có trách nhiệm thực hiện nghĩa vụ tài chính "
                             "theo quy định và sử dụng đất đúng mục đích, đúng ranh giới thửa đất đã được "
                             "xác định trên bản đồ địa chính."))
    return _decision(ctx, summary, articles, LAND_LAWS, LAND_OFFICE)


def build_social_allowance(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Quyết định hưởng trợ cấp xã hội hằng tháng."""
    groups = (("người cao tuổi từ đủ 80 tuổi trở lên không có lương hưu", 500_000),
              ("người khuyết tật nặng", 750_000), ("trẻ em mồ côi cả cha và mẹ", 900_000))
    group, amount = groups[int(ctx.rng.integers(len(groups)))]
    start = ctx.issued_on + dt.timedelta(days=31)
    summary = "Về việc hưởng trợ cấp xã hội hằng tháng"
    articles: list[Block] = [
        para(("Điều 1.", "bold"), f"Thực hiện chế độ trợ cấp xã hội hằng tháng đối với {_holder_ref(ctx)}"
             f"{_birth(ctx)}; {id_phrase(ctx, ctx.holder)}; nơi cư trú: {address(ctx.rng, ctx.setting)}."),
        para(f"Thuộc đối tượng: {group}. Mức trợ cấp: {amount:,} đồng/tháng. Thời gian hưởng: kể từ tháng "
             f"{start.month:02d} năm {start.year}.".replace(",", ".")),
        para(("Điều 2.", "bold"), "Giao Phòng Lao động - Thương binh và Xã hội phối hợp với UBND "
             f"{ctx.setting.commune.full} chi trả trợ cấp theo đúng quy định."),
    ]
    if ctx.long:
        articles.append(para("Trường hợp đối tượng thay đổi nơi cư trú, chết hoặc không còn đủ điều kiện hưởng, "
                             "UBND cấp xã có trách nhiệm báo cáo để điều chỉnh hoặc thôi hưởng trợ cấp kịp thời."))
    decree = ALLOWANCE_DECREES[0] if ctx.issued_on >= dt.date(2021, 7, 1) else ALLOWANCE_DECREES[1]
    return _decision(ctx, summary, articles, (decree,), LABOUR_OFFICE)


def _fields_paragraphs(pairs: list[tuple[str, str]]) -> list[Block]:
    return [para(f"{label}: {value}", align="left", indent=0, space_before=2) for label, value in pairs]


def build_land_certificate(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Giấy chứng nhận quyền sử dụng đất (one page of the certificate)."""
    number = ctx.number("GCN-UBND")
    plot, area = _land_plot(ctx)
    h = ctx.holder
    holder_line = f"{'Bà' if h.female else 'Ông'}: {glue(h.name)}, năm sinh {h.birth.year}; {id_phrase(ctx, h)}"
    body: list[Block] = [
        *title("GIẤY CHỨNG NHẬN", None, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"),
        para(("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", "bold"),
             align="left", indent=0, space_before=10),
        para(holder_line, align="left", indent=0),
        para(f"Địa chỉ thường trú: {address(ctx.rng, ctx.setting)}", align="left", indent=0),
        para(("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", "bold"), align="left", indent=0, space_before=8),
        *_fields_paragraphs([
            ("a) Thửa đất số", f"{int(ctx.rng.integers(1, 600))}; tờ bản đồ số: {int(ctx.rng.integers(1, 60))}"),
            ("b) Địa chỉ", ctx.setting.locality),
            ("c) Diện tích", f"{area} m² (bằng chữ: {number_words(area).lower()} mét vuông)"),
            ("d) Hình thức sử dụng", "Sử dụng riêng"),
            ("đ) Mục đích sử dụng", pick(ctx.rng, LAND_USES)),
            ("e) Thời hạn sử dụng", "Lâu dài"),
            ("g) Nguồn gốc sử dụng", "Nhà nước công nhận quyền sử dụng đất"),
        ]),
        para(f"Số vào sổ cấp GCN: CH{int(ctx.rng.integers(1, 99999)):05d}", align="left", indent=0, space_before=8),
    ]
    if ctx.long:
        body += [
            para(("III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất", "bold"), align="left",
                 indent=0, space_before=8),
            para(f"Thửa đất có dạng tứ giác, phía Bắc giáp {plot.split(',')[0]}, phía Nam giáp đường giao "
                 "thông liên thôn, phía Đông và phía Tây giáp đất hộ gia đình liền kề."),
            para(("IV. Những thay đổi sau khi cấp Giấy chứng nhận", "bold"), align="left", indent=0, space_before=8),
            para("Chưa có thay đổi nào được đăng ký tại thời điểm cấp Giấy chứng nhận này."),
        ]
    document = _assemble(ctx, number, body, ["- Lưu: VT, VPĐKĐĐ."])
    return document, ctx.truth(number=number, document_type="Giấy chứng nhận quyền sử dụng đất",
                               summary=None, holder=h, alt={"document_type": (FULL_LAND_CERTIFICATE,)})


def build_birth_extract(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Trích lục khai sinh (copy), issued by the commune where the birth was registered."""
    number = ctx.number("TLKS-BS")
    year = ctx.issued_on.year
    born = ctx.person(year - 8, year - 1)
    # The ID's province is where the birth was registered: Quảng Nam before the merger, Đà Nẵng after.
    province = "049" if born.birth < MERGER_DATE else "048"
    mother = ctx.person(year - 40, year - 20, female=True)
    father = ctx.person(year - 45, year - 20, female=False)
    child = replace(born, name=" ".join([father.name.split(" ")[0], *born.name.split(" ")[1:]]),
                    citizen_id=make_citizen_id(ctx.rng, province, born.birth.year, born.female))
    registered = child.birth + dt.timedelta(days=int(ctx.rng.integers(3, 50)))
    sex = "Nữ" if child.female else "Nam"
    pairs = [
        ("Họ, chữ đệm, tên", glue(child.name.upper())),
        ("Ngày, tháng, năm sinh", f"{short_date(child.birth)}"),
        ("Giới tính", f"{sex}; Dân tộc: {child.ethnicity}; Quốc tịch: Việt Nam"),
        ("Nơi sinh", f"Trạm Y tế {ctx.setting.locality}"),
    ]
    child_id = labelled_id(ctx, child, "Số định danh cá nhân:")
    parents = []
    for role, parent in (("mẹ", mother), ("cha", father)):
        parents.append(para(f"Họ, chữ đệm, tên người {role}: {glue(parent.name.upper())}; năm sinh: "
                            f"{parent.birth.year}; Dân tộc: {parent.ethnicity}; Quốc tịch: Việt Nam",
                            align="left", indent=0, space_before=2))
        if ctx.long or role == "mẹ":
            parents.append(para(f"{id_phrase(ctx, parent, allow_cmnd=False)}; nơi cư trú: "
                                f"{address(ctx.rng, ctx.setting)}", align="left", indent=0, space_before=2))
    body: list[Block] = [
        *title("TRÍCH LỤC KHAI SINH", None, "(Bản sao)"),
        *_fields_paragraphs(pairs),
        para(child_id, align="left", indent=0, space_before=2),
        *parents,
        para(f"Nơi đăng ký khai sinh: Ủy ban nhân dân {ctx.setting.commune.full}, {ctx.setting.province}",
             align="left", indent=0, space_before=6),
        para(f"Ngày, tháng, năm đăng ký: {short_date(registered)}", align="left", indent=0, space_before=2),
    ]
    document = _assemble(ctx, number, body, ["- Lưu: VT, Sổ hộ tịch."])
    return document, ctx.truth(number=number, document_type="Trích lục khai sinh", summary=None, holder=child)



def build_construction_permit(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Giấy phép xây dựng for a detached house, with the design company's tax code."""
    number = ctx.number("GPXD")
    plot, _ = _land_plot(ctx)
    floors = int(ctx.rng.integers(1, 4))
    ground = int(ctx.rng.integers(60, 160))
    height = f"{3.6 * floors + 1.2:.1f}".replace(".", ",")
    body: list[Block] = [
        *title("GIẤY PHÉP XÂY DỰNG", None, "(Sử dụng cho nhà ở riêng lẻ)"),
        para(f"1. Cấp cho: {_holder_ref(ctx)}; {id_phrase(ctx, ctx.holder)}.", align="left", indent=0, space_before=10),
        para(f"Địa chỉ: {address(ctx.rng, ctx.setting)}.", align="left", indent=0),
        para("2. Được phép xây dựng công trình: Nhà ở riêng lẻ.", align="left", indent=0, space_before=6),
        para(f"- Vị trí xây dựng: {plot}, {ctx.setting.locality}.", align="left", indent=0),
        para(f"- Diện tích xây dựng tầng 1: {ground} m²; tổng diện tích sàn: {ground * floors} m²; "
             f"số tầng: {floors}; chiều cao công trình: {height} m.", align="left", indent=0),
    ]
    if ctx.chance(0.6):
        tax_code = make_tax_code(ctx.rng)
        ctx.tax_codes.append(tax_code)
        body.append(para(f"- Đơn vị thiết kế: {pick(ctx.rng, COMPANIES)}; {glue(f'mã số thuế: {tax_code}')}.",
                         align="left", indent=0))
    body += [
        para(f"3. Giấy tờ về quyền sử dụng đất: Giấy chứng nhận số CS{int(ctx.rng.integers(1, 999999)):06d}.",
             align="left", indent=0, space_before=6),
        para("4. Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp.",
             align="left", indent=0, space_before=6),
    ]
    if ctx.long:
        body += [
            para(("Chủ đầu tư có trách nhiệm:", "bold"), align="left", indent=0, space_before=8),
            para("- Thông báo ngày khởi công bằng văn bản cho UBND cấp xã nơi xây dựng công trình trước "
                 "thời điểm khởi công ít nhất là 03 ngày làm việc."),
            para("- Thực hiện đúng nội dung giấy phép, bảo đảm an toàn cho công trình lân cận, vệ sinh môi "
                 "trường và phòng chống cháy nổ trong quá trình thi công."),
            para("- Khi điều chỉnh thiết kế làm thay đổi một trong các nội dung quy định tại giấy phép này "
                 "phải đề nghị điều chỉnh giấy phép và chờ quyết định của cơ quan cấp giấy phép."),
        ]
    document = _assemble(ctx, number, body, ["- Như trên;", "- UBND cấp xã;", "- Lưu: VT, KT-HT."])
    return document, ctx.truth(number=number, document_type="Giấy phép xây dựng", summary=None, holder=ctx.holder)


def build_household_business(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Giấy chứng nhận đăng ký hộ kinh doanh, with the household-business number."""
    number = ctx.number("GCN-HKD")
    district_letter = "ABCDEFGHKLMN"[int(ctx.rng.integers(12))]
    business = f"40{district_letter}8{int(ctx.rng.integers(0, 1_000_000)):06d}"
    h = ctx.holder
    capital = int(ctx.rng.integers(2, 80)) * 10_000_000
    body: list[Block] = [
        *title("GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH"),
        para(f"Mã số hộ kinh doanh: {business}", align="center", indent=0, space_before=2),
        para(f"Đăng ký lần đầu: ngày {short_date(ctx.issued_on - dt.timedelta(days=2))}", align="center", indent=0),
        para(f"1. Tên hộ kinh doanh: {pick(ctx.rng, SHOP_NAMES)}", align="left", indent=0, space_before=10),
        para(f"2. Địa điểm kinh doanh: {address(ctx.rng, ctx.setting)}", align="left", indent=0),
        para(f"3. Ngành, nghề kinh doanh: {pick(ctx.rng, TRADES)}", align="left", indent=0),
        para(f"4. Vốn kinh doanh: {capital:,} đồng".replace(",", "."), align="left", indent=0),
        para("5. Thông tin về chủ hộ kinh doanh:", align="left", indent=0),
        para(f"Chủ hộ kinh doanh: {glue(h.name)}", align="left", indent=0, space_before=2),
        para(f"Giới tính: {'Nữ' if h.female else 'Nam'}; Sinh ngày: {short_date(h.birth)}; Dân tộc: "
             f"{h.ethnicity}; Quốc tịch: Việt Nam", align="left", indent=0, space_before=2),
        para(f"{id_phrase(ctx, h)}", align="left", indent=0, space_before=2),
        para(f"Địa chỉ thường trú: {address(ctx.rng, ctx.setting)}", align="left", indent=0, space_before=2),
    ]
    if ctx.long:
        members = [ctx.person(1960, 2000) for _ in range(2)]
        body.append(para("6. Danh sách thành viên hộ gia đình tham gia kinh doanh:", align="left", indent=0,
                         space_before=6))
        for index, member in enumerate(members, 1):
            body.append(para(f"{index}) {glue(member.name)}, sinh năm {member.birth.year}; "
                             f"{id_phrase(ctx, member, allow_cmnd=False)}", align="left", indent=0))
    document = _assemble(ctx, number, body, ["- Chủ hộ kinh doanh;", "- Chi cục Thuế;", "- Lưu: VT."])
    return document, ctx.truth(number=number, document_type="Giấy chứng nhận đăng ký hộ kinh doanh",
                               summary=None, holder=h)


def build_marital_status(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Giấy xác nhận tình trạng hôn nhân, issued by the commune of residence."""
    number = ctx.number("XNTTHN")
    h = ctx.holder
    purpose = pick(ctx.rng, ("Làm thủ tục đăng ký kết hôn", "Bổ sung hồ sơ vay vốn ngân hàng",
                             "Làm thủ tục mua bán nhà đất"))
    status = pick(ctx.rng, ("Chưa đăng ký kết hôn với ai.", "Đã ly hôn, hiện chưa đăng ký kết hôn với ai.",
                            "Hiện đang có vợ/chồng."))
    body: list[Block] = [
        *title("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"),
        para(f"ỦY BAN NHÂN DÂN {ctx.setting.issuer_unit.caps}", align="center", indent=0, space_before=8),
        para(f"Xét đề nghị của {_holder_ref(ctx)} về việc xác nhận tình trạng hôn nhân,", align="left", indent=0),
        para(("XÁC NHẬN:", "bold"), align="center", indent=0, space_before=6),
        para(f"Họ, chữ đệm, tên: {glue(h.name)}", align="left", indent=0, space_before=6),
        para(f"Ngày, tháng, năm sinh: {short_date(h.birth)}; Giới tính: {'Nữ' if h.female else 'Nam'}",
             align="left", indent=0, space_before=2),
        para(f"Dân tộc: {h.ethnicity}; Quốc tịch: Việt Nam", align="left", indent=0, space_before=2),
        para(id_phrase(ctx, h), align="left", indent=0, space_before=2),
        para(f"Nơi cư trú: {address(ctx.rng, ctx.setting)}", align="left", indent=0, space_before=2),
        para(f"Tình trạng hôn nhân: {status}", align="left", indent=0, space_before=2),
        para(f"Giấy này được cấp để: {purpose}.", align="left", indent=0, space_before=2),
        para("Giấy này có giá trị sử dụng trong thời hạn 6 tháng kể từ ngày cấp.", align="left", indent=0,
             space_before=2),
    ]
    document = _assemble(ctx, number, body, ["- Người yêu cầu;", "- Lưu: VT, Sổ hộ tịch."])
    return document, ctx.truth(number=number, document_type="Giấy xác nhận tình trạng hôn nhân",
                               summary=None, holder=h)


#: Every document type, with its name in the controlled vocabulary and its issuing level.
DOCUMENT_TYPES: tuple[DocType, ...] = (
    DocType("qd-giao-dat", "Quyết định", False, build_land_allocation),
    DocType("qd-cap-gcn", "Quyết định", False, build_certificate_decision),
    DocType("qd-tro-cap", "Quyết định", False, build_social_allowance),
    DocType("gcn-qsdd", "Giấy chứng nhận quyền sử dụng đất", False, build_land_certificate),
    DocType("trich-luc-khai-sinh", "Trích lục khai sinh", True, build_birth_extract),
    DocType("gpxd", "Giấy phép xây dựng", False, build_construction_permit),
    DocType("gcn-hkd", "Giấy chứng nhận đăng ký hộ kinh doanh", False, build_household_business),
    DocType("xn-hon-nhan", "Giấy xác nhận tình trạng hôn nhân", True, build_marital_status),
)


def _admin_type(kind: AdminKind) -> DocType:
    group = "legal" if kind.key in ("luat", "nghi-dinh", "thong-tu") else "admin"
    return DocType(kind.key, kind.name, False, partial(build_admin, kind=kind), group)


#: Every kind the corpus can write: the original eight, results of other bodies, Decree 30 kinds, legal documents.
ALL_KINDS: tuple[DocType, ...] = (
    *DOCUMENT_TYPES,
    *(DocType(key, name, False, builder, "results") for key, name, builder in RESULT_BUILDERS),
    *(_admin_type(kind) for kind in ADMIN_KINDS),
)
#: Share of each group in a corpus of every kind (documents issued to a person about half).
GROUP_WEIGHTS: dict[str, float] = {"legacy": 0.3, "results": 0.2, "admin": 0.42, "legal": 0.08}
KIND_GROUPS: tuple[str, ...] = ("all", *GROUP_WEIGHTS)


def resolve_kinds(names: Sequence[str] | None) -> tuple[tuple[DocType, ...], tuple[float, ...]]:
    """The kinds named (``all``, a group of :data:`KIND_GROUPS` or kind keys) and their weights.

    Weights give each group its :data:`GROUP_WEIGHTS` share, split evenly among its kinds. Raises
    :class:`~kho.errors.UsageError` for an unknown name.
    """
    chosen: dict[str, DocType] = {}
    for name in names or ("all",):
        matches = [k for k in ALL_KINDS if name in ("all", k.group, k.key)]
        if not matches:
            known = ", ".join([*KIND_GROUPS, *(k.key for k in ALL_KINDS)])
            raise UsageError(f"unknown document kind; choose from {known}", subject=name)
        chosen.update((k.key, k) for k in matches)
    kinds = tuple(chosen.values())
    sizes = {group: sum(1 for k in kinds if k.group == group) for group in GROUP_WEIGHTS}
    weights = tuple(GROUP_WEIGHTS[k.group] / sizes[k.group] for k in kinds)
    total = sum(weights)
    return kinds, tuple(w / total for w in weights)
