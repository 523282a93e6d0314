"""The English catalog is complete, compiled, NFC, and keeps every placeholder of its Vietnamese text."""

from __future__ import annotations

import gettext
import re
import unicodedata
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "web"
PO = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
METHODS = [("pages/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _catalog() -> dict[str, str]:
    with PO.open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh) if m.id}


def test_every_text_of_the_pages_has_an_english_translation() -> None:
    found = {str(message) for _, _, message, _, _ in extract_from_dir(
        WEB, METHODS, options_map=OPTIONS, keywords=KEYWORDS)}
    catalog = _catalog()
    missing = sorted(m for m in found if not catalog.get(m))
    assert not missing, f"add these to {PO} (see docs/ui.md): {missing}"


def test_the_compiled_catalog_matches_its_source() -> None:
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for msgid, msgstr in _catalog().items():
        assert compiled.gettext(msgid) == msgstr, f"recompile {MO} (pybabel compile, see docs/ui.md): {msgid!r}"


def test_texts_are_nfc_and_keep_their_placeholders() -> None:
    for msgid, msgstr in _catalog().items():
        assert unicodedata.is_normalized("NFC", msgid) and unicodedata.is_normalized("NFC", msgstr)
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr)), msgid
    for template in (WEB / "templates").glob("*.html"):
        assert unicodedata.is_normalized("NFC", template.read_text("utf-8")), template.name
