"""The one place kho starts subprocesses (tesseract, pdftoppm, pdfinfo, pdftotext).

Tesseract runs through pytesseract (:func:`tesseract`), poppler's ``pdfinfo`` and ``pdftoppm``
through pdf2image (:func:`pdf_info`, :func:`pdf_page`); what neither library does
(``pdftotext``, ``tesseract --list-langs`` with a timeout, plain-Tesseract baselines in tests and
benches) goes through :func:`run`. Every entry point here

- gives the child ``OMP_THREAD_LIMIT=1`` (we parallelise pages, not engines),
- enforces a timeout and kills the child when it runs out (both libraries kill on timeout), and
- translates the libraries' exceptions into :mod:`kho.errors` (``raise ... from e``).

The libraries start their children with this process's environment (pytesseract passes
``os.environ`` itself, pdf2image a copy of it), so :func:`limit_child_threads` sets
``OMP_THREAD_LIMIT=1`` there: the same value from every caller, so threads cannot disagree.
The argument builders (:func:`tesseract_config`, :func:`pdftotext_argv` …) are pure functions.
"""

from __future__ import annotations

import logging
import math
import os
import resource
import shlex
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdf2image
import pdf2image.exceptions as pdf_errors
import pytesseract
from PIL import Image

from kho.errors import InputError, ProcessingTimeoutError, ServiceUnavailableError

STDERR_TAIL = 300
INSTALL_HINT = "install it (Debian: tesseract-ocr tesseract-ocr-vie poppler-utils)"
# pytesseract signals a timeout with this RuntimeError message (TesseractError is a RuntimeError too).
_PYTESSERACT_TIMEOUT = "Tesseract process timeout"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    """What a finished subprocess returned."""

    argv: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def ok(self) -> bool:
        """True when the process exited with status 0."""
        return self.returncode == 0

    def stderr_text(self) -> str:
        """The last part of stderr as one line of text (for error messages)."""
        return one_line(self.stderr.decode("utf-8", "replace"))


def one_line(text: str) -> str:
    """``text`` with its whitespace folded, cut to its last :data:`STDERR_TAIL` characters."""
    return " ".join(text.split())[-STDERR_TAIL:]


def child_env(base: Mapping[str, str]) -> dict[str, str]:
    """The environment for a child: ``base`` plus one OpenMP thread and the C locale for messages."""
    env = dict(base)
    env["OMP_THREAD_LIMIT"] = "1"
    env["LC_ALL"] = "C"
    return env


def limit_child_threads() -> None:
    """Give every child that pytesseract or pdf2image starts ``OMP_THREAD_LIMIT=1``."""
    if os.environ.get("OMP_THREAD_LIMIT") != "1":
        os.environ["OMP_THREAD_LIMIT"] = "1"


def _timeout_error(program: str, timeout: float, subject: str) -> ProcessingTimeoutError:
    return ProcessingTimeoutError(
        f"{program} took longer than {timeout:g} s; the file may be damaged or too complex "
        "(raise KHO_OCR_TIMEOUT to allow more time)",
        subject=subject,
    )


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    subject: str,
    input: bytes | None = None,
    cwd: Path | None = None,
) -> RunResult:
    """Run ``argv`` with a timeout and ``OMP_THREAD_LIMIT=1``; never raises on a non-zero exit.

    Raises :class:`ProcessingTimeoutError` (naming ``subject``, usually the input file) when the
    process exceeds ``timeout`` seconds (it is killed), and :class:`ServiceUnavailableError` when
    the program is not installed or cannot start.
    """
    try:
        done = subprocess.run(
            list(argv), input=input, capture_output=True, timeout=timeout,
            env=child_env(os.environ), cwd=cwd, check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise _timeout_error(Path(argv[0]).name, timeout, subject) from e
    except FileNotFoundError as e:
        raise ServiceUnavailableError(f"program not found: {argv[0]}; {INSTALL_HINT}", subject=argv[0]) from e
    except OSError as e:
        raise ServiceUnavailableError(f"cannot start {argv[0]}: {e}", subject=argv[0]) from e
    return RunResult(tuple(argv), done.returncode, done.stdout, done.stderr)


# --- Tesseract (pytesseract) -------------------------------------------------------------------


@dataclass(frozen=True)
class TesseractJob:
    """One Tesseract run: language, page segmentation, resolution, ``-c`` variables and outputs.

    ``outputs`` are Tesseract config names (``txt``, ``tsv``, ``pdf``, ``hocr``, ``osd``); each
    writes ``<out_base>.<name>``.
    """

    lang: str
    psm: int = 3
    dpi: int | None = None
    variables: tuple[tuple[str, str], ...] = ()
    outputs: tuple[str, ...] = ("txt",)


def tesseract_config(job: TesseractJob) -> str:
    """The config string pytesseract passes on: ``--psm``, ``--dpi``, ``-c name=value`` (quoted)."""
    parts = ["--psm", str(job.psm)]
    if job.dpi:
        parts += ["--dpi", str(job.dpi)]
    for name, value in sorted(job.variables):
        parts += ["-c", f"{name}={value}"]
    # ``tsv`` is not a positional config for pytesseract: it asks for it with a variable.
    if "tsv" in job.outputs:
        parts += ["-c", "tessedit_create_tsv=1"]
    return shlex.join(parts)


@dataclass(frozen=True)
class TesseractRun:
    """How a Tesseract run ended: ``ok``, or the reason it failed (its stderr, one line)."""

    ok: bool
    error: str = ""


def tesseract(image: Path, out_base: Path, job: TesseractJob, *, timeout: float, subject: str) -> TesseractRun:
    """Run Tesseract once on ``image``, writing ``out_base.<ext>`` for each of ``job.outputs``.

    A non-zero exit is returned (``ok=False``), not raised. Raises :class:`ProcessingTimeoutError`
    when the run exceeds ``timeout`` (pytesseract kills the process) and
    :class:`ServiceUnavailableError` when Tesseract is not installed.
    """
    limit_child_threads()
    started, cpu_started = time.perf_counter(), children_cpu_seconds()
    try:
        pytesseract.pytesseract.run_tesseract(
            str(image), str(out_base), extension=" ".join(job.outputs), lang=job.lang,
            config=tesseract_config(job), timeout=timeout,
        )
    except pytesseract.TesseractNotFoundError as e:
        raise ServiceUnavailableError(f"program not found: tesseract; {INSTALL_HINT}", subject="tesseract") from e
    except pytesseract.TesseractError as e:
        return TesseractRun(False, one_line(str(e.message)))
    except RuntimeError as e:
        if str(e) != _PYTESSERACT_TIMEOUT:
            raise
        raise _timeout_error("tesseract", timeout, subject) from e
    except OSError as e:
        raise ServiceUnavailableError(f"cannot start tesseract: {e}", subject="tesseract") from e
    finally:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s", tesseract_timing(image, job, time.perf_counter() - started,
                                             children_cpu_seconds() - cpu_started))
    return TesseractRun(True)


def children_cpu_seconds() -> float:
    """User + system CPU seconds of this process's finished children (a Tesseract run's cost)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def tesseract_timing(image: Path, job: TesseractJob, wall: float, cpu: float) -> str:
    """One debug line per Tesseract run: model, page mode, outputs, image size, wall and CPU seconds.

    The profile of a page's steps (``KHO_LOG_LEVEL=DEBUG``; ``bench/ocr.py --profile``); CPU is
    the children's, so it is exact only when one run is in flight per process (kho's workers).
    """
    try:
        with Image.open(image) as opened:
            width, height = opened.size
    except OSError:
        width = height = 0
    return (f"tesseract {job.lang} psm {job.psm} {'+'.join(job.outputs)} {width}x{height}: "
            f"{wall:.3f} s wall, {cpu:.3f} s CPU")


def tesseract_argv(
    image: Path,
    out_base: Path | str,
    *,
    lang: str,
    dpi: int,
    psm: int = 3,
    outputs: Sequence[str] = ("txt", "tsv"),
    variables: Mapping[str, str] | None = None,
) -> list[str]:
    """Plain ``tesseract`` arguments, for baselines in tests and benches run with :func:`run`.

    kho itself runs Tesseract with :func:`tesseract`.
    """
    argv = ["tesseract", str(image), str(out_base), "-l", lang, "--psm", str(psm), "--dpi", str(dpi)]
    for name, value in sorted((variables or {}).items()):
        argv += ["-c", f"{name}={value}"]
    argv += list(outputs)
    return argv


def list_langs_argv() -> list[str]:
    """``tesseract --list-langs`` (pytesseract's ``get_languages`` has no timeout)."""
    return ["tesseract", "--list-langs"]


# --- poppler (pdf2image, pdftotext) -------------------------------------------------------------


def whole_seconds(timeout: float) -> int:
    """``timeout`` rounded up to whole seconds (pdf2image takes an int), at least 1."""
    return max(1, math.ceil(timeout))


def _pdf_failure(error: Exception, subject: str) -> InputError:
    """A PDF that poppler cannot read: encrypted (needs a password) or corrupt."""
    detail = one_line(str(error)) or "no details"
    lowered = detail.lower()
    if "password" in lowered or "encrypt" in lowered:
        return InputError("encrypted PDF: it needs a password; save an unprotected copy", subject=subject)
    return InputError(f"corrupt PDF: poppler cannot read it ({detail})", subject=subject)


def pdf_info(pdf: Path, *, timeout: float, subject: str, last_page: int | None = None) -> dict[str, Any]:
    """``pdfinfo`` of ``pdf`` as pdf2image's dict (``Pages``; with ``last_page`` per-page sizes).

    Raises :class:`InputError` for an encrypted or corrupt PDF, :class:`ProcessingTimeoutError`
    after ``timeout`` and :class:`ServiceUnavailableError` when poppler is not installed.
    """
    limit_child_threads()
    try:
        if last_page is None:
            return dict(pdf2image.pdfinfo_from_path(str(pdf), timeout=whole_seconds(timeout)))
        return dict(pdf2image.pdfinfo_from_path(
            str(pdf), timeout=whole_seconds(timeout), first_page=1, last_page=last_page))
    except pdf_errors.PDFPopplerTimeoutError as e:
        raise _timeout_error("pdfinfo", timeout, subject) from e
    except pdf_errors.PDFInfoNotInstalledError as e:
        raise ServiceUnavailableError(f"program not found: pdfinfo; {INSTALL_HINT}", subject="pdfinfo") from e
    except (pdf_errors.PDFPageCountError, pdf_errors.PDFSyntaxError) as e:
        raise _pdf_failure(e, subject) from e


def pdf_page(pdf: Path, *, page: int, dpi: int, timeout: float, subject: str) -> Image.Image:
    """Page ``page`` (1-based) of ``pdf`` rendered by ``pdftoppm`` at ``dpi`` (a PIL image).

    Errors as :func:`pdf_info`; a page that renders to nothing is a corrupt PDF.
    """
    limit_child_threads()
    try:
        rendered = pdf2image.convert_from_path(
            str(pdf), dpi=dpi, first_page=page, last_page=page, timeout=whole_seconds(timeout), single_file=True)
    except pdf_errors.PDFPopplerTimeoutError as e:
        raise _timeout_error("pdftoppm", timeout, subject) from e
    except pdf_errors.PopplerNotInstalledError as e:
        raise ServiceUnavailableError(f"program not found: pdftoppm; {INSTALL_HINT}", subject="pdftoppm") from e
    except (pdf_errors.PDFPageCountError, pdf_errors.PDFSyntaxError) as e:
        raise _pdf_failure(e, subject) from e
    except (OSError, ValueError) as e:  # Pillow cannot decode what pdftoppm printed
        raise _pdf_failure(e, subject) from e
    if not rendered:
        raise InputError(f"page {page} did not render", subject=subject)
    return rendered[0]


def pdftotext_argv(pdf: Path, *, first: int | None = None, last: int | None = None) -> list[str]:
    """``pdftotext -layout`` arguments that print the text layer of ``pdf`` (pages split by form feeds)."""
    argv = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first is not None:
        argv += ["-f", str(first)]
    if last is not None:
        argv += ["-l", str(last)]
    return [*argv, str(pdf), "-"]
