"""Corrections of a batch's manifest rows, kept beside the batch's copy of its manifest.

The manifest file as uploaded is never modified. A corrected row is kept in
``DATA_DIR/manifests/corrections/batch-<id>.json`` (its cells as corrected, and the history of
corrections: who, when, old → new), and :func:`with_corrections` puts the corrected rows in place
of the uploaded ones when a run plans the batch (``ingest.service``), each checked again by
:func:`ingest.manifest.validate_row`, the one rule of a row. Written atomically (temp file, fsync,
rename), so a run reading it never sees half a file.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.manifest import COLUMNS, Manifest, ManifestRow, validate_row
from kho.errors import InputError

#: Columns a correction may change: every column but those naming the row's file and document
#: (they say which batch item the row belongs to; changing them would make it another item).
EDITABLE: tuple[str, ...] = tuple(c for c in COLUMNS if c not in ("file", "document"))
_DUPLICATE = "file listed twice"


@dataclass(frozen=True)
class RowCorrection:
    """One correction of a manifest row: its number, who, when (ISO), the cells before and after."""

    line: int
    by: str
    at: str
    old: dict[str, str]
    new: dict[str, str]


def corrections_path(data_dir: Path, batch_id: int) -> Path:
    """Where batch ``batch_id`` keeps its manifest corrections."""
    return data_dir / "manifests" / "corrections" / f"batch-{batch_id}.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {"rows": {}, "history": []}
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read the batch's manifest corrections: {e}", subject=str(path)) from e
    if not isinstance(data, dict) or not isinstance(data.get("rows"), dict):
        raise InputError("the batch's manifest corrections file is not kho's format", subject=str(path))
    return data


def load_corrections(data_dir: Path, batch_id: int) -> dict[int, dict[str, str]]:
    """The corrected cells of each corrected row (by row number) of a batch's manifest; ``{}`` if none."""
    rows = _read(corrections_path(data_dir, batch_id))["rows"]
    return {
        int(line): {str(k): str(v) for k, v in cells.items() if k in EDITABLE}
        for line, cells in rows.items()
        if str(line).isdigit() and isinstance(cells, dict)
    }


def save_correction(data_dir: Path, batch_id: int, correction: RowCorrection) -> None:
    """Record ``correction`` (its cells replace the row's; the history keeps every correction).

    Two corrections of one batch saved at once (two archivists, two web workers) are written one
    after the other under an exclusive lock, so neither is lost.
    """
    path = corrections_path(data_dir, batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = _read(path)
        data["rows"][str(correction.line)] = correction.new
        data.setdefault("history", []).append(
            {"line": correction.line, "by": correction.by, "at": correction.at, "old": correction.old,
             "new": correction.new}
        )
        tmp = path.with_name(path.name + ".part")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)


def corrected_row(row: ManifestRow, cells: Mapping[str, str]) -> ManifestRow:
    """``row`` with its editable cells replaced by ``cells``, validated by :func:`validate_row`.

    The row keeps its number, file and document; a "listed twice" problem of its file stays.
    """
    header = list(COLUMNS)
    values = {"file": row.raw.get("file", row.file), "document": row.document}
    values.update({c: cells.get(c, "") for c in EDITABLE})
    checked = validate_row(row.line, header, [values[c] for c in header])
    kept = tuple(p for p in row.problems if p.startswith(_DUPLICATE))
    return replace(checked, problems=(*checked.problems, *kept)) if kept else checked


def with_corrections(manifest: Manifest | None, corrections: Mapping[int, Mapping[str, str]]) -> Manifest | None:
    """``manifest`` with each corrected row in place of the uploaded one (``None`` stays ``None``)."""
    if manifest is None or not corrections:
        return manifest
    rows = tuple(corrected_row(r, corrections[r.line]) if r.line in corrections else r for r in manifest.rows)
    return replace(manifest, rows=rows)
