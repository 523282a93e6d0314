"""Results of procedures issued to a person by bodies other than a People's Committee.

A household-business certificate of a district's ``PHÒNG TÀI CHÍNH - KẾ HOẠCH`` (a header with a
type word in it, a two-line title, numbers like ``912/ĐKKD``), a transport permit of a provincial
department, a residence confirmation of a commune's police, a school-leaving diploma, a practising
certificate of a Sở Y tế, and a decision naming a beneficiary whose contact person and signer are
other people. Each is issued to a holder whose citizen ID is printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ocr.corpus.blocks import Block, Document, glue, para
from ocr.corpus.issuers import (
    Issuer,
    commune_police_issuer,
    department_issuer,
    district_office_issuer,
)
from ocr.corpus.people import pick
from ocr.corpus.places import address
from ocr.corpus.templates import (
    DocContext,
    TruthFields,
    date_line,
    id_phrase,
    issuer_header,
    issuer_signature,
    short_date,
)

__all__ = ["RESULT_BUILDERS"]

Builder = Callable[[DocContext], tuple[Document, TruthFields]]
SHOPS = ("TẠP HÓA AN BÌNH", "QUÁN ĂN HƯƠNG SEN", "ĐIỆN MÁY PHÚ QUÝ")
TRANSPORT = ("Vận tải hàng hóa", "Vận tải hành khách theo hợp đồng")


def _left(text: str, space: float = 2) -> Block:
    return para(text, align="left", indent=0, space_before=space)


def _titles(*lines: str, subtitle: str | None = None) -> list[Block]:
    blocks: list[Block] = [para((line, "bold"), size=14, align="center", indent=0, space_before=20 if i == 0 else 0)
                           for i, line in enumerate(lines)]
    if subtitle:
        blocks.append(para((subtitle, "italic"), size=13, align="center", indent=0, space_before=0))
    return blocks


def _document(ctx: DocContext, issuer: Issuer, number_line: str, body: list[Block], recipients: list[str]) -> Document:
    ctx.issuer = issuer
    return Document((issuer_header(issuer, number_line, date_line(issuer.place, ctx.issued_on)), *body,
                     issuer_signature(ctx, issuer, recipients)))


def _sentence(*caps: str) -> str:
    text = " ".join(caps).lower()
    return text[0].upper() + text[1:]


def build_household_business_office(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Giấy chứng nhận đăng ký hộ kinh doanh of a district's Phòng Tài chính - Kế hoạch."""
    issuer = district_office_issuer(ctx.rng, ctx.issued_on, "Phòng Tài chính - Kế hoạch")
    value = int(ctx.rng.integers(10, 2000))
    number = f"{value}/ĐKKD" if ctx.chance(0.5) else f"{value:02d}/GCN-{issuer.symbol}"
    h = ctx.holder
    business = f"40{'ABCDEFGHKLMN'[int(ctx.rng.integers(12))]}8{int(ctx.rng.integers(0, 1_000_000)):06d}"
    body = [
        *_titles("GIẤY CHỨNG NHẬN", "ĐĂNG KÝ HỘ KINH DOANH"),
        para(f"Mã số hộ kinh doanh: {business}", align="center", indent=0, space_before=2),
        _left(f"1. Tên hộ kinh doanh: {pick(ctx.rng, SHOPS)}", 10),
        _left(f"2. Địa điểm kinh doanh: {address(ctx.rng, ctx.setting)}"),
        _left(f"3. Chủ hộ kinh doanh: {glue(h.name)}; sinh ngày: {short_date(h.birth)}"),
        _left(id_phrase(ctx, h)),
    ]
    document = _document(ctx, issuer, f"Số: {number}", body, ["- Chủ hộ kinh doanh;", "- Lưu: VT, ĐKKD."])
    return document, ctx.truth(number=number, document_type="Giấy chứng nhận đăng ký hộ kinh doanh", summary=None,
                               holder=h)


def build_transport_permit(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Giấy phép kinh doanh vận tải bằng xe ô tô of a Sở Giao thông vận tải."""
    issuer = department_issuer(ctx.rng, "Sở Giao thông vận tải", ctx.issued_on)
    number = f"{int(ctx.rng.integers(10, 9000)):04d}/GP-{issuer.symbol}"
    h = ctx.holder
    body = [
        *_titles("GIẤY PHÉP", "KINH DOANH VẬN TẢI BẰNG XE Ô TÔ"),
        _left(f"Cấp cho hộ kinh doanh do {glue(f'{h.title} {h.name}')} làm chủ hộ; {id_phrase(ctx, h)}", 10),
        _left(f"Địa chỉ: {address(ctx.rng, ctx.setting)}"),
        _left(f"Được phép kinh doanh các loại hình vận tải: {pick(ctx.rng, TRANSPORT)}."),
        _left(f"Giấy phép có giá trị đến ngày {short_date(ctx.issued_on + dt.timedelta(days=7 * 365))}."),
    ]
    document = _document(ctx, issuer, f"Số: {number}", body, ["- Như trên;", "- Lưu: VT, QLVT."])
    return document, ctx.truth(number=number, document_type=_sentence("GIẤY PHÉP", "KINH DOANH VẬN TẢI BẰNG XE Ô TÔ"),
                               summary=None, holder=h, alt={"document_type": ("Giấy phép",)})


def build_residence_confirmation(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Giấy xác nhận thông tin về cư trú of a commune's police."""
    issuer = commune_police_issuer(ctx.rng, ctx.issued_on)
    number = f"{int(ctx.rng.integers(10, 900)):02d}/XN-{issuer.symbol}"
    h = ctx.holder
    body = [
        *_titles("GIẤY XÁC NHẬN", "THÔNG TIN VỀ CƯ TRÚ"),
        _left(f"{issuer.bodies[-1].name} xác nhận:", 10),
        _left(f"Họ, chữ đệm và tên: {glue(h.name.upper())}; ngày, tháng, năm sinh: {short_date(h.birth)}"),
        _left(id_phrase(ctx, h, allow_cmnd=False)),
        _left(f"Nơi thường trú: {address(ctx.rng, ctx.setting)}"),
        _left("Giấy xác nhận có giá trị 06 tháng kể từ ngày cấp."),
    ]
    document = _document(ctx, issuer, f"Số: {number}", body, ["- Công dân;", "- Lưu: HS."])
    return document, ctx.truth(number=number, document_type="Giấy xác nhận thông tin về cư trú", summary=None, holder=h)


def build_diploma(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Bằng tốt nghiệp trung học phổ thông (văn bằng) issued by a Sở Giáo dục và Đào tạo."""
    issuer = department_issuer(ctx.rng, "Sở Giáo dục và Đào tạo", ctx.issued_on)
    number = f"{int(ctx.rng.integers(100, 99999)):05d}/VB-{issuer.symbol}"
    young = ctx.person(ctx.issued_on.year - 19, ctx.issued_on.year - 17)
    body = [
        *_titles("BẰNG TỐT NGHIỆP", "TRUNG HỌC PHỔ THÔNG"),
        _left(f"Cấp cho: {glue(young.name)}; ngày sinh: {short_date(young.birth)}", 10),
        _left(id_phrase(ctx, young, allow_cmnd=False)),
        _left(f"Năm tốt nghiệp: {ctx.issued_on.year}; xếp loại: {pick(ctx.rng, ('Giỏi', 'Khá', 'Trung bình'))}"),
        _left(f"Số vào sổ cấp bằng: {int(ctx.rng.integers(1, 9999)):04d}/{ctx.issued_on.year}"),
    ]
    document = _document(ctx, issuer, f"Số: {number}", body, ["- Lưu: VT, QLT."])
    return document, ctx.truth(number=number, document_type="Bằng tốt nghiệp trung học phổ thông", summary=None,
                               holder=young)


def build_practice_certificate(ctx: DocContext) -> tuple[Document, TruthFields]:
    """Chứng chỉ hành nghề khám bệnh, chữa bệnh of a Sở Y tế (a ``000123/QNA-CCHN`` number)."""
    issuer = department_issuer(ctx.rng, "Sở Y tế", ctx.issued_on)
    number = f"{int(ctx.rng.integers(1, 20000)):06d}/{pick(ctx.rng, ('QNA', 'HD', 'BN', 'TH'))}-CCHN"
    h = ctx.holder
    body = [
        *_titles("CHỨNG CHỈ HÀNH NGHỀ", "KHÁM BỆNH, CHỮA BỆNH"),
        _left(f"Họ và tên: {glue(h.name)}; ngày sinh: {short_date(h.birth)}", 10),
        _left(id_phrase(ctx, h)),
        _left(f"Văn bằng chuyên môn: {pick(ctx.rng, ('Bác sĩ đa khoa', 'Y sĩ', 'Điều dưỡng'))}"),
        _left("Phạm vi hoạt động chuyên môn: Khám bệnh, chữa bệnh đa khoa."),
    ]
    document = _document(ctx, issuer, f"Số: {number}", body, ["- Người được cấp;", "- Lưu: VT, NVY."])
    return document, ctx.truth(number=number, document_type=_sentence("CHỨNG CHỈ HÀNH NGHỀ", "KHÁM BỆNH, CHỮA BỆNH"),
                               summary=None, holder=h, alt={"document_type": ("Chứng chỉ hành nghề",)})


def build_beneficiary_decision(ctx: DocContext) -> tuple[Document, TruthFields]:
    """A decision naming a beneficiary (salary step, retirement), with a cited decree and the proposal
    of an office whose head is another person; the signer is not the holder."""
    issuer = pick(ctx.rng, ("office", "department"))
    body_issuer = (district_office_issuer(ctx.rng, ctx.issued_on, "Phòng Nội vụ") if issuer == "office"
                   else department_issuer(ctx.rng, "Sở Nội vụ", ctx.issued_on))
    value = int(ctx.rng.integers(10, 2000))
    number = f"{value:02d}/QĐ-{body_issuer.symbol}"
    h = ctx.holder
    reason = pick(ctx.rng, ("nâng bậc lương thường xuyên", "nghỉ hưu hưởng chế độ bảo hiểm xã hội",
                            "điều động và bổ nhiệm"))
    summary = f"Về việc {reason} đối với {glue(f'{h.title} {h.name}')}"
    proposer = ctx.person(1965, 1990)
    body = [
        *_titles("QUYẾT ĐỊNH"),
        para((summary, "bold"), size=14, align="center", indent=0, space_before=0, rule_after=True),
        para((body_issuer.authority_line, "bold"), align="center", indent=0, space_before=10),
        para(("Căn cứ Nghị định số 204/2004/NĐ-CP ngày 14 tháng 12 năm 2004 của Chính phủ về chế độ tiền lương "
              "đối với cán bộ, công chức, viên chức;", "italic"), space_before=2),
        para((f"Xét đề nghị của {glue(f'{proposer.title} {proposer.name}')}, Trưởng phòng Tổ chức cán bộ.", "italic"),
             space_before=2),
        para(("QUYẾT ĐỊNH:", "bold"), align="center", indent=0, space_before=8),
        para(("Điều 1.", "bold"), f"Quyết định {reason} đối với {glue(f'{h.title} {h.name}')}, sinh năm "
             f"{h.birth.year}; {id_phrase(ctx, h, allow_cmnd=False)}; kể từ ngày "
             f"{short_date(ctx.issued_on + dt.timedelta(days=15))}."),
        para(("Điều 2.", "bold"), f"Quyết định này có hiệu lực kể từ ngày ký. {_sentence(body_issuer.head)} và "
             f"{glue(f'{h.title} {h.name}')} chịu trách nhiệm thi hành./."),
    ]
    document = _document(ctx, body_issuer, f"Số: {number}", body, ["- Như Điều 2;", "- Lưu: VT, TCCB."])
    summary_text = summary.replace("\u00a0", " ")
    return document, ctx.truth(number=number, document_type="Quyết định", summary=summary_text, holder=h)


#: New result kinds: (key, document type, builder).
RESULT_BUILDERS: tuple[tuple[str, str, Builder], ...] = (
    ("gcn-hkd-phong", "Giấy chứng nhận đăng ký hộ kinh doanh", build_household_business_office),
    ("gp-van-tai", "Giấy phép kinh doanh vận tải bằng xe ô tô", build_transport_permit),
    ("xn-cu-tru", "Giấy xác nhận thông tin về cư trú", build_residence_confirmation),
    ("bang-thpt", "Bằng tốt nghiệp trung học phổ thông", build_diploma),
    ("cchn", "Chứng chỉ hành nghề khám bệnh, chữa bệnh", build_practice_certificate),
    ("qd-ca-nhan", "Quyết định", build_beneficiary_decision),
)
