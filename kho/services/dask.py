"""A local Dask cluster for page work: one scheduler and N ``dask worker`` processes (``kho workers``).

For a big single server, demos and tests. Every process is started in its own session, recorded
by a pid file under ``<cache dir>/workers/`` and stopped by that pid file only (``down`` never
touches a cluster it did not start). The scheduler allows one retry of a page whose worker died
(``distributed.scheduler.allowed-failures = 1``): a page that kills its worker twice comes back
as ``KilledWorker`` and fails its document instead of taking the cluster down page after page.
Production clusters run the same two commands from systemd units (docs/scaling.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kho.errors import ServiceUnavailableError, UsageError
from kho.services.endpoints import cache_dir
from kho.services.process import RunAs, current_account, log_tail, read_pid, spawn

SCHEDULER_PORT = 58786
DASHBOARD_PORT = 58787
ALLOWED_FAILURES = "1"
START_TIMEOUT = 90.0
# Imported by every worker at start, so that the first page does not pay for OpenCV and Tesseract set-up.
PRELOAD = ("ingest.worker",)


@dataclass(frozen=True)
class TlsFiles:
    """CA, certificate and key (PEM) used by the scheduler, the workers and the client."""

    ca: str
    cert: str
    key: str

    def scheduler_args(self) -> list[str]:
        """``dask scheduler`` / ``dask worker`` options for these files."""
        return ["--tls-ca-file", self.ca, "--tls-cert", self.cert, "--tls-key", self.key]


@dataclass(frozen=True)
class WorkerInfo:
    """One worker as ``kho workers status --json`` shows it."""

    name: str
    pid: int
    nthreads: int
    memory: int
    memory_limit: int

    def to_json(self) -> dict[str, Any]:
        """The worker as a JSON object."""
        return {"name": self.name, "pid": self.pid, "nthreads": self.nthreads, "memory": self.memory,
                "memory_limit": self.memory_limit}


@dataclass(frozen=True)
class ClusterStatus:
    """The local cluster: scheduler address, dashboard URL and workers (empty when not running)."""

    scheduler: str | None
    dashboard: str | None
    workers: list[WorkerInfo] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """``{"scheduler", "dashboard", "workers": [...]}``."""
        return {"scheduler": self.scheduler, "dashboard": self.dashboard,
                "workers": [w.to_json() for w in self.workers]}


def scheduler_argv(port: int, dashboard_port: int, tls: TlsFiles | None) -> list[str]:
    """The command line of the scheduler (loopback only)."""
    argv = [_dask(), "scheduler", "--host", "127.0.0.1", "--port", str(port),
            "--dashboard-address", f"127.0.0.1:{dashboard_port}", "--no-show"]
    if tls is not None:
        argv[argv.index("--host"):argv.index("--host")] = ["--protocol", "tls"]
        argv += tls.scheduler_args()
    return argv


def worker_argv(
    address: str, name: str, local_dir: Path, nthreads: int, tls: TlsFiles | None,
    preload: tuple[str, ...] = PRELOAD,
) -> list[str]:
    """The command line of one worker (a nanny restarts its process if it dies)."""
    argv = [_dask(), "worker", address, "--name", name, "--nthreads", str(nthreads), "--nworkers", "1",
            "--host", "127.0.0.1", "--local-directory", str(local_dir), "--no-dashboard"]
    for module in preload:
        argv += ["--preload", module]
    if tls is not None:
        argv += tls.scheduler_args()
    return argv


def _dask() -> str:
    return str(Path(sys.executable).with_name("dask"))


class LocalCluster:
    """The scheduler and workers that ``kho workers up`` started (state under ``root``)."""

    def __init__(self, root: Path | None = None, tls: TlsFiles | None = None, preload: tuple[str, ...] = PRELOAD):
        self.root = root or cache_dir() / "workers"
        self.tls = tls
        self.preload = preload
        self.state_file = self.root / "cluster.json"

    # Starting ----------------------------------------------------------------------------------

    def up(self, n: int, *, nthreads: int = 1, port: int = SCHEDULER_PORT, dashboard_port: int = DASHBOARD_PORT,
           account: RunAs | None = None) -> ClusterStatus:
        """Start the scheduler (unless ours runs) and workers until ``n`` of ours run; wait for them."""
        if n < 1:
            raise UsageError("--n must be at least 1", subject="kho workers up")
        self.root.mkdir(parents=True, exist_ok=True)
        address = self._ensure_scheduler(port, dashboard_port)
        account = account or current_account()
        for index in range(1, n + 1):
            self._ensure_worker(index, address, nthreads, account)
        self._wait_for_workers(address, n)
        return self.status()

    def _ensure_scheduler(self, port: int, dashboard_port: int) -> str:
        scheme = "tls" if self.tls else "tcp"
        pid_file = self.root / "scheduler.pid"
        if read_pid(pid_file) is not None:
            return str(self._state()["scheduler"])
        if _listening(port):
            raise ServiceUnavailableError(
                f"port {port} is taken by a process kho did not start; choose another with --port",
                subject="kho workers up")
        log = self.root / "scheduler.log"
        env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=ALLOWED_FAILURES)
        spawn(scheduler_argv(port, dashboard_port, self.tls), log=log, pid_file=pid_file, env=env,
              account=current_account(), cwd=self.root)
        address = f"{scheme}://127.0.0.1:{port}"
        self.state_file.write_text(json.dumps(
            {"scheduler": address, "dashboard": f"http://127.0.0.1:{dashboard_port}/status"}))
        deadline = time.monotonic() + START_TIMEOUT
        while not _listening(port):
            if read_pid(pid_file) is None or time.monotonic() > deadline:
                raise ServiceUnavailableError(f"the Dask scheduler did not start: {log_tail(log)}; log: {log}",
                                              subject="kho workers up")
            time.sleep(0.3)
        return address

    def _ensure_worker(self, index: int, address: str, nthreads: int, account: RunAs) -> None:
        pid_file = self.root / f"worker-{index}.pid"
        if read_pid(pid_file) is not None:
            return
        local = self.root / f"worker-{index}"
        tmp = local / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        if account.uid != os.geteuid():
            for path in (local, tmp):
                os.chown(path, account.uid, account.gid)
        env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}  # no store/catalog secrets
        env.update(TMPDIR=str(tmp), OMP_THREAD_LIMIT="1", HOME=str(local))
        spawn(worker_argv(address, f"kho-worker-{index}", local, nthreads, self.tls, self.preload),
              log=self.root / f"worker-{index}.log", pid_file=pid_file, env=env, account=account, cwd=local)

    def _wait_for_workers(self, address: str, n: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            names = {w.name for w in self._workers(address)}
            if all(f"kho-worker-{i}" in names for i in range(1, n + 1)):
                return
            if time.monotonic() > deadline:
                logs = " | ".join(log_tail(self.root / f"worker-{i}.log", 2) for i in range(1, n + 1))
                raise ServiceUnavailableError(f"{n} Dask workers did not join {address}: {logs}",
                                              subject="kho workers up")
            time.sleep(0.5)

    # Looking -----------------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def status(self) -> ClusterStatus:
        """The running scheduler and its workers (``scheduler`` None when ours is not running)."""
        if read_pid(self.root / "scheduler.pid") is None:
            return ClusterStatus(None, None, [])
        state = self._state()
        address = str(state.get("scheduler") or "")
        return ClusterStatus(address, state.get("dashboard"), self._workers(address))

    def _workers(self, address: str) -> list[WorkerInfo]:
        from distributed import Client

        security = _client_security(self.tls)
        try:
            with Client(address, timeout=10, security=security, set_as_default=False) as client:
                info = client.scheduler_info(n_workers=-1)
                pids = client.run(os.getpid) if info.get("workers") else {}
        except (OSError, TimeoutError) as e:
            raise ServiceUnavailableError(f"the Dask scheduler does not answer ({e})", subject=address) from e
        workers = [
            WorkerInfo(str(w.get("name")), int(pids.get(key, 0)), int(w.get("nthreads", 0)),
                       int((w.get("metrics") or {}).get("memory", 0)), int(w.get("memory_limit", 0)))
            for key, w in info.get("workers", {}).items()
        ]
        return sorted(workers, key=lambda w: w.name)

    # Stopping ----------------------------------------------------------------------------------

    def down(self) -> list[str]:
        """Stop our workers, then our scheduler (by their pid files); the names of what was stopped."""
        stopped = []
        for pid_file in sorted(self.root.glob("worker-*.pid")):
            if stop_group(pid_file):
                stopped.append(pid_file.stem)
        if stop_group(self.root / "scheduler.pid"):
            stopped.append("scheduler")
        self.state_file.unlink(missing_ok=True)
        return stopped


def _client_security(tls: TlsFiles | None) -> Any:
    if tls is None:
        return None
    from distributed.security import Security

    return Security(tls_ca_file=tls.ca, tls_client_cert=tls.cert, tls_client_key=tls.key, require_encryption=True)


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def stop_group(pid_file: Path, grace: float = 20.0) -> bool:
    """Stop the process of ``pid_file`` and its session's processes (TERM, then KILL); True if it ran."""
    pid = read_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _group_alive(pid):
        _reap(pid)
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    _reap(pid)
    pid_file.unlink(missing_ok=True)
    return True


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies waiting for their reaper do not count)."""
    import psutil

    for process in psutil.process_iter(["status"]):
        with contextlib.suppress(psutil.Error, ProcessLookupError):
            if process.info["status"] != psutil.STATUS_ZOMBIE and os.getpgid(process.pid) == pgid:
                return True
    return False


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
