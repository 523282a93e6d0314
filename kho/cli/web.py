"""``kho serve``, ``kho keys`` and ``kho audit``: the web app and its keys and audit trail from the shell.

The commands call the same functions as the API (:mod:`access`, the catalog's key methods) and
print the same JSON shapes (:mod:`web.shapes`) with ``--json``.
"""

from __future__ import annotations

import json
from typing import Any

import click

from kho.context import CliContext
from kho.errors import UsageError
from repository.catalog_types import KEY_ROLES


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.pass_obj
def serve(obj: CliContext, host: str, port: int) -> None:
    """Serve the API and pages on one machine (threaded; use gunicorn in production, see docs/api.md)."""
    from werkzeug.serving import run_simple

    from web.app import create_app

    app = create_app(obj.settings, obj.backends())
    click.echo(f"kho: serving on http://{host}:{port}/ (API docs: /api/v1/docs); Ctrl+C to stop", err=True)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    except OSError as e:
        raise UsageError(f"cannot listen: {e.strerror or e}", subject=f"{host}:{port}") from e


@click.group("keys")
def keys() -> None:
    """Create, list and revoke API keys (roles: portal, official, archivist, admin)."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice(KEY_ROLES), help="What the key may do.")
@click.option("--name", required=True, help="Who or what uses the key (a portal, a service).")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    metavar="type=NAME|locality=NAME",
    help="Limit the key to a document type of ocr/data/document_types.csv or a place of search/data/places.csv "
    "(repeat; same kind = any of them). Unknown values are refused.",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"id": ..., "key": ...} as JSON.')
@click.pass_obj
def keys_create(obj: CliContext, role: str, name: str, scopes: tuple[str, ...], as_json: bool) -> None:
    """Create a key and print it ONCE (only its hash is stored)."""
    from access.scopes import parse_scopes
    from search.places import load_places

    checked = parse_scopes(scopes, load_places())  # before anything is opened or stored
    key, secret = obj.backends().catalog.create_api_key(name, role, checked)
    if as_json:
        _echo_json({"id": key.id, "key": secret, "role": key.role, "name": key.name, "scopes": key.scopes.to_json()})
        return
    click.echo(secret)
    click.echo(
        f"kho: created key {key.id} ({key.role}, {key.name}); it is shown only once: store it now", err=True
    )


def _scopes_text(scopes: dict[str, list[str]]) -> str:
    parts = [f"type={t}" for t in scopes["document_types"]] + [f"locality={loc}" for loc in scopes["localities"]]
    return ", ".join(parts) or "all"


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def keys_list(obj: CliContext, as_json: bool) -> None:
    """List keys, newest first (revoked ones too; never the secrets)."""
    from web.shapes import api_key_json

    found = [api_key_json(k) for k in obj.backends().catalog.list_api_keys()]
    if as_json:
        _echo_json(found)
        return
    for k in found:
        state = "active" if k["active"] else f"revoked {k['revoked_at'][:19]}"
        used = (k["last_used_at"] or "never")[:19]
        click.echo(
            f"{k['id']}  {k['role']:<9}  {state:<27}  last used {used:<19}  {k['name']}  "
            f"[{_scopes_text(k['scopes'])}]"
        )


@keys.command("revoke")
@click.argument("key_id")
@click.pass_obj
def keys_revoke(obj: CliContext, key_id: str) -> None:
    """Revoke a key at once (idempotent)."""
    key = obj.backends().catalog.revoke_api_key(key_id.removeprefix("kho_"))
    click.echo(f"kho: key {key.id} ({key.name}) revoked at {key.revoked_at:%Y-%m-%d %H:%M:%S} UTC")


@click.command("audit")
@click.option("--citizen", "citizen_id", help="Only reads of this citizen's data (ID or CMND).")
@click.option("--since", help="From this date (YYYY-MM-DD, UTC) or ISO date-time.")
@click.option("--until", help="Before this date or date-time.")
@click.option("--actor", help="Only this actor (key:<id> or a username).")
@click.option("--record", "record_id", help="Only reads of this record.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
@click.option("--purpose", required=True, metavar="TEXT",
              help="Mục đích / why you read the trail (required; kept in the audit trail itself).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def audit(
    obj: CliContext, citizen_id: str | None, since: str | None, until: str | None, actor: str | None,
    record_id: str | None, limit: int, purpose: str, as_json: bool,
) -> None:
    """Show the audit trail of personal-data reads, newest first (the query is audited: ``audit.query``)."""
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
            f"{e.at:%Y-%m-%d %H:%M:%S}  {e.action:<18}  {e.actor:<20}  citizen {e.citizen_id or '-':<12}  "
            f"record {e.record_id or '-':<24}  from {e.client_address or '-'}  purpose: {e.purpose}"
        )
