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
        click.echo("scheduler      stopped (start it with `kho workers up`)")
        return
    click.echo(f"scheduler      {status.scheduler}  dashboard {status.dashboard}")
    for worker in status.workers:
        click.echo(f"{worker.name:<14} pid {worker.pid:<8} {worker.nthreads} thread(s)  "
                   f"{worker.memory / 2**20:.0f} MiB of {worker.memory_limit / 2**20:.0f} MiB")
    click.echo(f"KHO_WORKERS={status.scheduler}")


@click.group("workers")
def workers() -> None:
    """Start, check and stop a local Dask scheduler and page workers (KHO_WORKERS)."""


@workers.command("up")
@click.option("--n", "count", type=int, default=2, show_default=True, help="Worker processes.")
@click.option("--nthreads", type=int, default=1, show_default=True, help="Pages at once per worker.")
@click.option("--port", type=int, default=None, help="Scheduler port (default 58786; dashboard: port + 1).")
@click.option("--user", "user", default=None, metavar="NAME",
              help="Run the workers as this Unix account (root only), e.g. the `kho` service user.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_obj
def up(obj: CliContext, count: int, nthreads: int, port: int | None, user: str | None, as_json: bool) -> None:
    """Start the scheduler and N workers (those already running are kept); wait until all have joined."""
    from kho.services.dask import DASHBOARD_PORT, SCHEDULER_PORT
    from kho.services.process import RunAs

    account = None
    if user is not None:
        try:
            entry = pwd.getpwnam(user)
        except KeyError as e:
            raise UsageError("no such Unix account", subject=user) from e
        account = RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, obj.settings.data_dir)
    chosen = port or SCHEDULER_PORT
    status = _cluster(obj).up(count, nthreads=nthreads, port=chosen,
                              dashboard_port=chosen + 1 if port else DASHBOARD_PORT, account=account)
    _print(status, as_json)


@workers.command("status")
@click.option("--json", "as_json", is_flag=True, help='{"scheduler", "dashboard", "workers": [...]} as JSON.')
@click.pass_obj
def status(obj: CliContext, as_json: bool) -> None:
    """The scheduler's address, its dashboard and each worker (name, pid, threads, memory)."""
    _print(_cluster(obj).status(), as_json)


@workers.command("down")
@click.pass_obj
def down(obj: CliContext) -> None:
    """Stop the workers and the scheduler that `kho workers up` started (others are left alone)."""
    stopped = _cluster(obj).down()
    click.echo(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running (started by kho)")


def _load() -> click.Command:
    return workers


ENTRY = LazyCommand("workers", "Start, check and stop a local Dask scheduler and page workers (KHO_WORKERS).",
                    _load)
