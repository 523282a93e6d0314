"""``kho workers up [--n N] | status [--json] | down``: a local Dask scheduler and N page workers.

Point ``kho ingest`` (and the web app's uploads) at it with ``KHO_WORKERS=<scheduler>``, the
address ``kho workers status --json`` prints. ``down`` stops only what ``up`` started (by pid file).
Heavy modules (distributed) are imported inside the command bodies.
"""

from __future__ import annotations

import json
import pwd
from typing import TYPE_CHECKING

import click

from kho.cli.lang import group, short_help, t
from kho.cli.lazy import LazyCommand
from kho.context import CliContext
from kho.errors import UsageError

if TYPE_CHECKING:
    from kho.services.dask import ClusterStatus, LocalCluster


def _cluster(obj: CliContext) -> LocalCluster:
    from kho.services.dask import LocalCluster, TlsFiles

    settings = obj.settings
    files = (settings.workers_tls_ca, settings.workers_tls_cert, settings.workers_tls_key)
    tls = TlsFiles(*files) if all(files) else None
    return LocalCluster(tls=tls)


def _print(status: ClusterStatus, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(status.to_json(), indent=2))
        return
    if status.scheduler is None:
        click.echo(t("bộ điều phối   đã dừng (chạy bằng `kho workers up`)",
                     "scheduler      stopped (start it with `kho workers up`)"))
        return
    click.echo(t(f"bộ điều phối   {status.scheduler}  bảng theo dõi {status.dashboard}",
                 f"scheduler      {status.scheduler}  dashboard {status.dashboard}"))
    for worker in status.workers:
        used, limit = f"{worker.memory / 2**20:.0f}", f"{worker.memory_limit / 2**20:.0f}"
        click.echo(f"{worker.name:<14} pid {worker.pid:<8} "
                   + t(f"luồng: {worker.nthreads}  bộ nhớ {used}/{limit} MiB",
                       f"threads: {worker.nthreads}  memory {used}/{limit} MiB"))
    click.echo(f"KHO_WORKERS={status.scheduler}")


@group("workers", "Chạy, kiểm tra và dừng bộ điều phối Dask cục bộ và các tiến trình đọc trang (KHO_WORKERS).",
       "Start, check and stop a local Dask scheduler and page workers (KHO_WORKERS).")
def workers() -> None:
    """A local Dask cluster (``up``, ``status``, ``down``)."""


@workers.command("up", help=t("Chạy bộ điều phối và N tiến trình (giữ những cái đang chạy); chờ đến khi tất cả "
                              "đã tham gia.",
                              "Start the scheduler and N workers (those already running are kept); wait until "
                              "all have joined."))
@click.option("--n", "count", type=int, default=2, show_default=True, help=t("Số tiến trình.", "Worker processes."))
@click.option("--nthreads", type=int, default=1, show_default=True,
              help=t("Số trang cùng lúc của mỗi tiến trình.", "Pages at once per worker."))
@click.option("--port", type=int, default=None,
              help=t("Cổng bộ điều phối (mặc định 58786; bảng theo dõi: cổng + 1).",
                     "Scheduler port (default 58786; dashboard: port + 1)."))
@click.option("--user", "user", default=None, metavar="NAME",
              help=t("Chạy các tiến trình bằng tài khoản Unix này (chỉ root), ví dụ tài khoản dịch vụ `kho`.",
                     "Run the workers as this Unix account (root only), e.g. the `kho` service user."))
@click.option("--json", "as_json", is_flag=True, help=t("In trạng thái dạng JSON.", "Print the status as JSON."))
@click.pass_obj
def up(obj: CliContext, count: int, nthreads: int, port: int | None, user: str | None, as_json: bool) -> None:
    """Start the scheduler and ``count`` workers, then print the status."""
    from kho.services.dask import DASHBOARD_PORT, SCHEDULER_PORT
    from kho.services.process import RunAs

    account = None
    if user is not None:
        try:
            entry = pwd.getpwnam(user)
        except KeyError as e:
            raise UsageError(t("không có tài khoản Unix này", "no such Unix account"), subject=user) from e
        account = RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, obj.settings.data_dir)
    chosen = port or SCHEDULER_PORT
    status = _cluster(obj).up(count, nthreads=nthreads, port=chosen,
                              dashboard_port=chosen + 1 if port else DASHBOARD_PORT, account=account)
    _print(status, as_json)


@workers.command("status", help=t("Địa chỉ bộ điều phối, bảng theo dõi và từng tiến trình (tên, pid, luồng, "
                                  "bộ nhớ).",
                                  "The scheduler's address, its dashboard and each worker (name, pid, threads, "
                                  "memory)."))
@click.option("--json", "as_json", is_flag=True,
              help=t('In {"scheduler", "dashboard", "workers": [...]} dạng JSON.',
                     '{"scheduler", "dashboard", "workers": [...]} as JSON.'))
@click.pass_obj
def status(obj: CliContext, as_json: bool) -> None:
    """Print the cluster's status."""
    _print(_cluster(obj).status(), as_json)


@workers.command("down", help=t("Dừng các tiến trình và bộ điều phối do `kho workers up` chạy (cái khác để yên).",
                                "Stop the workers and the scheduler that `kho workers up` started (others are "
                                "left alone)."))
@click.pass_obj
def down(obj: CliContext) -> None:
    """Stop what ``up`` started."""
    stopped = _cluster(obj).down()
    if stopped:
        click.echo(t(f"đã dừng: {', '.join(stopped)}", f"stopped: {', '.join(stopped)}"))
    else:
        click.echo(t("không có gì đang chạy (do kho chạy)", "nothing was running (started by kho)"))


def _load() -> click.Command:
    return workers


ENTRY = LazyCommand("workers", short_help(workers), _load)
