"""Encode degraded pages as PNG, JPEG, multi-page TIFF or PDF, and write truth, index and manifest.

Encoders are pure (arrays in, bytes out) and deterministic: no timestamps go into the files.
Files are written through a temporary name and renamed, so a corpus folder never holds half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import img2pdf
import numpy as np
from PIL import Image

from ocr.corpus.model import CorpusItem

__all__ = [
    "MANIFEST_COLUMNS",
    "encode_pages",
    "manifest_rows",
    "manifest_text",
    "truth_line",
    "write_bytes",
    "write_corpus_index",
    "write_manifest",
    "write_truth",
    "write_truth_lines",
]

MANIFEST_COLUMNS = ("file", "document", "citizen_id", "document_type", "document_number", "issued_on",
                    "issuer", "locality", "holder_name", "procedure_code", "notes")


def _pil(image: np.ndarray) -> Image.Image:
    return Image.fromarray(image, mode="L" if image.ndim == 2 else "RGB")


def _jpeg(image: np.ndarray, dpi: int, quality: int) -> bytes:
    out = io.BytesIO()
    _pil(image).save(out, format="JPEG", quality=quality, dpi=(dpi, dpi), optimize=False)
    return out.getvalue()


def _png(image: np.ndarray, dpi: int) -> bytes:
    out = io.BytesIO()
    _pil(image).save(out, format="PNG", dpi=(dpi, dpi), compress_level=3)
    return out.getvalue()


def encode_pages(pages: Sequence[np.ndarray], fmt: str, dpi: int, quality: int | None = None) -> bytes:
    """The bytes of a ``png``/``jpeg`` (one page), multi-page ``tiff`` or ``pdf`` holding ``pages``.

    PDF pages are embedded as JPEG when ``quality`` is given, else as PNG, at ``dpi`` (so an A4
    raster gives an A4 page).
    """
    if fmt in ("png", "jpeg") and len(pages) != 1:
        raise ValueError(f"{fmt} holds one page, not {len(pages)}")
    if fmt == "png":
        return _png(pages[0], dpi)
    if fmt == "jpeg":
        return _jpeg(pages[0], dpi, quality or 90)
    if fmt == "tiff":
        out = io.BytesIO()
        first, *rest = [_pil(page) for page in pages]
        first.save(out, format="TIFF", save_all=True, append_images=rest, compression="tiff_lzw",
                   dpi=(dpi, dpi))
        return out.getvalue()
    if fmt == "pdf":
        encoded = [_jpeg(p, dpi, quality) if quality else _png(p, dpi) for p in pages]
        layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
        return bytes(img2pdf.convert(encoded, layout_fun=layout, nodate=True, engine=img2pdf.Engine.internal))
    raise ValueError(f"unknown format {fmt!r}")


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename (never a half-written file)."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_truth(item: CorpusItem) -> None:
    """Write ``<id>.truth.json`` beside the scan."""
    write_bytes(item.truth_path, _json_bytes(item.to_json()))


def write_corpus_index(folder: Path, items: Sequence[CorpusItem], seed: int, levels: Sequence[str]) -> Path:
    """Write ``corpus.json``: the seed, the levels and one entry per item; returns its path."""
    index = {
        "version": 1,
        "seed": seed,
        "n": len(items),
        "levels": list(levels),
        "items": [
            {"id": item.id, "file": item.file, "truth": item.truth_path.name, "level": item.level,
             "format": item.format, "pages": len(item.pages), "kind": item.kind}
            for item in items
        ],
    }
    path = folder / "corpus.json"
    write_bytes(path, _json_bytes(index))
    return path


def truth_line(item: CorpusItem) -> dict[str, Any]:
    """One ``truth.jsonl`` object in the shape of ``real-admin/fields.jsonl``.

    ``citizen_ids`` holds the citizen IDs and the CMND numbers (the scorer counts a reader's
    ``citizen_ids`` and ``cmnd_ids`` against it); ``level`` and ``kind`` are extra keys.
    """
    f = item.fields
    return {
        "file": item.file,
        "document_type": f.document_type,
        "document_number": f.document_number,
        "issued_on": f.issued_on,
        "issuer": f.issuer,
        "issuer_parent": f.issuer_parent,
        "place": f.place,
        "signer": f.signer,
        "title": f.title,
        "holder_name": f.holder_name,
        "citizen_ids": [*f.citizen_ids, *f.cmnd_ids],
        "alt": {name: list(values) for name, values in f.alt},
        "level": item.level,
        "kind": item.kind,
    }


def write_truth_lines(folder: Path, items: Sequence[CorpusItem]) -> Path:
    """Write ``truth.jsonl`` (one :func:`truth_line` per item) for ``score_fields.py``."""
    text = "".join(json.dumps(truth_line(item), ensure_ascii=False) + "\n" for item in items)
    path = folder / "truth.jsonl"
    write_bytes(path, text.encode("utf-8"))
    return path


def manifest_rows(items: Sequence[CorpusItem]) -> list[dict[str, str]]:
    """One ingest-manifest row per file (``file`` relative to the corpus folder, ``issued_on`` ISO)."""
    rows = []
    for item in items:
        f = item.fields
        rows.append({
            "file": item.file,
            "document": item.id,
            "citizen_id": f.citizen_ids[0] if f.citizen_ids else "",
            "document_type": f.document_type,
            "document_number": f.document_number,
            "issued_on": f.issued_on,
            "issuer": f.issuer,
            "locality": f.locality or "",
            "holder_name": f.holder_name or "",
            "procedure_code": "",
            "notes": f"synthetic; level={item.level}",
        })
    return rows


def manifest_text(rows: Sequence[Mapping[str, str]], columns: Sequence[str] = MANIFEST_COLUMNS) -> str:
    """A manifest's CSV text: a header row of ``columns``, then ``rows`` (``\n`` line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_manifest(folder: Path, items: Sequence[CorpusItem]) -> Path:
    """Write ``manifest.csv`` (UTF-8 without BOM, header row, the ingest manifest columns)."""
    path = folder / "manifest.csv"
    write_bytes(path, manifest_text(manifest_rows(items)).encode("utf-8"))
    return path
