"""Parsing Tesseract's outputs (pure functions)."""

from __future__ import annotations

from ocr.recognize import Word, mean_confidence, parse_langs, parse_osd, parse_tsv

TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n"
    "4\t1\t1\t1\t1\t0\t100\t100\t500\t40\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t100\t100\t120\t40\t96.5\t\u00d0iều\n"
    "5\t1\t1\t1\t1\t2\t230\t100\t20\t40\t50\t1.\n"
    "5\t1\t1\t1\t1\t3\t260\t100\t20\t40\t95\t \n"
)


def test_parse_tsv_keeps_words_with_text_and_fixes_homoglyphs() -> None:
    words = parse_tsv(TSV)
    assert [w.text for w in words] == ["Điều", "1."]
    assert words[0].confidence == 96.5
    assert (words[0].left, words[0].top, words[0].width, words[0].height) == (100, 100, 120, 40)
    assert words[0].line == (1, 1, 1)


def test_mean_confidence_is_weighted_by_length() -> None:
    words = (Word("Điều", 100.0, 0, 0, 1, 1, (1, 1, 1)), Word("1.", 40.0, 0, 0, 1, 1, (1, 1, 1)))
    assert mean_confidence(words) == 80.0
    assert mean_confidence(()) == 0.0


def test_parse_osd() -> None:
    out = "Page number: 0\nOrientation in degrees: 90\nRotate: 270\nOrientation confidence: 19.10\n"
    found = parse_osd(out)
    assert found is not None
    assert (found.rotation, found.confidence) == (270, 19.1)
    assert parse_osd("Too few characters. Skipping this page") is None


def test_parse_langs() -> None:
    out = 'List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):\neng\nosd\nvie\n'
    assert parse_langs(out) == frozenset({"eng", "osd", "vie"})
