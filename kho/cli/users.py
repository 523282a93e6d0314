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

from kho.cli.lang import day, group, t
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
            raise UsageError(t("không có mật khẩu ở đầu vào chuẩn", "no password on standard input"),
                             subject="--password-stdin")
        return password
    prompted: str = click.prompt(t("Mật khẩu", "Password"), hide_input=True, err=True,
                                 confirmation_prompt=t("Nhập lại mật khẩu", "Repeat for confirmation"))
    return prompted


@group("users", "Tài khoản đăng nhập trang web (vai trò: official, archivist, admin).",
       "Web sign-in accounts (roles: official, archivist, admin).")
def users() -> None:
    """Web sign-in accounts (``create``, ``list``, ``disable``, ``enable``)."""


@users.command("create", help=t("Tạo tài khoản; mật khẩu (ít nhất 8 ký tự) được hỏi, hoặc đọc bằng "
                                "--password-stdin.",
                                "Create a user; the password (at least 8 characters) is asked for, or read with "
                                "--password-stdin."))
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(USER_ROLES),
              help=t("Người dùng được làm gì.", "What the user may do."))
@click.option("--name", "display_name", default="", help=t("Họ tên hiện trên các trang.",
                                                           "Full name shown in the pages."))
@click.option("--password-stdin", is_flag=True, help=t("Đọc mật khẩu (một dòng) từ đầu vào chuẩn.",
                                                       "Read the password (one line) from standard input."))
@click.option("--json", "as_json", is_flag=True, help=t("In tài khoản mới dạng JSON.", "Print the new user as JSON."))
@click.pass_obj
def users_create(obj: CliContext, username: str, role: str, display_name: str, password_stdin: bool,
                 as_json: bool) -> None:
    """Create the account ``username``."""
    password = _read_password(password_stdin)
    user = obj.backends().catalog.create_user(username, password, role, display_name)
    if as_json:
        click.echo(json.dumps(user_json(user), ensure_ascii=False, indent=2))
        return
    click.echo(t(f"kho: đã tạo tài khoản {user.username} ({user.role})",
                 f"kho: created user {user.username} ({user.role})"), err=True)


@users.command("list", help=t("Liệt kê tài khoản theo tên đăng nhập (cả tài khoản đã khóa).",
                              "List users by username (disabled ones too)."))
@click.option("--json", "as_json", is_flag=True, help=t("In dạng JSON.", "Print as JSON."))
@click.pass_obj
def users_list(obj: CliContext, as_json: bool) -> None:
    """Print the accounts."""
    found = obj.backends().catalog.list_users()
    if as_json:
        click.echo(json.dumps([user_json(u) for u in found], ensure_ascii=False, indent=2))
        return
    for user in found:
        state = t("đang dùng", "active") if user.active else t("đã khóa", "disabled")
        click.echo(f"{user.username:<24}  {user.role:<9}  {state:<9}  {day(user.created_at)}  {user.display_name}")


@users.command("disable", help=t("Khóa tài khoản, không cho đăng nhập (các phiên đang mở kết thúc ở yêu cầu kế "
                                 "tiếp).",
                                 "Stop a user from signing in (their open sessions end at their next request)."))
@click.argument("username")
@click.pass_obj
def users_disable(obj: CliContext, username: str) -> None:
    """Disable the account ``username``."""
    user = obj.backends().catalog.disable_user(username)
    click.echo(t(f"kho: đã khóa tài khoản {user.username}", f"kho: user {user.username} disabled"), err=True)


@users.command("enable", help=t("Mở lại tài khoản đã khóa.", "Let a disabled user sign in again."))
@click.argument("username")
@click.pass_obj
def users_enable(obj: CliContext, username: str) -> None:
    """Enable the account ``username``."""
    user = obj.backends().catalog.enable_user(username)
    click.echo(t(f"kho: đã mở lại tài khoản {user.username}", f"kho: user {user.username} enabled"), err=True)
