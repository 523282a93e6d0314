"""``kho serve``, ``kho keys`` and ``kho audit``: the web app and its keys and audit trail from the shell.

The commands call the same functions as the API (:mod:`access`, the catalog's key methods) and
print the same JSON shapes (:mod:`web.shapes`) with ``--json``.
"""

from __future__ import annotations

import json
from typing import Any

import click

from kho.cli.lang import command, group, t, vn_time
from kho.context import CliContext
from kho.errors import UsageError
from repository.catalog_types import KEY_ROLES


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@command("serve", "Chạy API và các trang web trên một máy (đa luồng; khi vận hành thật dùng gunicorn, "
         "xem docs/api.md).",
         "Serve the API and pages on one machine (threaded; use gunicorn in production, see docs/api.md).")
@click.option("--host", default="127.0.0.1", show_default=True, help=t("Địa chỉ lắng nghe.", "Address to listen on."))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=t("Cổng.", "Port."))
@click.pass_obj
def serve(obj: CliContext, host: str, port: int) -> None:
    """Serve the app with werkzeug until Ctrl+C."""
    from werkzeug.serving import run_simple

    from web.app import create_app

    app = create_app(obj.settings, obj.backends())
    click.echo(t(f"kho: đang phục vụ tại http://{host}:{port}/ (tài liệu API: /api/v1/docs); Ctrl+C để dừng",
                 f"kho: serving on http://{host}:{port}/ (API docs: /api/v1/docs); Ctrl+C to stop"), err=True)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    except OSError as e:
        raise UsageError(t(f"không lắng nghe được: {e.strerror or e}", f"cannot listen: {e.strerror or e}"),
                         subject=f"{host}:{port}") from e


@group("keys", "Tạo, liệt kê và thu hồi khóa API (vai trò: portal, official, archivist, admin).",
       "Create, list and revoke API keys (roles: portal, official, archivist, admin).")
def keys() -> None:
    """API keys (``create``, ``list``, ``revoke``)."""


@keys.command("create", help=t("Tạo một khóa và in nó MỘT LẦN (kho chỉ lưu mã băm của khóa).",
                               "Create a key and print it ONCE (only its hash is stored)."))
@click.option("--role", required=True, type=click.Choice(KEY_ROLES),
              help=t("Khóa được làm gì.", "What the key may do."))
@click.option("--name", required=True, help=t("Ai hoặc hệ thống nào dùng khóa (một cổng dịch vụ, một dịch vụ).",
                                              "Who or what uses the key (a portal, a service)."))
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    metavar="type=NAME|locality=NAME",
    help=t("Giới hạn khóa vào một loại văn bản của ocr/data/document_types.csv hoặc một địa danh của "
           "search/data/places.csv (lặp lại được; cùng loại = một trong số đó). Giá trị không biết bị từ chối.",
           "Limit the key to a document type of ocr/data/document_types.csv or a place of search/data/places.csv "
           "(repeat; same kind = any of them). Unknown values are refused."),
)
@click.option("--json", "as_json", is_flag=True, help=t('In {"id": ..., "key": ...} dạng JSON.',
                                                        'Print {"id": ..., "key": ...} as JSON.'))
@click.pass_obj
def keys_create(obj: CliContext, role: str, name: str, scopes: tuple[str, ...], as_json: bool) -> None:
    """Create a key and print its secret once."""
    from access.scopes import parse_scopes
    from search.places import load_places

    checked = parse_scopes(scopes, load_places())  # before anything is opened or stored
    key, secret = obj.backends().catalog.create_api_key(name, role, checked)
    if as_json:
        _echo_json({"id": key.id, "key": secret, "role": key.role, "name": key.name, "scopes": key.scopes.to_json()})
        return
    click.echo(secret)
    click.echo(t(f"kho: đã tạo khóa {key.id} ({key.role}, {key.name}); khóa chỉ hiện một lần: hãy cất giữ ngay",
                 f"kho: created key {key.id} ({key.role}, {key.name}); it is shown only once: store it now"),
               err=True)


def _scopes_text(scopes: dict[str, list[str]]) -> str:
    parts = [f"type={t}" for t in scopes["document_types"]] + [f"locality={loc}" for loc in scopes["localities"]]
    return ", ".join(parts) or t("tất cả", "all")


@keys.command("list", help=t("Liệt kê các khóa, mới nhất trước (cả khóa đã thu hồi; không bao giờ in khóa bí mật).",
                             "List keys, newest first (revoked ones too; never the secrets)."))
@click.option("--json", "as_json", is_flag=True, help=t("In dạng JSON.", "Print as JSON."))
@click.pass_obj
def keys_list(obj: CliContext, as_json: bool) -> None:
    """Print the keys (``--json``: the API's shape)."""
    from web.shapes import api_key_json

    found = obj.backends().catalog.list_api_keys()
    if as_json:
        _echo_json([api_key_json(k) for k in found])
        return
    for key in found:
        state = t("đang dùng", "active") if key.active else t(f"thu hồi {vn_time(key.revoked_at)}",
                                                                f"revoked {vn_time(key.revoked_at)}")
        used = vn_time(key.last_used_at) or t("chưa dùng", "never")
        click.echo(f"{key.id}  {key.role:<9}  {state:<33}  {t('dùng lần cuối', 'last used')} {used:<25}  "
                   f"{key.name}  [{_scopes_text(key.scopes.to_json())}]")


@keys.command("revoke", help=t("Thu hồi một khóa ngay (thu hồi lại cũng không sao).",
                               "Revoke a key at once (idempotent)."))
@click.argument("key_id")
@click.pass_obj
def keys_revoke(obj: CliContext, key_id: str) -> None:
    """Revoke the key ``key_id``."""
    key = obj.backends().catalog.revoke_api_key(key_id.removeprefix("kho_"))
    click.echo(t(f"kho: đã thu hồi khóa {key.id} ({key.name}) lúc {vn_time(key.revoked_at)}",
                 f"kho: key {key.id} ({key.name}) revoked at {vn_time(key.revoked_at)}"))


@command("audit", "Xem nhật ký truy cập dữ liệu cá nhân, mới nhất trước (việc xem cũng được ghi nhật ký: "
         "``audit.query``).",
         "Show the audit trail of personal-data reads, newest first (the query is audited: ``audit.query``).")
@click.option("--citizen", "citizen_id", help=t("Chỉ các lần đọc dữ liệu của công dân này (số định danh hoặc CMND).",
                                                "Only reads of this citizen's data (ID or CMND)."))
@click.option("--since", help=t("Từ ngày này (YYYY-MM-DD, giờ UTC) hoặc ngày giờ ISO.",
                                "From this date (YYYY-MM-DD, UTC) or ISO date-time."))
@click.option("--until", help=t("Trước ngày hoặc ngày giờ này.", "Before this date or date-time."))
@click.option("--actor", help=t("Chỉ người/khóa này (key:<mã> hoặc tên đăng nhập).",
                                "Only this actor (key:<id> or a username)."))
@click.option("--record", "record_id", help=t("Chỉ các lần đọc hồ sơ này.", "Only reads of this record."))
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000),
              help=t("Số dòng tối đa.", "Most events shown."))
@click.option("--purpose", required=True, metavar="TEXT",
              help=t("Mục đích xem nhật ký (bắt buộc; được ghi vào chính nhật ký).",
                     "Why you read the trail (required; kept in the audit trail itself)."))
@click.option("--json", "as_json", is_flag=True, help=t("In dạng JSON.", "Print as JSON."))
@click.pass_obj
def audit(
    obj: CliContext, citizen_id: str | None, since: str | None, until: str | None, actor: str | None,
    record_id: str | None, limit: int, purpose: str, as_json: bool,
) -> None:
    """Query the audit trail (itself audited) and print the events, times in Vietnam time."""
    from access.audit import AuditFilters, parse_when, query_audit_events
    from access.context import AccessContext
    from web.shapes import audit_event_json

    filters = AuditFilters(
        citizen_id=citizen_id,
        since=parse_when(since, "--since") if since else None,
        until=parse_when(until, "--until") if until else None,
        actor=actor,
        record_id=record_id,
        limit=limit,
    )
    ctx = AccessContext.command_line(purpose, required=True)
    events = query_audit_events(obj.backends().catalog, ctx, filters)
    if as_json:
        _echo_json([audit_event_json(e) for e in events])
        return
    for e in events:
        click.echo(
            f"{vn_time(e.at)}  {e.action:<18}  {e.actor:<20}  {t('công dân', 'citizen')} {e.citizen_id or '-':<12}  "
            f"{t('hồ sơ', 'record')} {e.record_id or '-':<24}  {t('từ', 'from')} {e.client_address or '-'}  "
            f"{t('mục đích', 'purpose')}: {e.purpose}"
        )
