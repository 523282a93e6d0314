"""One language per run of ``kho``: every command's ``--help`` and a few outputs, through the entry point
(``kho.cli.main`` in a fresh interpreter), show none of the other language's texts.

The texts of each language are read from the CLI's sources the way ``test_one_language.py`` reads the
web catalogue: every ``t("Tiếng Việt", "English")`` (and ``command``/``group`` help) of ``kho/cli``, split
into literal fragments long enough to be recognised. A text left in one language only, or shown
bilingual, fails here.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI_SOURCES = sorted((REPO_ROOT / "kho" / "cli").glob("*.py"))
MIN_FRAGMENT = 12
SKIPPED: tuple[str, ...] = ()
VIETNAMESE_LETTERS = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u0300-\u0323]|"
                                "[àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
"""A Vietnamese letter: an English screen shows none (but in data such as a document type's name)."""
NEW_TONE_STYLE = re.compile(r"(?<![qQ])(?:[oO][áàảãạ]|[oO][éèẻẽẹ]|[uU][ýỳỷỹỵ])(?!\w)")
"""``hoá``, ``khoẻ``, ``thuỷ``: the project writes the old style (``hóa``, ``khỏe``, ``thủy``; kho.core.vntext)."""
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR) ")
"""A line of the operators' log (``KHO_LOG_LEVEL``), written in English for support: not the command's output."""
CLICK_ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message and exit", "[default:", "[required]")
CLICK_VIETNAMESE = ("Cách dùng:", "Tùy chọn:", "Lệnh:", "Hiện hướng dẫn này", "[mặc định:", "[bắt buộc]")

_DRIVER = f"""
SKIPPED = {SKIPPED!r}
import sys
import click
from kho.cli import cli, main

def paths(group, prefix):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        if name in SKIPPED:
            continue
        command = group.get_command(ctx, name)
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from paths(command, [*prefix, name])

for path in [[], *paths(cli, [])]:
    print("===== kho " + " ".join(path), flush=True)
    try:
        main([*path, "--help"])
    except SystemExit:
        pass
    sys.stdout.flush()
"""


def _literal_parts(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield value.value


def _pairs(source: Path) -> Iterator[tuple[ast.expr, ast.expr]]:
    """``(vi, en)`` of every ``t(vi, en)``, ``command(name, vi, en)`` and ``group(name, vi, en)``."""
    for node in ast.walk(ast.parse(source.read_text("utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id == "t" and len(node.args) == 2:
            yield node.args[0], node.args[1]
        elif node.func.id in ("command", "group") and len(node.args) == 3:
            yield node.args[1], node.args[2]


def _fragments(node: ast.expr) -> Iterator[str]:
    for literal in _literal_parts(node):
        for part in re.split(r"\n\n|[;:]\s|\.\s(?=[A-ZĐ])", literal):
            part = part.strip(" .,:;()[]'–-\n")
            if len(part) >= MIN_FRAGMENT:
                yield " ".join(part.split())


@cache
def known_texts() -> tuple[frozenset[str], frozenset[str]]:
    """The Vietnamese and the English fragments of the CLI's texts; a fragment found in a text of the other
    language too (a name, a JSON shape, a setting) is left out."""
    vietnamese: set[str] = set()
    english: set[str] = set()
    texts: dict[str, list[str]] = {"vi": [], "en": []}
    for source in CLI_SOURCES:
        for vi, en in _pairs(source):
            vietnamese.update(_fragments(vi))
            english.update(_fragments(en))
            texts["vi"].append(_flat("".join(_literal_parts(vi))))
            texts["en"].append(_flat("".join(_literal_parts(en))))
    only_vi = {f for f in vietnamese if not any(f in text for text in texts["en"])}
    only_en = {f for f in english if not any(f in text for text in texts["vi"])}
    return frozenset(only_vi), frozenset(only_en)


def _env(language: str, data_dir: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env.update(KHO_LANGUAGE=language, COLUMNS="200", PYTHONPATH=str(REPO_ROOT))
    if data_dir is not None:
        env["KHO_DATA_DIR"] = str(data_dir)
    return env


def _flat(text: str) -> str:
    """The output with the help's line wrapping undone (fragments span wrapped lines)."""
    return " ".join(text.split())


@cache
def helps(language: str) -> dict[str, str]:
    """``kho ... --help`` of every command and subcommand (but :data:`SKIPPED`), by command path."""
    done = subprocess.run([sys.executable, "-c", _DRIVER], capture_output=True, text=True, cwd=REPO_ROOT,
                          env=_env(language), timeout=300, check=True)
    screens: dict[str, str] = {}
    for chunk in done.stdout.split("===== ")[1:]:
        title, _, body = chunk.partition("\n")
        screens[title.strip()] = body
    return screens


def kho(language: str, data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``kho ARGS`` through the entry point with the language setting."""
    return subprocess.run([sys.executable, "-m", "kho", *args], capture_output=True, text=True, input=stdin,
                          env=_env(language, data_dir), cwd=data_dir, timeout=300, check=False)


def test_the_word_lists_are_read() -> None:
    vietnamese, english = known_texts()
    assert len(vietnamese) > 150 and len(english) > 150
    assert "Hiện hướng dẫn này rồi thoát" in vietnamese and "Show this message and exit" in english


def test_every_command_is_listed_in_both_languages() -> None:
    vi, en = helps("vi"), helps("en")
    assert set(vi) == set(en) and len(vi) > 35
    assert {"kho", "kho search", "kho ingest", "kho keys create", "kho workers up", "kho signing-keys list"} <= set(vi)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_help_screens_show_one_language(language: str) -> None:
    vietnamese, english = known_texts()
    own, other = (vietnamese, english) if language == "vi" else (english, vietnamese)
    own_click, other_click = (CLICK_VIETNAMESE, CLICK_ENGLISH) if language == "vi" else (CLICK_ENGLISH,
                                                                                         CLICK_VIETNAMESE)
    for path, screen in helps(language).items():
        flat = _flat(screen)
        left = sorted(f for f in other if f in flat)
        assert not left, f"`{path} --help` in {language} shows: {left}"
        assert any(f in flat for f in own), f"`{path} --help`: no text of {language} recognised"
        assert not [w for w in other_click if w in screen], f"`{path} --help` in {language}: click's own words"
        assert screen.startswith(own_click[0]), path
        assert not NEW_TONE_STYLE.search(screen), f"`{path} --help`: {NEW_TONE_STYLE.findall(screen)}"


def test_english_help_has_no_vietnamese_letters_but_in_examples() -> None:
    for path, screen in helps("en").items():
        lines = [line for line in screen.splitlines()
                 if VIETNAMESE_LETTERS.search(line) and "Quyết định" not in line]
        assert not lines, f"`{path} --help` in English: {lines}"


def test_kho_help_stays_lazy_in_both_languages() -> None:
    """The language is read without the settings (no pydantic) and no command module is imported."""
    probe = ("import sys\nfrom kho.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'kho.cli.search', 'kho.settings'))),"
             " file=sys.stderr)")
    for language in ("vi", "en"):
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=_env(language),
                              cwd=REPO_ROOT, timeout=120, check=True)
        assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def _outputs(language: str, data_dir: Path) -> str:
    """The output of a few commands on a tiny data folder: a user, a key, a batch with a file set aside,
    a search, a reindex check, a fixity check, the statistics, a usage error, a record not found."""
    scans = data_dir / "scans"
    scans.mkdir(parents=True)
    (scans / "empty.jpg").write_bytes(b"")
    (scans / "notes.bin").write_bytes(b"hello")
    runs = [
        kho(language, data_dir, "users", "create", "can-bo", "--role", "official", "--password-stdin",
            stdin="mat-khau-du-dai\n"),
        kho(language, data_dir, "users", "list"),
        kho(language, data_dir, "keys", "create", "--role", "portal", "--name", "portal"),
        kho(language, data_dir, "keys", "list"),
        kho(language, data_dir, "ingest", "--quiet", "--jobs", "1", str(scans)),
        kho(language, data_dir, "search", "--purpose", "test"),
        kho(language, data_dir, "reindex", "--check"),
        kho(language, data_dir, "verify"),
        kho(language, data_dir, "stats"),
        kho(language, data_dir, "ingest", "--resume", "x", str(scans)),
        kho(language, data_dir, "show", "kho-0123456789abcdef0123", "--purpose", "test"),
    ]
    assert [r.returncode for r in runs] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 4], [r.stderr for r in runs]
    shown = "\n".join(r.stdout + r.stderr for r in runs)
    return "\n".join(line for line in shown.splitlines() if not LOG_LINE.match(line))


def test_outputs_in_vietnamese_show_no_english(tmp_path: Path) -> None:
    out = _outputs("vi", tmp_path)
    _, english = known_texts()
    assert not sorted(f for f in english if f in out)
    assert "Lô 1 «" in out and ": Hoàn tất – có lỗi" in out and "Tệp để riêng hoặc lỗi: 2" in out
    assert "empty.jpg: Tệp rỗng (0 byte), không có trang nào để đọc" in out and "notes.bin: Không phải tệp quét" in out
    assert re.search(r"thời gian: \d+,\d giây, \d+,\d trang/phút", out), out  # a decimal comma
    assert "Tìm thấy 0 hồ sơ" in out and "dùng lần cuối chưa dùng" in out
    assert re.search(r"can-bo\s+official\s+đang dùng\s+\d\d/\d\d/\d{4}", out), out
    assert "Đã kiểm tra 0 hồ sơ" in out and "--resume không đi kèm" in out
    assert not NEW_TONE_STYLE.search(out), NEW_TONE_STYLE.findall(out)
    assert "kho: error: kho-0123456789abcdef0123: không tìm thấy (chi tiết: no such record)" in out
    for word in ("documents", "pages", " done", "records", "found", "Usage:", "active", "never", "failed:",
                 "quarantined", "Checked", "not a PDF"):
        assert word not in out, word


def test_outputs_in_english_show_no_vietnamese(tmp_path: Path) -> None:
    out = _outputs("en", tmp_path)
    vietnamese, _ = known_texts()
    assert not sorted(f for f in vietnamese if f in out)
    assert not VIETNAMESE_LETTERS.search(out), [line for line in out.splitlines() if VIETNAMESE_LETTERS.search(line)]
    assert "Batch 1 «" in out and ": Done – with errors" in out and "Files set aside or failed: 2" in out
    assert "empty.jpg: The file is empty (0 bytes)" in out and "notes.bin: Not a scan kho reads" in out
    assert "Records found: 0" in out and re.search(r"time: \d+\.\d s, pages per minute: \d+\.\d", out)
    assert re.search(r"can-bo\s+official\s+active\s+\d{4}-\d\d-\d\d", out), out
    assert "--resume takes no paths" in out
    assert "kho: error: kho-0123456789abcdef0123: no such record" in out


def test_a_wrong_command_line_is_told_in_the_language(tmp_path: Path) -> None:
    vi = kho("vi", tmp_path, "search", "--bogus")
    assert vi.returncode == 2 and vi.stdout == ""
    assert vi.stderr.splitlines() == ["Cách dùng: kho search [TÙY_CHỌN] [QUERY]...",
                                      "Xem 'kho search --help' để được hướng dẫn.",
                                      "kho: error: không có tùy chọn --bogus (chi tiết: No such option '--bogus'.)"]
    missing = kho("vi", tmp_path, "audit").stderr.splitlines()[-1]
    assert missing == "kho: error: thiếu '--purpose' (chi tiết: Missing option '--purpose'.)"
    assert kho("vi", tmp_path, "nosuch").stderr.splitlines()[-1] == "kho: error: không có lệnh 'nosuch'; xem kho --help"
    en = kho("en", tmp_path, "search", "--bogus")
    assert en.returncode == 2 and en.stderr.splitlines() == [
        "Usage: kho search [OPTIONS] [QUERY]...", "Try 'kho search --help' for help.",
        "kho: error: No such option '--bogus'."]


def test_the_language_comes_from_the_setting_like_the_other_settings(tmp_path: Path) -> None:
    """``KHO_LANGUAGE`` wins over ``kho.toml`` (``KHO_CONFIG``); a value the settings refuse falls back to
    Vietnamese for the help (the command itself then reports the bad setting)."""
    (tmp_path / "conf").mkdir()
    config = tmp_path / "conf" / "settings.toml"
    config.write_text('[kho]\nlanguage = "en"\n', "utf-8")

    def first_line(**env: str) -> str:
        full = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
        full.update(env, PYTHONPATH=str(REPO_ROOT))
        done = subprocess.run([sys.executable, "-m", "kho", "--help"], capture_output=True, text=True, env=full,
                              cwd=tmp_path, timeout=120, check=True)
        return done.stdout.splitlines()[0]

    assert first_line().startswith("Cách dùng: kho")
    assert first_line(KHO_CONFIG=str(config)).startswith("Usage: kho")
    assert first_line(KHO_CONFIG=str(config), KHO_LANGUAGE="vi").startswith("Cách dùng: kho")
    assert first_line(KHO_LANGUAGE="en").startswith("Usage: kho")
    assert first_line(KHO_LANGUAGE="fr").startswith("Cách dùng: kho")
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "kho.toml").write_text('language = "en"\n', "utf-8")
    full = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    full["PYTHONPATH"] = str(REPO_ROOT)
    here = subprocess.run([sys.executable, "-m", "kho", "--help"], capture_output=True, text=True, env=full,
                          cwd=tmp_path / "local", timeout=120, check=True)
    assert here.stdout.startswith("Usage: kho")  # ./kho.toml, as the settings read it
