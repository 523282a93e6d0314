"""MinIO, built from source with ``go install`` (the community edition ships no binaries)."""

from __future__ import annotations

import os
from pathlib import Path

from kho.errors import ServiceUnavailableError
from kho.services.base import ServiceStatus
from kho.services.endpoints import MINIO_CONSOLE_PORT, MINIO_PORT, cache_dir, minio_credentials
from kho.services.process import (
    current_account,
    http_ok,
    log_tail,
    read_pid,
    require_tool,
    run_checked,
    spawn,
    stop_pid,
    wait_until,
)

MINIO_MODULE = "github.com/minio/minio"
# The release is pinned by its Go pseudo-version (the module proxy does not serve RELEASE.* tags).
MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"


class MinioService:
    """The project's MinIO on 127.0.0.1:9000, data under the cache dir."""

    name = "minio"

    def __init__(self, root: Path | None = None):
        self.root = (root or cache_dir()) / "minio"
        self.binary = (root or cache_dir()) / "bin" / "minio"
        self.stamp = self.binary.with_suffix(".version")
        self.log = self.root / "minio.log"
        self.pid_file = self.root / "minio.pid"
        self.health_url = f"http://127.0.0.1:{MINIO_PORT}/minio/health/live"

    def install(self) -> None:
        """Build the pinned MinIO release once; later calls reuse the cached binary."""
        if self.binary.exists() and self.stamp.exists() and self.stamp.read_text().strip() == MINIO_VERSION:
            return
        go = require_tool("go", "install Go (the machine image has it) to build MinIO")
        self.root.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, GOBIN=str(self.binary.parent), CGO_ENABLED="0")
        run_checked(
            [go, "install", f"{MINIO_MODULE}@{MINIO_VERSION}"],
            what=f"build MinIO {MINIO_VERSION} with go install", env=env, log=self.log,
        )
        self.stamp.write_text(MINIO_VERSION)

    def start(self) -> ServiceStatus:
        """Start MinIO unless it already answers; wait for its liveness endpoint."""
        if http_ok(self.health_url):
            return self.status()
        self.install()
        creds = minio_credentials(create=True)
        data = self.root / "data"
        data.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, MINIO_ROOT_USER=creds.access_key, MINIO_ROOT_PASSWORD=creds.secret_key,
                   MINIO_BROWSER="off", MINIO_UPDATE="off")
        argv = [str(self.binary), "server", str(data), "--quiet",
                "--address", f"127.0.0.1:{MINIO_PORT}", "--console-address", f"127.0.0.1:{MINIO_CONSOLE_PORT}"]
        spawn(argv, log=self.log, pid_file=self.pid_file, env=env, account=current_account(), cwd=self.root)
        if not wait_until(lambda: http_ok(self.health_url), timeout=60,
                          alive=lambda: read_pid(self.pid_file) is not None):
            raise ServiceUnavailableError(
                f"MinIO did not become healthy: {log_tail(self.log)}; log: {self.log}", subject="minio")
        return self.status()

    def stop(self) -> bool:
        """Stop MinIO if we started it."""
        return stop_pid(self.pid_file)

    def status(self) -> ServiceStatus:
        """Whether MinIO answers its liveness check."""
        running = http_ok(self.health_url)
        pid = read_pid(self.pid_file)
        detail = "" if pid or not running else "not started by kho"
        return ServiceStatus(self.name, running, f"http://127.0.0.1:{MINIO_PORT}", pid, detail)
