"""A corpus item as read back from its truth file, and the truth-file JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocr.corpus.templates import TruthFields

__all__ = ["FORMATS", "CorpusItem", "PageTruth"]

#: Output formats: file extension of each.
FORMATS: dict[str, str] = {"png": "png", "jpeg": "jpg", "tiff": "tif", "pdf": "pdf"}


@dataclass(frozen=True)
class PageTruth:
    """One page of an item: its exact text, pixel size, quarter-turn rotation and skew."""

    text: str
    width: int
    height: int
    rotation: int
    skew: float

    def to_json(self) -> dict[str, Any]:
        """``{"text", "width", "height", "rotation", "skew"}``."""
        return {"text": self.text, "width": self.width, "height": self.height,
                "rotation": self.rotation, "skew": self.skew}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageTruth:
        """Read back what :meth:`to_json` wrote."""
        return cls(str(data["text"]), int(data["width"]), int(data["height"]), int(data["rotation"]),
                   float(data["skew"]))


@dataclass(frozen=True)
class CorpusItem:
    """One synthetic document on disk with its ground truth.

    ``path`` is the scan (``DIR/<id>.<ext>``), ``truth_path`` its ``<id>.truth.json``; ``file`` the
    scan's name relative to the corpus folder. ``rotation`` (clockwise quarter turns, in degrees) and
    ``skew`` (degrees, counter-clockwise positive) are those of the first page; every page has its own
    in ``pages``. ``dpi`` is the scan resolution (for photos an estimate of the page's resolution).
    """

    id: str
    path: Path
    truth_path: Path
    file: str
    level: str
    format: str
    kind: str
    colour: bool
    dpi: int
    rotation: int
    skew: float
    pages: tuple[PageTruth, ...]
    fields: TruthFields

    @property
    def text(self) -> str:
        """The whole text: pages joined by form feeds."""
        return "\f".join(page.text for page in self.pages)

    @property
    def page_texts(self) -> tuple[str, ...]:
        """The text of each page."""
        return tuple(page.text for page in self.pages)

    def to_json(self) -> dict[str, Any]:
        """The truth file's JSON object."""
        return {
            "id": self.id,
            "file": self.file,
            "level": self.level,
            "format": self.format,
            "kind": self.kind,
            "colour": self.colour,
            "dpi": self.dpi,
            "rotation": self.rotation,
            "skew": self.skew,
            "pages": [page.to_json() for page in self.pages],
            "text": self.text,
            "fields": self.fields.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], folder: Path) -> CorpusItem:
        """An item from its truth JSON; paths are resolved inside ``folder``."""
        return cls(
            id=str(data["id"]),
            path=folder / str(data["file"]),
            truth_path=folder / f"{data['id']}.truth.json",
            file=str(data["file"]),
            level=str(data["level"]),
            format=str(data["format"]),
            kind=str(data["kind"]),
            colour=bool(data["colour"]),
            dpi=int(data["dpi"]),
            rotation=int(data["rotation"]),
            skew=float(data["skew"]),
            pages=tuple(PageTruth.from_json(page) for page in data["pages"]),
            fields=TruthFields.from_json(data["fields"]),
        )
