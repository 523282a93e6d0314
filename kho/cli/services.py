"""``kho services up|down|status``: the real servers the production backends and tests use."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from kho.cli.lang import group, t
from kho.errors import ServiceUnavailableError, UsageError

if TYPE_CHECKING:
    from kho.services.base import ManagedService, ServiceStatus

SERVICE_NAMES = ("postgresql", "minio", "elasticsearch", "redis")


def _select(names: tuple[str, ...]) -> list[ManagedService]:
    from kho.services.elasticsearch import ElasticsearchService
    from kho.services.minio import MinioService
    from kho.services.postgres import PostgresService
    from kho.services.redis import RedisService

    unknown = [n for n in names if n not in SERVICE_NAMES]
    if unknown:
        raise UsageError(t(f"không có dịch vụ {unknown[0]!r}; chọn trong {', '.join(SERVICE_NAMES)}",
                           f"unknown service {unknown[0]!r}; choose from {', '.join(SERVICE_NAMES)}"))
    chosen = names or SERVICE_NAMES
    factories = {"postgresql": PostgresService, "minio": MinioService, "elasticsearch": ElasticsearchService,
                 "redis": RedisService}
    return [factories[name]() for name in SERVICE_NAMES if name in chosen]


def status_line(status: ServiceStatus) -> str:
    """One server's status on one line, in the CLI language: name, running or stopped, endpoint, pid."""
    state = t("đang chạy", "running") if status.running else t("đã dừng", "stopped")
    pid = f" pid {status.pid}" if status.pid else ""
    detail = f" ({status.detail})" if status.detail else ""
    return f"{status.name:<14} {state:<9} {status.endpoint}{pid}{detail}"


@group("services", "Cài, chạy, dừng và kiểm tra Elasticsearch, MinIO và PostgreSQL trên 127.0.0.1.",
       "Install, start, stop and check Elasticsearch, MinIO and PostgreSQL on 127.0.0.1.")
def services() -> None:
    """The real servers of the production backends (``up``, ``down``, ``status``)."""


@services.command("up", help=t("Cài (có lưu sẵn) và chạy các máy chủ; chờ đến khi từng máy trả lời kiểm tra.",
                               "Install (cached) and start the servers; wait until each answers its health "
                               "check."))
@click.argument("names", nargs=-1)
def up(names: tuple[str, ...]) -> None:
    """Start the servers named (all by default)."""
    failures: list[str] = []
    for service in _select(names):
        started = time.monotonic()
        try:
            status = service.start()
        except ServiceUnavailableError as e:
            failures.append(f"{service.name}: {e.one_line()}")
            click.echo(f"{service.name:<14} {t('LỖI', 'FAILED')}: {e.one_line()}", err=True)
            continue
        click.echo(f"{status_line(status)}  [{time.monotonic() - started:.1f}s]")
    if failures:
        raise ServiceUnavailableError("; ".join(failures))


@services.command("down", help=t("Dừng các máy chủ do `kho services up` chạy (theo pid); máy khác để yên.",
                                 "Stop the servers that `kho services up` started (by pid); others are left "
                                 "alone."))
@click.argument("names", nargs=-1)
def down(names: tuple[str, ...]) -> None:
    """Stop the servers named (all by default)."""
    for service in _select(names):
        stopped = service.stop()
        said = t("đã dừng", "stopped") if stopped else t("không do kho chạy", "was not started by kho")
        click.echo(f"{service.name:<14} {said}")


@services.command("status", help=t("Mỗi máy chủ một dòng: đang chạy hay đã dừng, địa chỉ, pid.",
                                   "One line per server: running or stopped, endpoint, pid."))
@click.argument("names", nargs=-1)
def status(names: tuple[str, ...]) -> None:
    """The status line of each server named (all by default)."""
    for service in _select(names):
        click.echo(status_line(service.status()))
