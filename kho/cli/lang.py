"""The command line's one language: Vietnamese by default, English when ``KHO_LANGUAGE=en``.

The language is the ``language`` setting (``KHO_LANGUAGE``, else ``language`` in ``kho.toml`` /
``KHO_CONFIG``), read here without pydantic so ``kho --help`` stays fast; a value the settings
would refuse falls back to Vietnamese (the command itself then reports the bad setting).

Every text of a command (help, options, output) is written once in both languages, Vietnamese
first: ``t("Tìm hồ sơ", "Search records")``; the one-language test
(``tests/web_pages/test_cli_language.py``) reads these pairs from the sources to know the texts of
each language.
Click's own words ("Usage:", "Options", "Show this message and exit.") are worded by
:class:`KhoFormatter` and :class:`KhoCommand`; dates are written ``dd/mm/yyyy`` and times in
Vietnam time with their label (:func:`vn_time`).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

import click

Language = Literal["vi", "en"]
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")


def _from_toml(env: dict[str, str] | os._Environ[str]) -> str | None:
    path = Path(env["KHO_CONFIG"]) if env.get("KHO_CONFIG") else Path("kho.toml")
    if not path.is_file():
        return None
    import tomllib  # only when there is a file to read

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    section = data.get("kho", data)
    value = section.get("language") if isinstance(section, dict) else None
    return value if isinstance(value, str) else None


@functools.cache
def language() -> Language:
    """``en`` when the language setting says so, else ``vi`` (read once per process)."""
    env = os.environ
    value = env.get("KHO_LANGUAGE") or _from_toml(env) or "vi"
    return "en" if value.strip() == "en" else "vi"


def t(vi: str, en: str) -> str:
    """The text in the command line's language: ``vi`` (Vietnamese) or ``en`` (English)."""
    return en if language() == "en" else vi


_BILINGUAL = r"^(?P<vi>[^/]*?) / (?P<en>[^:]*?)(?P<rest>: .*)?$"  # compiled on first use (re's cache)


def one_side(text: str) -> str:
    """The CLI language's side of a bilingual text written ``"Tiếng Việt / English: details"`` by another
    module (the details kept as written)."""
    parts = re.match(_BILINGUAL, text, re.DOTALL)
    if parts is None:
        return text
    return (parts["en"] if language() == "en" else parts["vi"]) + (parts["rest"] or "")


def day(value: date | datetime | None) -> str:
    """A date as the language writes it: ``09/02/2022`` (Vietnamese) or ``2022-02-09``; '' when missing."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM_TIME).date() if value.tzinfo else value.date()
    return value.isoformat() if language() == "en" else value.strftime("%d/%m/%Y")


def vn_time(value: datetime | None) -> str:
    """A moment in Vietnam time with its label: ``05/12/2026 22:35 giờ VN`` / ``2026-12-05 22:35 Vietnam
    time`` (a naive value is taken as UTC, as the catalog stores it); '' when missing."""
    if value is None:
        return ""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(VIETNAM_TIME)
    return f"{day(local.date())} {local:%H:%M} {t('giờ VN', 'Vietnam time')}"


_SECTIONS = {"Options": ("Tùy chọn", "Options"), "Commands": ("Lệnh", "Commands"),
             "Positional arguments": ("Tham số", "Positional arguments")}


_EXTRA = r"\[(?P<inner>[^\[\]]*)\]$"
_EXTRA_WORDS = (("env var: ", "biến môi trường: "), ("default: ", "mặc định: "), ("required", "bắt buộc"))


def _extra_in_words(help_text: str) -> str:
    """An option's help with click's ``[default: 20; required]`` worded in the CLI language."""
    found = re.search(_EXTRA, help_text)
    if found is None or language() == "en":
        return help_text
    inner = found["inner"]
    for english, vietnamese in _EXTRA_WORDS:
        inner = inner.replace(english, vietnamese)
    return help_text[:found.start()] + f"[{inner}]"


class KhoFormatter(click.HelpFormatter):
    """Click's help formatter with its own words ("Usage:", "Options", "Commands", "[default: …]") in the
    CLI language."""

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """The rows of a section, click's bracketed extras worded in the CLI language."""
        super().write_dl([(term, _extra_in_words(text)) for term, text in rows], col_max, col_spacing)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """The usage line, headed ``Cách dùng:`` / ``Usage:``."""
        super().write_usage(prog, args, t("Cách dùng: ", "Usage: ") if prefix is None else prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        """A section of the help, its title in the CLI language."""
        vi, en = _SECTIONS.get(name, (name, name))
        with super().section(t(vi, en)):
            yield


class KhoContext(click.Context):
    """A click context whose help is written by :class:`KhoFormatter`."""

    formatter_class = KhoFormatter


def _help_option(command: click.Command, ctx: click.Context) -> click.Option | None:
    option = click.Command.get_help_option(command, ctx)
    if option is not None:
        option.help = t("Hiện hướng dẫn này rồi thoát.", "Show this message and exit.")
    return option


class KhoCommand(click.Command):
    """A command whose help (click's own words included) is in the CLI language."""

    context_class = KhoContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", t("[TÙY_CHỌN]", "[OPTIONS]"))
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """``--help``, its help in the CLI language."""
        return _help_option(self, ctx)


class KhoGroup(click.Group):
    """A group whose help, and its subcommands' help, are in the CLI language."""

    context_class = KhoContext
    command_class = KhoCommand
    group_class = type  # subgroups are KhoGroups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", t("[TÙY_CHỌN]", "[OPTIONS]"))
        kwargs.setdefault("subcommand_metavar", t("LỆNH [THAM_SỐ]...", "COMMAND [ARGS]..."))
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """``--help``, its help in the CLI language."""
        return _help_option(self, ctx)


def command(name: str, vi: str, en: str, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """``@click.command(name)`` with its help in the CLI language (Vietnamese ``vi``, English ``en``)."""
    return click.command(name, cls=KhoCommand, help=t(vi, en), **kwargs)


def group(name: str, vi: str, en: str, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Group]:
    """``@click.group(name)`` with its help in the CLI language; its subcommands are :class:`KhoCommand`."""
    return click.group(name, cls=KhoGroup, help=t(vi, en), **kwargs)


def short_help(command: click.Command) -> str:
    """The first paragraph of a command's help on one line (its entry in ``kho --help``)."""
    first = (command.help or "").split("\n\n")[0]
    return " ".join(first.split())
