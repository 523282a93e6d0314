"""``kho users create|list|disable|enable``: the people who sign in to the web pages.

Accounts live in the catalog (:class:`repository.catalog.Catalog`), passwords hashed with scrypt.
Roles: ``official`` (look records up, correct and revoke them), ``archivist`` (upload batches,
review), ``admin`` (everything).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from kho.context import CliContext
from kho.errors import UsageError
from repository.catalog_types import USER_ROLES

if TYPE_CHECKING:
    from repository.catalog import User


def user_json(user: User) -> dict[str, object]:
    """The ``--json`` shape of a user (never a password hash)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at.isoformat(),
    }


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UsageError("no password on standard input", subject="--password-stdin")
        return password
    prompted: str = click.prompt("Mật khẩu / Password", hide_input=True, confirmation_prompt=True, err=True)
    return prompted


@click.group("users")
def users() -> None:
    """Tài khoản đăng nhập / Web sign-in accounts (roles: official, archivist, admin)."""


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(USER_ROLES), help="What the user may do.")
@click.option("--name", "display_name", default="", help="Full name shown in the pages.")
@click.option("--password-stdin", is_flag=True, help="Read the password (one line) from standard input.")
@click.option("--json", "as_json", is_flag=True, help="Print the new user as JSON.")
@click.pass_obj
def users_create(obj: CliContext, username: str, role: str, display_name: str, password_stdin: bool,
                 as_json: bool) -> None:
    """Create a user; the password (at least 8 characters) is asked for, or read with --password-stdin."""
    password = _read_password(password_stdin)
    user = obj.backends().catalog.create_user(username, password, role, display_name)
    if as_json:
        click.echo(json.dumps(user_json(user), ensure_ascii=False, indent=2))
        return
    click.echo(f"kho: created user {user.username} ({user.role})", err=True)


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def users_list(obj: CliContext, as_json: bool) -> None:
    """List users by username (disabled ones too)."""
    found = obj.backends().catalog.list_users()
    if as_json:
        click.echo(json.dumps([user_json(u) for u in found], ensure_ascii=False, indent=2))
        return
    for user in found:
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username:<24}  {user.role:<9}  {state:<8}  {user.created_at:%Y-%m-%d}  {user.display_name}")


@users.command("disable")
@click.argument("username")
@click.pass_obj
def users_disable(obj: CliContext, username: str) -> None:
    """Stop a user from signing in (their open sessions end at their next request)."""
    user = obj.backends().catalog.disable_user(username)
    click.echo(f"kho: user {user.username} disabled", err=True)


@users.command("enable")
@click.argument("username")
@click.pass_obj
def users_enable(obj: CliContext, username: str) -> None:
    """Let a disabled user sign in again."""
    user = obj.backends().catalog.enable_user(username)
    click.echo(f"kho: user {user.username} enabled", err=True)
