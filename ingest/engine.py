"""Which Tesseract and which language data read the pages: recorded in every record's provenance.

:func:`engine_identity` asks Tesseract once per process (``tesseract --version`` and ``tesseract
--list-langs``, through the one subprocess chokepoint :func:`ocr.runner.run`) and hashes the
``<lang>.traineddata`` files the OCR language uses; the result is cached, so the ingest hot path
only reads a cached value. Parsing Tesseract's output is pure (:func:`parse_version`,
:func:`parse_tessdata_dir`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kho.errors import ServiceUnavailableError
from ocr import runner

_VERSION = re.compile(r"^tesseract\s+v?(\S+)", re.IGNORECASE)
_TESSDATA = re.compile(r'languages in "([^"]+)"')


@dataclass(frozen=True)
class EngineIdentity:
    """The Tesseract version and the SHA-256 of each traineddata file used, by language code."""

    version: str | None
    language_data: dict[str, str] = field(default_factory=dict)


def version_argv() -> list[str]:
    """``tesseract --version``."""
    return ["tesseract", "--version"]


def parse_version(output: str) -> str | None:
    """``5.3.0`` from the first line of ``tesseract --version`` (``tesseract 5.3.0``); ``None`` if absent."""
    for line in output.splitlines():
        match = _VERSION.match(line.strip())
        if match:
            return match.group(1)
    return None


def parse_tessdata_dir(output: str) -> Path | None:
    """The folder named by ``tesseract --list-langs`` (``List of available languages in "DIR" (3):``)."""
    match = _TESSDATA.search(output)
    return Path(match.group(1)) if match else None


def traineddata_sha256(folder: Path, lang: str) -> dict[str, str]:
    """``{code: sha256}`` of ``folder/<code>.traineddata`` for each code of ``lang`` (``vie+eng``) found."""
    out: dict[str, str] = {}
    for code in (c for c in lang.split("+") if c):
        path = folder / f"{code}.traineddata"
        try:
            with open(path, "rb") as fh:
                out[code] = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError:
            continue
    return out


@functools.cache
def engine_identity(lang: str, timeout: float) -> EngineIdentity:
    """The identity of the Tesseract reading ``lang`` in this process (asked once, then cached).

    Raises :class:`ServiceUnavailableError` if Tesseract does not run (ingest has already checked
    that it does, see ``ingest.service.ocr_options``).
    """
    done = runner.run(version_argv(), timeout=timeout, subject="tesseract")
    # Tesseract 3 printed its version on stderr; 4 and later on stdout.
    version = parse_version((done.stdout + b"\n" + done.stderr).decode("utf-8", "replace"))
    if not done.ok and version is None:
        raise ServiceUnavailableError(f"tesseract --version failed: {done.stderr_text()}", subject="tesseract")
    langs = runner.run(runner.list_langs_argv(), timeout=timeout, subject="tesseract")
    folder = parse_tessdata_dir((langs.stdout + b"\n" + langs.stderr).decode("utf-8", "replace"))
    return EngineIdentity(version, traineddata_sha256(folder, lang) if folder is not None else {})
