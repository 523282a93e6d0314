"""Cross-checks between fields: the issuer's unit name and the place usually name the same unit.

When OCR damaged one of them (``UBND thành phố Họi An`` beside ``Hội An, ngày …``), the spelling
that occurs more often in the document's text wins.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from ocr.fields.model import FieldValue
from ocr.fields.textnorm import fold

__all__ = ["reconcile_issuer_and_place"]

_SIMILAR = 0.7


def _count(texts: Sequence[str], name: str) -> int:
    pattern = re.compile(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)")
    return sum(len(pattern.findall(t.lower())) for t in texts)


def reconcile_issuer_and_place(
    texts: Sequence[str], issuer: FieldValue | None, place: FieldValue | None
) -> tuple[FieldValue | None, FieldValue | None]:
    """Issuer and place with the better-attested spelling of their shared unit name.

    Applies only when the issuer ends with the place's words up to small OCR damage (folded
    similarity ≥ 0.7) and the two spellings differ; the corrected value loses 0.05 confidence.
    """
    if issuer is None or place is None:
        return issuer, place
    words = issuer.value.split(" ")
    size = len(place.value.split(" "))
    name = " ".join(words[-size:])
    if name == place.value or len(words) <= size:
        return issuer, place
    ratio = difflib.SequenceMatcher(None, fold(name).lower(), fold(place.value).lower()).ratio()
    if ratio < _SIMILAR:
        return issuer, place
    if _count(texts, place.value) > _count(texts, name):
        fixed = " ".join([*words[:-size], place.value])
        return FieldValue(fixed, issuer.confidence - 0.05, issuer.evidence), place
    if _count(texts, name) > _count(texts, place.value):
        return issuer, FieldValue(name, place.confidence - 0.05, place.evidence)
    return issuer, place
