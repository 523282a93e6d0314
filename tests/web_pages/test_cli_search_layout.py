"""``kho search`` output through the entry point: one block per hit below 120 columns (no line wider
than the terminal, IDs and dates unbroken), the table from 120 columns; Vietnamese words for facet
values, dates dd/mm/yyyy, the masked ID and birth year instead of the full ID."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import CliRunner
from pages_helpers import Doc

from kho.cli import cli
from kho.settings import Settings

ID = "049085001234"


def _search(settings: Settings, columns: int, *args: str) -> str:
    env = {"KHO_DATA_DIR": str(settings.data_dir), "KHO_INDEX_URL": "", "KHO_STORE_URL": "", "KHO_CONFIG": None,
           "COLUMNS": str(columns), "TERM": "dumb"}
    result = CliRunner().invoke(cli, ["search", *args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_below_120_columns_each_hit_is_one_block(web_settings: Settings, make_doc: Callable[..., Doc]) -> None:
    doc = make_doc(holder_name="Trần Thị Hoà", document_number="42/QĐ-UBND", citizen_ids=(ID,))
    make_doc(holder_name="Lê Văn Bình", status="revoked")
    out = _search(web_settings, 80, "tran", "thi", "hoa")
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert lines[0].startswith("Tìm thấy ") and "records" not in out
    block = out[out.index("1. "):]
    assert block.startswith("1. Giấy phép xây dựng số 42/QĐ-UBND")
    assert "Trần Thị Hoà · •••1234 · sinh năm 1985" in block
    assert doc.record_id in out and "01/03/2024" in out and "Còn hiệu lực" in out
    assert ID not in out  # the full ID is a lookup, never a search result
    assert "│" not in out  # no table
    assert len([line for line in lines if line.startswith("1. ")]) == 1


def test_facets_in_words_and_the_table_from_120_columns(
    web_settings: Settings, make_doc: Callable[..., Doc]
) -> None:
    make_doc(holder_name="Trần Thị Hoà")
    make_doc(holder_name="Lê Văn Bình", status="revoked")
    narrow = _search(web_settings, 80)
    assert "Tình trạng: Đã thu hồi (1), Còn hiệu lực (1)" in narrow
    assert "valid" not in narrow and "Kiểm tra" not in narrow
    wide = _search(web_settings, 160)
    assert "│" in wide and "Người được cấp" in wide and "Holder" not in wide
    assert all(len(line) <= 160 for line in wide.splitlines())
    assert "01/03/2024" in wide
