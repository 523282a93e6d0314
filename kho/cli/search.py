"""``kho search`` and ``kho reindex``.

Citizen IDs are personal data: they appear in the output the user asked for, never in the log.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from kho.cli.lang import command, day, t
from kho.context import CliContext
from kho.errors import ExitCode, KhoError
from search.query import MAX_LIMIT, REVIEW_STATES, STATUSES

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from search.index import SearchHit, SearchResult
    from search.reindex import ReindexReport

__all__ = ["reindex_command", "search_command"]

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
FACET_TITLES = {
    "document_type": t("Loại văn bản", "Document type"), "issuer": t("Cơ quan ban hành", "Issuer"),
    "locality": t("Địa bàn", "Locality"), "year": t("Năm ban hành", "Year issued"),
    "status": t("Tình trạng", "Status"), "review_state": t("Rà soát", "Review"),
}
_MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


class _ReindexIncomplete(KhoError):
    """The rebuild or the check found problems (listed in the report)."""

    exit_code = ExitCode.FAILED
    code = "reindex_incomplete"


def _snippet_text(snippet: str) -> Text:
    """A highlight as rich Text: marked words bold, the HTML escapes undone."""
    from rich.text import Text

    text = Text()
    cursor = 0
    for match in _MARK_RE.finditer(snippet):
        text.append(html.unescape(snippet[cursor:match.start()]))
        text.append(html.unescape(match.group(1)), style="bold yellow")
        cursor = match.end()
    text.append(html.unescape(snippet[cursor:]))
    return text


COMPACT_BELOW = 120
"""Terminals narrower than this get one block per hit instead of the table."""
STATUS_WORDS = {"valid": t("Còn hiệu lực", "In force"), "superseded": t("Đã được thay thế", "Superseded"),
                "revoked": t("Đã thu hồi", "Revoked")}
REVIEW_WORDS = {"none": t("Không cần rà soát", "No review needed"), "needs_review": t("Cần rà soát", "Needs review"),
                "reviewed": t("Đã rà soát", "Reviewed")}
FACET_WORDS = {"status": STATUS_WORDS, "review_state": REVIEW_WORDS}


def vn_day(value: date | None) -> str:
    """A date as the CLI language writes it (``09/02/2022``, in English ``2022-02-09``); '' when missing."""
    return day(value)


def hit_title(hit: SearchHit) -> str:
    """``Giấy phép xây dựng số 01/GPXD`` (type and number), or the record ID when neither is known."""
    if not (hit.document_type or hit.document_number):
        return hit.record_id
    kind = hit.document_type or t("Văn bản", "Document")
    if not hit.document_number:
        return kind
    return t(f"{kind} số {hit.document_number}", f"{kind} no. {hit.document_number}")


def holder_line(hit: SearchHit) -> str:
    """The holder with the masked ID and birth year (``Nguyễn Văn An · •••1234 · sinh năm 1985``)."""
    parts = [hit.holder_name or ""]
    if hit.masked_citizen_id:
        parts.append(hit.masked_citizen_id)
    if hit.birth_year:
        parts.append(t(f"sinh năm {hit.birth_year}", f"born {hit.birth_year}"))
    return " · ".join(p for p in parts if p)


def _snippets(hit: SearchHit) -> Text:
    from rich.text import Text

    return Text("\n").join(Text(page_label(h.page), style="dim") + _snippet_text(h.text) for h in hit.highlights)


def page_label(page: int) -> str:
    """``tr. 2: `` / ``p. 2: ``, before a snippet."""
    return t(f"tr. {page}: ", f"p. {page}: ")


def hit_block(number: int, hit: SearchHit) -> Text:
    """One hit as a short block of lines (the layout below :data:`COMPACT_BELOW` columns)."""
    from rich.text import Text

    block = Text(f"{number}. ", style="bold") + Text(hit_title(hit), style="bold")
    lines = [
        holder_line(hit),
        " · ".join(v for v in (vn_day(hit.issued_on), hit.issuer or "", hit.locality or "") if v),
        " · ".join(v for v in (hit.record_id, STATUS_WORDS.get(hit.status, hit.status),
                               REVIEW_WORDS["needs_review"] if hit.review_state == "needs_review" else "") if v),
    ]
    for line in lines:
        if line:
            block.append("\n   " + line)
    for h in hit.highlights:
        block.append("\n   ")
        block.append(Text(page_label(h.page), style="dim") + _snippet_text(h.text))
    return block


def _table(result: SearchResult) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True)
    for column in (t("Hồ sơ", "Record"), t("Loại", "Type"), t("Số", "Number"), t("Ngày", "Date"),
                   t("Cơ quan", "Issuer"), t("Người được cấp", "Holder"), t("Trích đoạn", "Snippets")):
        table.add_column(column, overflow="fold")
    table.columns[2].no_wrap = True
    table.columns[3].no_wrap = True
    for hit in result.hits:
        table.add_row(hit.record_id, hit.document_type or "", hit.document_number or "", vn_day(hit.issued_on),
                      hit.issuer or "", Text(holder_line(hit)), _snippets(hit))
    return table


def facet_line(name: str, values: list[tuple[str, int]]) -> str:
    """``Tình trạng: Còn hiệu lực (3), Đã thu hồi (1)``: the facet's title and its values in words."""
    words = FACET_WORDS.get(name, {})
    shown = ", ".join(f"{words.get(value, value)} ({count})" for value, count in values)
    return f"{FACET_TITLES.get(name, name)}: {shown}"


def print_result(result: SearchResult, offset: int, console: Console) -> None:
    """The hits (a table on wide terminals, one block per hit below :data:`COMPACT_BELOW` columns), then
    the facet counts; in the CLI language, dates ``dd/mm/yyyy`` in Vietnamese."""
    from rich.text import Text

    shown = f"{offset + 1}–{offset + len(result.hits)}" if result.hits else "0"
    console.print(t(f"Tìm thấy {result.total} hồ sơ (hiển thị {shown})",
                    f"Records found: {result.total} (shown: {shown})"))
    if result.hits and console.width < COMPACT_BELOW:
        for number, hit in enumerate(result.hits, start=offset + 1):
            console.print()
            console.print(hit_block(number, hit))
        console.print()
    elif result.hits:
        console.print(_table(result))
    for name, counts in result.facets.items():
        if counts:
            line = facet_line(name, [(c.value, c.count) for c in counts[:8]])
            title, _, values = line.partition(": ")
            console.print(Text(f"{title}: ", style="bold") + Text(values))


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@command(
    "search",
    'Tìm hồ sơ: từ ngữ (có hay không dấu), "cụm từ", số định danh và bộ lọc.\n\n'
    "Không có từ tìm và bộ lọc thì liệt kê mọi hồ sơ, mới nhất trước. Kết quả nêu tên công dân nên mỗi lần "
    "tìm đều được ghi vào nhật ký truy cập (người làm ``cli:<tài khoản hệ thống>``, kèm ``--purpose``).",
    'Search records: words (accents optional), "phrases", a citizen ID and filters.\n\n'
    "With no query and no filter, lists every record, newest first. Hits name citizens, so every search is "
    "written to the audit trail (actor ``cli:<system user>``, with ``--purpose``).",
)
@click.argument("query", nargs=-1)
@click.option("--citizen", "citizen", metavar="ID",
              help=t("Số định danh cá nhân / CCCD (12 chữ số) hoặc CMND (9 chữ số).",
                     "Personal ID number / citizen ID card (12 digits) or old ID card (9 digits)."))
@click.option("--type", "document_type", metavar="T",
              help=t("Loại văn bản, ví dụ 'Quyết định'.", "Document type, e.g. 'Quyết định'."))
@click.option("--issuer", metavar="I", help=t("Các từ trong tên cơ quan ban hành.",
                                              "Words of the issuing agency's name."))
@click.option("--locality", metavar="L", help=t("Xã/huyện/tỉnh; tên cũ và tên mới đều khớp.",
                                                "Commune/district/province; old and new names both match."))
@click.option("--status", type=click.Choice(STATUSES), help=t("Tình trạng hiệu lực của văn bản.",
                                                              "Whether the document is in force."))
@click.option("--review-state", "review_state", type=click.Choice(REVIEW_STATES),
              help=t("Trạng thái rà soát.", "Review state."))
@click.option("--from", "date_from", type=click.DateTime(DATE_FORMATS),
              help=t("Ban hành từ ngày (DD/MM/YYYY hoặc YYYY-MM-DD).",
                     "Issued on or after (YYYY-MM-DD or DD/MM/YYYY)."))
@click.option("--to", "date_to", type=click.DateTime(DATE_FORMATS),
              help=t("Ban hành đến ngày (DD/MM/YYYY hoặc YYYY-MM-DD).",
                     "Issued on or before (YYYY-MM-DD or DD/MM/YYYY)."))
@click.option("--limit", type=click.IntRange(0, MAX_LIMIT), default=20, show_default=True,
              help=t("Số kết quả tối đa.", "Most hits shown."))
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help=t("Bỏ qua bấy nhiêu kết quả đầu.", "Hits skipped first."))
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help=t("Xếp theo độ khớp (relevance) hay ngày (date).", "Order by relevance or date."))
@click.option("--json", "as_json", is_flag=True, help=t("In JSON: tổng số, kết quả kèm trích đoạn, bộ lọc.",
                                                        "Print JSON: total, hits with highlights, facets."))
@click.option("--purpose", metavar="TEXT", help=t("Mục đích tìm (ghi vào nhật ký truy cập).",
                                                  "Why you search (kept in the audit trail)."))
@click.pass_obj
def search_command(
    obj: CliContext, query: tuple[str, ...], citizen: str | None, document_type: str | None,
    issuer: str | None, locality: str | None, status: str | None, review_state: str | None,
    date_from: datetime | None, date_to: datetime | None, limit: int, offset: int, sort: str, as_json: bool,
    purpose: str | None,
) -> None:
    """Search through the access layer (audited) and print the hits and facets."""
    from rich.console import Console

    from access.context import AccessContext
    from access.reads import search_documents
    from access.scopes import ScopePolicy
    from search.index import SearchQuery
    from search.places import load_places
    from search.shapes import result_json

    search_query = SearchQuery(
        text=" ".join(query), citizen_id=citizen, document_type=document_type, issuer=issuer,
        locality=locality, status=status, review_state=review_state, date_from=_day(date_from),
        date_to=_day(date_to), sort="date" if sort == "date" else "relevance", limit=limit, offset=offset,
    )
    backends = obj.backends()
    ctx = AccessContext.command_line(purpose)
    result = search_documents(backends, ScopePolicy(load_places()), ctx, search_query)
    if as_json:
        click.echo(json.dumps(result_json(result), ensure_ascii=False, indent=2))
    else:
        print_result(result, offset, Console(soft_wrap=False))


def report_json(report: ReindexReport) -> dict[str, Any]:
    """The ``--json`` shape of a reindex report."""
    return {
        "check_only": report.check_only, "ok": report.ok, "records": report.records, "indexed": report.indexed,
        "seconds": round(report.seconds, 3),
        "failures": [{"record_id": f.record_id, "reason": f.reason} for f in report.failures],
        "missing": list(report.missing), "extra": list(report.extra), "outdated": list(report.outdated),
    }


def print_report(report: ReindexReport, console: Console) -> None:
    """A readable reindex report (at most 20 IDs per list)."""
    from rich.text import Text

    if report.check_only:
        console.print(t(f"Kho: {report.records} hồ sơ; chỉ mục: {report.indexed}",
                        f"Repository records: {report.records}; in the index: {report.indexed}"))
        for title, ids in ((t("Thiếu trong chỉ mục", "Missing from the index"), report.missing),
                           (t("Thừa trong chỉ mục", "Extra in the index"), report.extra),
                           (t("Lỗi thời (khác phiên bản)", "Outdated (version differs)"), report.outdated)):
            console.print(f"{title}: {len(ids)}" + (f" — {', '.join(ids[:20])}" if ids else ""))
    else:
        seconds = f"{report.seconds:.1f}".replace(".", ",")
        console.print(t(f"Đã lập chỉ mục {report.indexed}/{report.records} hồ sơ trong {seconds} giây",
                        f"Records indexed: {report.indexed} of {report.records}, in {report.seconds:.1f} s"))
    for failure in report.failures[:20]:
        console.print(Text(f"  {failure.record_id}: {failure.reason}", style="red"))
    console.print("[green]OK[/green]" if report.ok else t("[red]Có vấn đề[/red]", "[red]Problems found[/red]"))


@command("reindex", "Lập lại chỉ mục tìm kiếm từ kho và chuyển sang chỉ mục mới một lần.",
         "Rebuild the search index from the repository and switch to it atomically.")
@click.option("--check", "check_only", is_flag=True,
              help=t("Chỉ so sánh: hồ sơ thiếu, thừa hoặc lỗi thời trong chỉ mục.",
                     "Only compare: records missing from, extra in, or outdated in the index."))
@click.option("--json", "as_json", is_flag=True, help=t("In báo cáo dạng JSON.", "Print the report as JSON."))
@click.pass_obj
def reindex_command(obj: CliContext, check_only: bool, as_json: bool) -> None:
    """Rebuild (or with ``--check`` compare) the index and print the report."""
    from rich.console import Console

    from kho.backends import open_index, open_object_store
    from repository.records import Repository
    from search.reindex import reindex

    repository = Repository(open_object_store(obj.settings))
    index = open_index(obj.settings)

    def progress(n: int) -> None:
        if n % 10_000 == 0 and not as_json:
            click.echo(t(f"… {n} hồ sơ", f"… records: {n}"), err=True)

    try:
        report = reindex(repository, index, check_only=check_only, progress=progress)
    finally:
        index.close()
    if as_json:
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print_report(report, Console(soft_wrap=False))
    if not report.ok:
        problems = len(report.failures) + len(report.missing) + len(report.extra) + len(report.outdated)
        raise _ReindexIncomplete(
            t(f"{problems} vấn đề; xem báo cáo ở trên", f"problems: {problems}; see the report above")
            + (t("; chạy `kho reindex` để lập lại", "; run `kho reindex` to rebuild") if check_only else ""),
            subject="kho reindex",
        )
