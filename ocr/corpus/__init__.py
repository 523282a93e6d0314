"""Synthetic scan corpus with ground truth: Vietnamese administrative documents (Decree 30 layout).

``generate_corpus(out_dir, n, seed, levels)`` renders documents, degrades them (clean … photo,
pdf200) and writes scans with ``<id>.truth.json`` files; ``load_corpus(dir)`` reads them back as
:class:`CorpusItem`. The format is documented in ``docs/corpus.md``.
"""

from __future__ import annotations

from ocr.corpus.degrade import LEVELS
from ocr.corpus.generate import DEFAULT_LEVELS, generate_corpus, load_corpus
from ocr.corpus.model import CorpusItem, PageTruth
from ocr.corpus.templates import TruthFields

__all__ = ["DEFAULT_LEVELS", "LEVELS", "CorpusItem", "PageTruth", "TruthFields", "generate_corpus", "load_corpus"]
