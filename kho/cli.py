"""The ``kho`` command line: one click group, one error handler.

Each package contributes its commands in its own ``cli`` module; they are listed in
:data:`COMMANDS` and attached here. Commands get the frozen settings from ``ctx.obj``
(a :class:`kho.context.CliContext`) and call the same service functions as the web views.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from typing import Any

import click

from kho import __version__
from kho.context import CliContext
from kho.errors import KhoError
from kho.logsetup import configure_logging
from kho.settings import load_settings

# "module:attribute" of each click command or group attached to the main group.
COMMANDS: tuple[str, ...] = (
    "kho.services_cli:services",
    "web.cli:serve", "web.cli:keys", "web.cli:audit",
    "web.users_cli:users",
    "ocr.cli:ocr",
    "ocr.corpus.cli:corpus",
    "repository.cli:get_command",
    "repository.cli:show_command",
    "repository.cli:verify_command",
    "search.cli:search_command", "search.cli:reindex_command",
    "ingest.cli:ingest",
)

EXIT_INTERNAL = 70


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kho")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """kho: turn scanned administrative results into trusted, searchable digital records."""
    ctx.obj = CliContext(settings=load_settings())
    ctx.call_on_close(ctx.obj.close)
    configure_logging(ctx.obj.settings.log_level)



@cli.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def config_command(obj: CliContext, as_json: bool) -> None:
    """Print the effective settings (secrets masked)."""
    described = obj.settings.describe()
    if as_json:
        click.echo(json.dumps(described, ensure_ascii=False, indent=2, default=str))
        return
    for key, value in described.items():
        click.echo(f"{key} = {value}")


def _attach_commands(group: click.Group) -> None:
    for spec in COMMANDS:
        module_name, _, attribute = spec.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        group.add_command(command)


_attach_commands(cli)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``kho`` console script: the one place errors become exit codes."""
    try:
        return cli.main(args=argv, prog_name="kho", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("kho: aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except KhoError as e:
        click.echo(f"kho: error: {e.one_line()}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("kho: interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # the outermost handler: a user never sees a traceback
        logging.getLogger("kho").debug("internal error", exc_info=True)
        click.echo(
            f"kho: error: internal error ({type(e).__name__}: {e}); rerun with KHO_LOG_LEVEL=DEBUG for details",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
