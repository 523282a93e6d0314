"""The ``kho`` command line: one click group, one error handler.

Each area's commands live in their own module of this package (``kho.cli.ocr``, ``kho.cli.search``,
...). The group lists them from :data:`COMMANDS` without importing them (:class:`~kho.cli.lazy.LazyGroup`):
``kho --help`` and ``kho ocr --help`` import no OpenCV, numpy, SQLAlchemy, Elasticsearch, MinIO, Flask
or pydantic; heavy modules are imported inside the command bodies. Adding a command is a loader
function and one :class:`~kho.cli.lazy.LazyCommand` line. Commands get a :class:`kho.context.CliContext`
from ``ctx.obj`` (settings read on first use) and call the same service functions as the web views.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from kho import __version__
from kho.cli.lang import t
from kho.cli.lazy import LazyCommand, LazyGroup
from kho.cli.reuse import ENTRIES as REUSE_ENTRIES
from kho.cli.workers import ENTRY as WORKERS_ENTRY
from kho.context import CliContext
from kho.errors import KhoError

if TYPE_CHECKING:
    from kho.settings import Settings

EXIT_INTERNAL = 70


def _config() -> click.Command:
    from kho.cli.config import config_command
    return config_command


def _services() -> click.Command:
    from kho.cli.services import services
    return services


def _serve() -> click.Command:
    from kho.cli.web import serve
    return serve


def _keys() -> click.Command:
    from kho.cli.web import keys
    return keys


def _audit() -> click.Command:
    from kho.cli.web import audit
    return audit


def _users() -> click.Command:
    from kho.cli.users import users
    return users


def _ocr() -> click.Command:
    from kho.cli.ocr import ocr
    return ocr


def _corpus() -> click.Command:
    from kho.cli.corpus import corpus
    return corpus


def _get() -> click.Command:
    from kho.cli.repository import get_command
    return get_command


def _show() -> click.Command:
    from kho.cli.repository import show_command
    return show_command


def _verify() -> click.Command:
    from kho.cli.repository import verify_command
    return verify_command


def _search() -> click.Command:
    from kho.cli.search import search_command
    return search_command


def _reindex() -> click.Command:
    from kho.cli.search import reindex_command
    return reindex_command


def _ingest() -> click.Command:
    from kho.cli.ingest import ingest
    return ingest


def _batch() -> click.Command:
    from kho.cli.batch import batch
    return batch


# Every command of the group: name, its one-line help for `kho --help` (the first paragraph of the
# command's docstring; tests/foundation/test_cli_startup.py checks they agree) and its loader.
COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand("config", t("In các thiết lập đang dùng (che các giá trị bí mật).",
                            "Print the effective settings (secrets masked)."), _config),
    LazyCommand("services", t("Cài, chạy, dừng và kiểm tra Elasticsearch, MinIO và PostgreSQL trên 127.0.0.1.",
                              "Install, start, stop and check Elasticsearch, MinIO and PostgreSQL on 127.0.0.1."),
                _services),
    LazyCommand("serve", t("Chạy API và các trang web trên một máy (đa luồng; khi vận hành thật dùng gunicorn, "
                           "xem docs/api.md).",
                           "Serve the API and pages on one machine (threaded; use gunicorn in production, "
                           "see docs/api.md)."), _serve),
    LazyCommand("keys", t("Tạo, liệt kê và thu hồi khóa API (vai trò: portal, official, archivist, admin).",
                          "Create, list and revoke API keys (roles: portal, official, archivist, admin)."), _keys),
    LazyCommand("audit", t("Xem nhật ký truy cập dữ liệu cá nhân, mới nhất trước (việc xem cũng được ghi "
                           "nhật ký: ``audit.query``).",
                           "Show the audit trail of personal-data reads, newest first (the query is audited: "
                           "``audit.query``)."), _audit),
    LazyCommand("users", t("Tài khoản đăng nhập trang web (vai trò: official, archivist, admin).",
                           "Web sign-in accounts (roles: official, archivist, admin)."), _users),
    LazyCommand("ocr", t("Nhận dạng chữ (OCR) một tệp quét FILE (PDF, TIFF, JPEG, PNG).",
                         "Recognise the text of a scanned FILE (PDF, TIFF, JPEG, PNG)."), _ocr),
    LazyCommand("corpus", t("Tạo văn bản hành chính tiếng Việt giả lập kèm đáp án vào thư mục OUT_DIR.",
                            "Render synthetic Vietnamese administrative documents with ground truth into "
                            "OUT_DIR."), _corpus),
    LazyCommand("get", t("Tải một tệp của hồ sơ, kiểm tra SHA-256 khi tải.",
                         "Download one file of a record, checking its SHA-256 on the way."), _get),
    LazyCommand("show", t("In record.json của hồ sơ (siêu dữ liệu, nguồn gốc, các tệp) dạng JSON.",
                          "Print a record's record.json (metadata, provenance, objects) as JSON."), _show),
    LazyCommand("verify", t("Kiểm tra toàn vẹn kho: đọc lại các tệp, so SHA-256 và độ đầy đủ; lưu kết quả.",
                            "Re-read objects, check SHA-256 and completeness; store the result."), _verify),
    LazyCommand("search", t('Tìm hồ sơ: từ ngữ (có hay không dấu), "cụm từ", số định danh và bộ lọc.',
                            'Search records: words (accents optional), "phrases", a citizen ID and filters.'),
                _search),
    LazyCommand("reindex", t("Lập lại chỉ mục tìm kiếm từ kho và chuyển sang chỉ mục mới một lần.",
                             "Rebuild the search index from the repository and switch to it atomically."),
                _reindex),
    LazyCommand("ingest", t("Số hóa một lô: tệp, thư mục và tệp ZIP chứa bản quét PDF, TIFF, JPEG, PNG.",
                            "Digitize a batch: files, folders and ZIPs of PDF, TIFF, JPEG and PNG scans."),
                _ingest),
    LazyCommand("batch", t("Các lô số hóa: sửa dòng bảng kê của một văn bản bị cách ly rồi chạy lại lô.",
                           "Digitization batches: correct the manifest row of a quarantined document and run the "
                           "batch again."), _batch),
    *REUSE_ENTRIES,
    WORKERS_ENTRY,
)


def _load_settings() -> Settings:
    """Read the settings (first use only) and set up logging from them."""
    from kho.logsetup import configure_logging
    from kho.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level)
    return settings


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    help=t("kho: biến bản quét kết quả hành chính thành hồ sơ số tin cậy, tìm kiếm được. Ngôn ngữ: "
           "KHO_LANGUAGE=vi (mặc định) hoặc en.",
           "kho: turn scanned administrative results into trusted, searchable digital records. Language: "
           "KHO_LANGUAGE=vi (default) or en."),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="kho", message=t("%(prog)s, phiên bản %(version)s",
                                                              "%(prog)s, version %(version)s"),
                      help=t("Hiện phiên bản rồi thoát.", "Show the version and exit."))
@click.pass_context
def cli(ctx: click.Context) -> None:
    """The group: commands get a :class:`~kho.context.CliContext` (settings read on first use)."""
    ctx.obj = CliContext(load_settings=_load_settings)
    ctx.call_on_close(ctx.obj.close)


def show_usage_error(e: click.UsageError) -> None:
    """A wrong command line: the usage, where to find help and the error, in the CLI language (click's
    own description of the mistake stays as click words it)."""
    ctx = e.ctx
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        names = ctx.help_option_names or ["--help"]
        click.echo(t(f"Xem '{ctx.command_path} {names[-1]}' để được hướng dẫn.",
                     f"Try '{ctx.command_path} {names[-1]}' for help."), err=True)
    from kho.cli.errorline import usage_message  # only when the command line is wrong

    click.echo(f"kho: error: {usage_message(e)}", err=True)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``kho`` console script: the one place errors become exit codes."""
    try:
        return cli.main(args=argv, prog_name="kho", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo(t("kho: đã hủy", "kho: aborted"), err=True)
        sys.exit(130)
    except click.UsageError as e:
        show_usage_error(e)
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except KhoError as e:
        from kho.cli.errorline import error_line  # only when a command fails

        click.echo(f"kho: error: {error_line(e)}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo(t("kho: bị ngắt", "kho: interrupted"), err=True)
        sys.exit(130)
    except Exception as e:  # the outermost handler: a user never sees a traceback
        import logging  # only here: start-up does not pay for it

        logging.getLogger("kho").debug("internal error", exc_info=True)
        click.echo(
            t(f"kho: error: lỗi nội bộ ({type(e).__name__}: {e}); chạy lại với KHO_LOG_LEVEL=DEBUG để xem chi tiết",
              f"kho: error: internal error ({type(e).__name__}: {e}); rerun with KHO_LOG_LEVEL=DEBUG for details"),
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
