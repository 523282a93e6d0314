"""``kho services up|down|status``: the real servers the production backends and tests use."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from kho.errors import ServiceUnavailableError, UsageError

if TYPE_CHECKING:
    from kho.services.base import ManagedService

SERVICE_NAMES = ("postgresql", "minio", "elasticsearch", "redis")


def _select(names: tuple[str, ...]) -> list[ManagedService]:
    from kho.services.elasticsearch import ElasticsearchService
    from kho.services.minio import MinioService
    from kho.services.postgres import PostgresService
    from kho.services.redis import RedisService

    unknown = [n for n in names if n not in SERVICE_NAMES]
    if unknown:
        raise UsageError(f"unknown service {unknown[0]!r}; choose from {', '.join(SERVICE_NAMES)}")
    chosen = names or SERVICE_NAMES
    factories = {"postgresql": PostgresService, "minio": MinioService, "elasticsearch": ElasticsearchService,
                 "redis": RedisService}
    return [factories[name]() for name in SERVICE_NAMES if name in chosen]


@click.group("services")
def services() -> None:
    """Install, start, stop and check Elasticsearch, MinIO and PostgreSQL on 127.0.0.1."""


@services.command("up")
@click.argument("names", nargs=-1)
def up(names: tuple[str, ...]) -> None:
    """Install (cached) and start the servers; wait until each answers its health check."""
    failures: list[str] = []
    for service in _select(names):
        started = time.monotonic()
        try:
            status = service.start()
        except ServiceUnavailableError as e:
            failures.append(f"{service.name}: {e.one_line()}")
            click.echo(f"{service.name:<14} FAILED: {e.one_line()}", err=True)
            continue
        click.echo(f"{status.line()}  [{time.monotonic() - started:.1f}s]")
    if failures:
        raise ServiceUnavailableError("; ".join(failures))


@services.command("down")
@click.argument("names", nargs=-1)
def down(names: tuple[str, ...]) -> None:
    """Stop the servers that `kho services up` started (by pid); others are left alone."""
    for service in _select(names):
        stopped = service.stop()
        click.echo(f"{service.name:<14} {'stopped' if stopped else 'was not started by kho'}")


@services.command("status")
@click.argument("names", nargs=-1)
def status(names: tuple[str, ...]) -> None:
    """One line per server: running or stopped, endpoint, pid."""
    for service in _select(names):
        click.echo(service.status().line())
