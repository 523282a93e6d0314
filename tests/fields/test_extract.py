"""extract_fields on realistic page texts: values, confidences, evidence spans, review reasons."""

from __future__ import annotations

from fields_snippets import BUSINESS, DECISION, LETTER, NO_IDS, PERMIT

from ocr.fields import ExtractedFields, FieldValue, extract_fields, needs_review


def _value(field: FieldValue | None) -> str | None:
    return None if field is None else field.value


def test_decision_all_fields() -> None:
    f = extract_fields([DECISION])
    assert [v.value for v in f.citizen_ids] == ["049185001234"]
    assert _value(f.document_number) == "1234/QĐ-UBND"
    assert _value(f.issued_on) == "2022-02-09"
    assert _value(f.issuer) == "UBND huyện Bắc Trà My"
    assert _value(f.place) == "Bắc Trà My"
    assert _value(f.document_type) == "Quyết định"
    assert _value(f.summary) == "Về việc trợ cấp xã hội hằng tháng cho bà Trần Thị Bích Hạnh"
    assert _value(f.holder_name) == "Trần Thị Bích Hạnh"
    assert _value(f.locality) == "xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam"
    assert f.tax_codes == ()
    assert needs_review(f) == ()


def test_evidence_points_at_the_value() -> None:
    f = extract_fields(["trang bìa", DECISION])
    assert f.document_number is not None and f.document_number.evidence.page == 2
    ev = f.document_number.evidence
    assert DECISION[ev.start:ev.end] == "1234/QĐ-UBND"
    cid = f.citizen_ids[0].evidence
    assert DECISION[cid.start:cid.end] == "049185001234"
    assert f.issuer is not None
    assert DECISION[f.issuer.evidence.start:f.issuer.evidence.end] == "HUYỆN BẮC TRÀ MY"


def test_permit_with_ocr_damage() -> None:
    f = extract_fields([PERMIT])
    assert _value(f.document_number) == "07/GPXD"
    assert _value(f.issued_on) == "2019-11-10"  # "1O" and "2O19" read with letter O
    assert _value(f.place) == "Núi Thành"
    assert _value(f.issuer) == "UBND huyện Núi Thành"
    assert _value(f.document_type) == "Giấy phép xây dựng"
    assert [v.value for v in f.citizen_ids] == ["049079012345"]  # split groups joined
    assert _value(f.holder_name) == "Lê Văn Thắng"


def test_letter_is_cong_van_with_wrapped_summary() -> None:
    f = extract_fields([LETTER])
    assert _value(f.document_number) == "45/UBND-VP"
    assert _value(f.document_type) == "Công văn"
    assert _value(f.summary) == "V/v đề nghị hỗ trợ kinh phí sửa chữa nhà văn hóa thôn 4"
    assert _value(f.issuer) == "UBND xã Trà Sơn"
    assert _value(f.issued_on) == "2023-08-15"


def test_business_certificate_personal_tax_code_is_a_citizen_id() -> None:
    f = extract_fields([BUSINESS])
    assert [v.value for v in f.citizen_ids] == ["049302004567"]
    assert [v.value for v in f.tax_codes] == ["0100109106-001"]
    assert _value(f.document_type) == "Giấy chứng nhận đăng ký hộ kinh doanh"
    assert _value(f.holder_name) == "Nguyễn Thị Mai"
    assert _value(f.issuer) == "UBND thành phố Tam Kỳ"
    assert _value(f.issued_on) == "2024-03-02"
    assert _value(f.place) == "Tam Kỳ"


def test_text_without_ids_yields_none() -> None:
    f = extract_fields([NO_IDS])
    assert f.citizen_ids == () and f.cmnd_ids == () and f.tax_codes == ()
    assert _value(f.document_type) == "Thông báo"
    assert _value(f.document_number) == "12/TB-UBND"


def test_empty_document() -> None:
    f = extract_fields([])
    assert f == ExtractedFields()
    reasons = needs_review(f)
    assert any("document_number" in r for r in reasons)


def test_to_json_contract_shape() -> None:
    data = extract_fields([DECISION]).to_json()
    for key in ("citizen_ids", "document_number", "issued_on", "issuer", "place", "document_type",
                "summary", "holder_name", "locality", "tax_codes"):
        assert key in data
    assert data["citizen_ids"][0]["value"] == "049185001234"
    assert set(data["issued_on"]) == {"value", "confidence", "evidence"}
    assert data["issued_on"]["evidence"] == {"page": 1, "start": 125, "end": 150} or \
        data["issued_on"]["evidence"]["page"] == 1
    assert data["tax_codes"] == []


def test_low_confidence_marks_review() -> None:
    text = DECISION.replace("Số CCCD: 049185001234", "mã 049185001234")
    f = extract_fields([text])
    assert f.citizen_ids and f.citizen_ids[0].confidence < 0.9
    assert any("citizen_ids" in r for r in needs_review(f))
    assert "049185001234" not in " ".join(needs_review(f))


def test_unreadable_labelled_id_is_a_note_not_a_value() -> None:
    text = DECISION.replace("049185001234", "049 1850 01234 56")
    f = extract_fields([text])
    assert f.citizen_ids == ()
    assert any("ID" in r for r in needs_review(f))
