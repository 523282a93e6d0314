"""Find serif fonts that cover Vietnamese and load them at the sizes a page needs.

Fonts are looked up by file name under the usual font folders at run time. A family counts only
when its four styles exist and its regular face has real glyphs for Vietnamese letters: the old
``fonts-liberation`` package has the file names but draws empty boxes for ``ặ``, ``ễ`` and ``ữ``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import ImageFont

from kho.errors import ConfigError

__all__ = ["DEFAULT_FONT_DIRS", "STYLES", "FontBook", "FontFamily", "covers_vietnamese", "find_families"]

DEFAULT_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
)
STYLES: tuple[str, ...] = ("regular", "bold", "italic", "bolditalic")

# Family name -> file names of (regular, bold, italic, bold italic); preferred first.
CANDIDATES: tuple[tuple[str, tuple[str, str, str, str]], ...] = (
    ("Liberation Serif", ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
                          "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf")),
    ("TeX Gyre Termes", ("texgyretermes-regular.otf", "texgyretermes-bold.otf",
                         "texgyretermes-italic.otf", "texgyretermes-bolditalic.otf")),
    ("Noto Serif", ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf",
                    "NotoSerif-Italic.ttf", "NotoSerif-BoldItalic.ttf")),
    ("DejaVu Serif", ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
                      "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf")),
)
VIETNAMESE_SAMPLE = "ẠặễộửỹĐđƯươẩỗ"
_MISSING = "\U0010fffd"  # a private-use code point no text font draws: its mask is the .notdef box


@dataclass(frozen=True)
class FontFamily:
    """A serif family: its name and the file of each style (``regular``, ``bold``, ``italic``, ``bolditalic``)."""

    name: str
    files: tuple[tuple[str, Path], ...]

    def path(self, style: str) -> Path:
        """The font file of ``style``."""
        return dict(self.files)[style]


def covers_vietnamese(path: Path, sample: str = VIETNAMESE_SAMPLE) -> bool:
    """True when the font at ``path`` draws a real glyph (not .notdef, not blank) for each sample letter."""
    try:
        font = ImageFont.truetype(str(path), 40, layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        return False
    missing = bytes(font.getmask(_MISSING))
    for char in sample:
        mask = font.getmask(char)
        if mask.getbbox() is None or bytes(mask) == missing:
            return False
    return True


def _index_files(dirs: Iterable[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in (".ttf", ".otf") and path.name not in found:
                found[path.name] = path
    return found


def find_families(dirs: Sequence[Path] = DEFAULT_FONT_DIRS) -> list[FontFamily]:
    """Every candidate serif family under ``dirs`` with all four styles and Vietnamese coverage.

    Raises :class:`~kho.errors.ConfigError` naming the folders searched when none is usable.
    """
    index = _index_files(dirs)
    families = []
    for name, files in CANDIDATES:
        if not all(f in index for f in files):
            continue
        paths = tuple((style, index[f]) for style, f in zip(STYLES, files, strict=True))
        if all(covers_vietnamese(p) for _, p in paths):
            families.append(FontFamily(name, paths))
    if not families:
        searched = ", ".join(str(d) for d in dirs)
        raise ConfigError(
            f"no serif font with Vietnamese letters found under {searched}; install fonts-liberation2 "
            "(Liberation Serif 2), fonts-noto-core or fonts-dejavu",
            subject="fonts",
        )
    return families


@dataclass
class FontBook:
    """Loaded faces of one family at one resolution, cached by (style, size in points)."""

    family: FontFamily
    dpi: int = 300
    _cache: dict[tuple[str, float], ImageFont.FreeTypeFont] = field(default_factory=dict, repr=False)

    def font(self, style: str, size_pt: float) -> ImageFont.FreeTypeFont:
        """The face of ``style`` at ``size_pt`` points (pixels = points × dpi / 72)."""
        key = (style, size_pt)
        if key not in self._cache:
            pixels = round(size_pt * self.dpi / 72)
            self._cache[key] = ImageFont.truetype(
                str(self.family.path(style)), pixels, layout_engine=ImageFont.Layout.BASIC
            )
        return self._cache[key]
