"""Generate a synthetic scan corpus with ground truth, and read one back.

Document ``i`` of a corpus with seed ``s`` is decided by generators seeded with ``(s, i, k)``:
``k=0`` the content, ``k=1`` the drawing (seal, signature), ``k=2`` the degradation. The same seed
therefore gives the same truth files and, for the ``clean`` level, the same pixels. Documents take
the levels in turn (document ``i`` gets ``levels[i % len(levels)]``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kho.errors import InputError, NotFoundError, UsageError
from ocr.corpus.compose import compose_document
from ocr.corpus.degrade import LEVELS, LevelSpec, degrade_page
from ocr.corpus.doctypes import DocType, resolve_kinds
from ocr.corpus.fonts import DEFAULT_FONT_DIRS, FontBook, FontFamily, find_families
from ocr.corpus.model import FORMATS, CorpusItem, PageTruth
from ocr.corpus.people import load_province_codes
from ocr.corpus.render import render_document
from ocr.corpus.writer import (
    encode_pages,
    write_bytes,
    write_corpus_index,
    write_manifest,
    write_truth,
    write_truth_lines,
)

__all__ = ["DEFAULT_LEVELS", "MAX_DOCUMENTS", "choose_format", "generate_corpus", "load_corpus"]

DEFAULT_LEVELS: tuple[str, ...] = tuple(LEVELS)
MAX_DOCUMENTS = 100_000


def choose_format(level: str, page_count: int, rng: np.random.Generator) -> str:
    """The file format of a document: one-page images as PNG or JPEG, several pages as TIFF or PDF."""
    if level == "pdf200":
        return "pdf"
    if level in ("medium", "heavy", "photo", "photo180", "speckle"):
        return "jpeg" if page_count == 1 else "pdf"
    if page_count > 1:
        return "tiff" if rng.random() < 0.7 else "pdf"
    return "png" if rng.random() < 0.7 else "tiff"


def _check_levels(levels: Sequence[str] | None) -> tuple[str, ...]:
    chosen = tuple(levels) if levels else DEFAULT_LEVELS
    for level in chosen:
        if level not in LEVELS:
            raise UsageError(f"unknown level; choose from {', '.join(LEVELS)}", subject=level)
    return chosen


def _pick_family(families: Sequence[FontFamily], rng: np.random.Generator) -> FontFamily:
    # Liberation Serif (Times New Roman metrics, as real decrees use) for most documents.
    weights = np.array([3.0 if f.name == "Liberation Serif" else 1.0 for f in families])
    return families[int(rng.choice(len(families), p=weights / weights.sum()))]


def _make_item(
    folder: Path, index: int, seed: int, spec: LevelSpec, families: Sequence[FontFamily], codes: list[str],
    kinds: tuple[tuple[DocType, ...], tuple[float, ...]],
) -> CorpusItem:
    content_rng, draw_rng, degrade_rng = (np.random.default_rng([seed, index, k]) for k in range(3))
    composed = compose_document(content_rng, codes, allow_long=not spec.photo, kinds=kinds[0], weights=kinds[1])
    family = _pick_family(families, content_rng)
    rendered = render_document(composed.document, FontBook(family), draw_rng)
    if spec.photo and len(rendered) > 1:  # a photo shows one page: redraw in the narrowest family
        rendered = render_document(composed.document, FontBook(families[0]), np.random.default_rng([seed, index, 1]))
    colour = bool(degrade_rng.random() < spec.colour_share)
    rotation = int(degrade_rng.choice(list(spec.turns))) if spec.quarter_turn else 0
    fmt = choose_format(spec.name, len(rendered), degrade_rng)
    images, truths, dpi = [], [], spec.dpi
    for number, page in enumerate(rendered):
        degraded = degrade_page(page.image, spec, degrade_rng, colour=colour, rotation=rotation,
                                layout=page if number == 0 else None)
        images.append(degraded.image)
        height, width = degraded.image.shape[:2]
        truths.append(PageTruth(page.text, width, height, degraded.rotation, degraded.skew))
        dpi = degraded.dpi
    doc_id = f"doc{index:04d}"
    file = f"{doc_id}.{FORMATS[fmt]}"
    write_bytes(folder / file, encode_pages(images, fmt, dpi, spec.jpeg_quality))
    item = CorpusItem(
        id=doc_id, path=folder / file, truth_path=folder / f"{doc_id}.truth.json", file=file,
        level=spec.name, format=fmt, kind=composed.doctype.key, colour=colour, dpi=dpi,
        rotation=truths[0].rotation, skew=truths[0].skew, pages=tuple(truths), fields=composed.fields,
    )
    write_truth(item)
    return item


def generate_corpus(
    out_dir: Path,
    n: int,
    seed: int,
    levels: Sequence[str] | None = None,
    *,
    manifest: bool = False,
    font_dirs: Sequence[Path] = DEFAULT_FONT_DIRS,
    kinds: Sequence[str] | None = None,
) -> list[CorpusItem]:
    """Render ``n`` documents into ``out_dir`` with their truth files, ``truth.jsonl`` and ``corpus.json``.

    ``levels`` defaults to all of :data:`~ocr.corpus.degrade.LEVELS`; ``kinds`` to every document
    kind (``all``; or groups ``legacy``, ``results``, ``admin``, ``legal`` and kind keys, see
    :func:`~ocr.corpus.doctypes.resolve_kinds`); ``manifest`` also writes the ingest ``manifest.csv``.
    Raises :class:`~kho.errors.UsageError` for a bad count, level or kind and
    :class:`~kho.errors.ConfigError` when no font with Vietnamese letters is installed.
    """
    chosen = _check_levels(levels)
    pool = resolve_kinds(kinds)
    if not 1 <= n <= MAX_DOCUMENTS:
        raise UsageError(f"the number of documents must be between 1 and {MAX_DOCUMENTS}, not {n}", subject="n")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError("exists and is not a folder; choose another output folder", subject=str(out_dir))
    families = find_families(font_dirs)
    codes = sorted(load_province_codes())
    out_dir.mkdir(parents=True, exist_ok=True)
    items = [_make_item(out_dir, i, seed, LEVELS[chosen[i % len(chosen)]], families, codes, pool) for i in range(n)]
    write_truth_lines(out_dir, items)
    write_corpus_index(out_dir, items, seed, chosen)
    if manifest:
        write_manifest(out_dir, items)
    return items


def load_corpus(folder: Path) -> list[CorpusItem]:
    """The items of the corpus in ``folder`` (read from ``corpus.json`` and the truth files)."""
    index_path = folder / "corpus.json"
    if not index_path.is_file():
        raise NotFoundError("no corpus.json here; generate one with `kho corpus DIR`", subject=str(folder))
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
        items = []
        for entry in index["items"]:
            truth = json.loads((folder / entry["truth"]).read_text(encoding="utf-8"))
            items.append(CorpusItem.from_json(truth, folder))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"corpus files are unreadable or malformed ({e})", subject=str(folder)) from e
    return items
