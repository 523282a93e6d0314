"""Redis (Debian's ``redis-server``) on 127.0.0.1: the rate-limit counters that web nodes share."""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

from kho.errors import ServiceUnavailableError
from kho.services.base import ServiceStatus
from kho.services.endpoints import REDIS_PORT, cache_dir
from kho.services.process import current_account, log_tail, read_pid, require_tool, spawn, stop_pid, wait_until


def redis_argv(binary: str, port: int, data: Path) -> list[str]:
    """The server's command line: loopback only, no persistence (counters are short-lived)."""
    return [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data), "--save", "",
            "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no"]


def redis_ping(port: int, host: str = "127.0.0.1", timeout: float = 2.0) -> bool:
    """Whether a Redis server answers ``PING`` on ``host:port``."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(16).startswith(b"+PONG")
    return False


class RedisService:
    """The project's Redis on 127.0.0.1:56379 (``redis-server`` from Debian, ``make setup``)."""

    name = "redis"

    def __init__(self, root: Path | None = None, port: int = REDIS_PORT):
        self.root = (root or cache_dir()) / "redis"
        self.port = port
        self.log = self.root / "redis.log"
        self.pid_file = self.root / "redis.pid"

    def install(self) -> None:
        """Nothing to fetch: the Debian package provides the server (checked here)."""
        require_tool("redis-server", "install the Debian package redis-server (`make setup`)")

    def start(self) -> ServiceStatus:
        """Start Redis unless it already answers; wait until it answers PING."""
        if redis_ping(self.port):
            return self.status()
        self.install()
        binary = require_tool("redis-server", "install the Debian package redis-server (`make setup`)")
        data = self.root / "data"
        data.mkdir(parents=True, exist_ok=True)
        spawn(redis_argv(binary, self.port, data), log=self.log, pid_file=self.pid_file, env=dict(os.environ),
              account=current_account(), cwd=self.root)
        if not wait_until(lambda: redis_ping(self.port), timeout=30,
                          alive=lambda: read_pid(self.pid_file) is not None):
            raise ServiceUnavailableError(
                f"Redis did not answer PING: {log_tail(self.log)}; log: {self.log}", subject="redis")
        return self.status()

    def stop(self) -> bool:
        """Stop Redis if we started it."""
        return stop_pid(self.pid_file)

    def status(self) -> ServiceStatus:
        """Whether Redis answers PING."""
        running = redis_ping(self.port)
        pid = read_pid(self.pid_file)
        detail = "" if pid or not running else "not started by kho"
        return ServiceStatus(self.name, running, f"redis://127.0.0.1:{self.port}/0", pid, detail)
