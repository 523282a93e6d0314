"""A click group whose commands are imported only when one of them runs (or shows its own help).

``kho --help`` lists every command from its :class:`LazyCommand` entry (name and one-line help)
without importing any command module; ``kho ocr ...`` imports :mod:`kho.cli.ocr` and nothing else.
Each entry's ``load`` is a small function with a direct ``from kho.cli.<area> import <command>``,
so the import is seen by mypy, ruff and import-linter (no "module:attribute" strings). See click's
documentation, "Lazily Loading Subcommands".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import click

from kho.cli.lang import KhoGroup


@dataclass(frozen=True)
class LazyCommand:
    """A command of the group: its name, its one-line help (shown by ``kho --help``) and its loader."""

    name: str
    short_help: str
    load: Callable[[], click.Command]


class LazyGroup(KhoGroup):
    """A :class:`click.Group` that imports a command's module only when the command is resolved."""

    def __init__(self, *args: object, lazy_commands: Iterable[LazyCommand] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = {entry.name: entry for entry in lazy_commands}

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Eager and lazy command names, sorted (as click lists them)."""
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command named ``cmd_name``, importing its module on first use."""
        eager = super().get_command(ctx, cmd_name)
        if eager is not None:
            return eager
        entry = self.lazy_commands.get(cmd_name)
        if entry is None:
            return None
        command = entry.load()
        if command.name != cmd_name:
            raise RuntimeError(f"lazy command {cmd_name!r} loaded a command named {command.name!r}")
        self.add_command(command)  # loaded once per process
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The "Commands" section of the group's help, from the entries' one-line help (no imports)."""
        names = [name for name in self.list_commands(ctx)
                 if name in self.lazy_commands or not self.commands[name].hidden]
        limit = formatter.width - 6 - max((len(name) for name in names), default=0)
        rows = [(name, self.short_help_of(name, limit)) for name in names]
        if rows:
            with formatter.section("Commands"):  # worded in the CLI language by kho.cli.lang.KhoFormatter
                formatter.write_dl(rows)

    def short_help_of(self, name: str, limit: int) -> str:
        """The one-line help of command ``name`` shortened to ``limit``, importing nothing not yet loaded."""
        if name in self.commands:
            return self.commands[name].get_short_help_str(limit)
        stand_in = click.Command(name, help=self.lazy_commands[name].short_help)  # click's own shortening
        return stand_in.get_short_help_str(limit)
