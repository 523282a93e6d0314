"""``kho config``: the effective settings."""

from __future__ import annotations

import json

import click

from kho.cli.lang import command, t
from kho.context import CliContext


@command("config", "In các thiết lập đang dùng (che các giá trị bí mật).",
         "Print the effective settings (secrets masked).")
@click.option("--json", "as_json", is_flag=True, help=t("In dạng JSON.", "Print as JSON."))
@click.pass_obj
def config_command(obj: CliContext, as_json: bool) -> None:
    """Print the effective settings (secrets masked): ``name = value`` lines, or JSON."""
    described = obj.settings.describe()
    if as_json:
        click.echo(json.dumps(described, ensure_ascii=False, indent=2, default=str))
        return
    for key, value in described.items():
        click.echo(f"{key} = {value}")
