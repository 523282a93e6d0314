"""Fixtures of the corpus tests: one small corpus with every level, generated once per session."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ocr.corpus import CorpusItem, generate_corpus
from ocr.corpus.degrade import LEVELS

SEED = 11


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a corpus of every kind (every level once, the first four twice) with a manifest."""
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, len(LEVELS) + 4, SEED, manifest=True)
    return folder


@pytest.fixture(scope="session")
def corpus_items(corpus_dir: Path) -> list[CorpusItem]:
    """The items of :func:`corpus_dir`, read back from disk."""
    from ocr.corpus import load_corpus

    return load_corpus(corpus_dir)


def levenshtein(a: str, b: str) -> int:
    """Edit distance between two strings (for character error rates)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
        previous = current
    return previous[-1]


def squash(text: str) -> str:
    """Text with every run of whitespace (newlines, form feeds) made one space."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def cer() -> Callable[[str, str], float]:
    """Character error rate of a reading against the truth, whitespace runs counted as one space."""

    def rate(truth: str, read: str) -> float:
        expected = squash(truth)
        return levenshtein(expected, squash(read)) / max(1, len(expected))

    return rate
