"""``kho corpus``: write a synthetic scan corpus with ground truth."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from kho.cli.lang import command, t
from kho.context import CliContext
from kho.errors import UsageError

__all__ = ["corpus", "parse_levels"]


def parse_levels(text: str | None) -> tuple[str, ...] | None:
    """``"clean,heavy"`` -> ``("clean", "heavy")``; None or empty means every level."""
    from ocr.corpus.degrade import LEVELS

    if not text:
        return None
    levels = tuple(part.strip() for part in text.split(",") if part.strip())
    for level in levels:
        if level not in LEVELS:
            raise UsageError(t(f"mức không có; chọn trong {', '.join(LEVELS)}",
                               f"unknown level; choose from {', '.join(LEVELS)}"), subject=f"--levels {level}")
    return levels or None


class LevelsOption(click.Option):
    """``--levels``: its help names the levels, read from :mod:`ocr.corpus.degrade` only when help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """The option's help line with ``{levels}`` filled in (imports OpenCV: only for ``--help``)."""
        from ocr.corpus.degrade import LEVELS

        record = super().get_help_record(ctx)
        if record is None:
            return None
        return record[0], record[1].replace("{levels}", ",".join(LEVELS))


@command(
    "corpus",
    "Tạo văn bản hành chính tiếng Việt giả lập kèm đáp án vào thư mục OUT_DIR.\n\n"
    "Mỗi văn bản được ghi thành DIR/<id>.<png|jpg|tif|pdf> kèm DIR/<id>.truth.json (chữ và các trường "
    "đúng); DIR/corpus.json liệt kê tất cả, DIR/truth.jsonl chứa đáp án các trường theo dạng "
    "real-admin/fields.jsonl. Xem docs/corpus.md.",
    "Render synthetic Vietnamese administrative documents with ground truth into OUT_DIR.\n\n"
    "Each document is written as DIR/<id>.<png|jpg|tif|pdf> with DIR/<id>.truth.json (exact text and "
    "fields); DIR/corpus.json lists them all, DIR/truth.jsonl holds the field truth in the shape of "
    "real-admin/fields.jsonl. See docs/corpus.md.",
)
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--n", "count", type=int, default=14, show_default=True, help=t("Số văn bản.", "Number of documents."))
@click.option("--seed", type=int, default=0, show_default=True,
              help=t("Hạt giống: cùng hạt giống cho cùng bộ văn bản.", "Seed: the same seed gives the same corpus."))
@click.option("--levels", default=None, metavar="L1,L2,…", cls=LevelsOption,
              help=t("Các mức làm xấu ảnh, lần lượt (mặc định tất cả: {levels}).",
                     "Degradation levels taken in turn (default all: {levels})."))
@click.option("--kinds", default=None, metavar="K1,K2,…",
              help=t("Loại văn bản: all (mặc định), legacy, results, admin, legal hoặc mã loại (docs/corpus.md).",
                     "Document kinds: all (default), legacy, results, admin, legal or kind keys (docs/corpus.md)."))
@click.option("--manifest", is_flag=True, help=t("Ghi thêm manifest.csv theo mẫu bảng kê của kho ingest.",
                                                 "Also write manifest.csv in the ingest manifest format."))
@click.pass_obj
def corpus(
    obj: CliContext, out_dir: Path, count: int, seed: int, levels: str | None, kinds: str | None, manifest: bool
) -> None:
    """Generate the corpus and print what was written."""
    from ocr.corpus.generate import generate_corpus

    del obj  # the corpus needs no settings or backends
    kind_names = [part.strip() for part in kinds.split(",") if part.strip()] if kinds else None
    items = generate_corpus(out_dir, count, seed, parse_levels(levels), manifest=manifest, kinds=kind_names)
    pages = sum(len(item.pages) for item in items)
    per_level = Counter(item.level for item in items)
    summary = ", ".join(f"{level} {number}" for level, number in per_level.items())
    click.echo(t(f"Đã tạo {len(items)} văn bản ({pages} trang) trong {out_dir}: {summary}",
                 f"Documents written: {len(items)} (pages: {pages}) to {out_dir}: {summary}"))
    click.echo(t(f"Danh sách: {out_dir}/corpus.json", f"List: {out_dir}/corpus.json"))
