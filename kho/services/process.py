"""Start, watch and stop the server processes that ``kho services`` owns (by pid file)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kho.errors import ServiceUnavailableError
from kho.services.endpoints import cache_dir

SERVICE_USER = "kho"
SERVICE_HOME = Path("/var/lib/kho")


@dataclass(frozen=True)
class RunAs:
    """The account a server runs as: root may not run Elasticsearch or PostgreSQL."""

    name: str
    uid: int
    gid: int
    home: Path


def current_account() -> RunAs:
    """The account this process runs as."""
    entry = pwd.getpwuid(os.geteuid())
    return RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def service_account() -> RunAs:
    """A non-root account for servers: ourselves, or (as root) the dedicated ``kho`` system user."""
    if os.geteuid() != 0:
        return current_account()
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        run_checked(
            ["useradd", "--system", "--create-home", "--home-dir", str(SERVICE_HOME),
             "--shell", "/usr/sbin/nologin", SERVICE_USER],
            what="create the service user",
        )
        entry = pwd.getpwnam(SERVICE_USER)
    return RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def service_cache_dir() -> Path:
    """Cache dir of servers that refuse root: the service user's ``~/.cache/kho`` when we are root."""
    if os.geteuid() == 0:
        return SERVICE_HOME / ".cache" / "kho"
    return cache_dir()


def chown_tree(path: Path, account: RunAs) -> None:
    """Give ``account`` ownership of ``path`` and everything below it (no-op when not root)."""
    if os.geteuid() != 0 or account.uid == 0:
        return
    for root, dirs, files in os.walk(path):
        os.chown(root, account.uid, account.gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), account.uid, account.gid)


def run_checked(
    argv: Sequence[str],
    *,
    what: str,
    timeout: float = 1800,
    env: Mapping[str, str] | None = None,
    account: RunAs | None = None,
    log: Path | None = None,
) -> str:
    """Run a set-up command; a failure raises ServiceUnavailableError saying what and where."""
    run_env = dict(os.environ if env is None else env)
    as_other = account is not None and account.uid != os.geteuid()
    try:
        proc = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, env=run_env, check=False,
            user=account.uid if as_other and account else None,
            group=account.gid if as_other and account else None,
            cwd="/" if as_other else None,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ServiceUnavailableError(f"could not {what}: {e}") from e
    if log is not None:
        with log.open("a") as fh:
            fh.write(f"$ {' '.join(argv)}\n{proc.stdout}{proc.stderr}\n")
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        where = f"; log: {log}" if log else ""
        raise ServiceUnavailableError(f"could not {what} (exit {proc.returncode}): {' | '.join(tail)}{where}")
    return proc.stdout


def spawn(
    argv: Sequence[str], *, log: Path, pid_file: Path, env: Mapping[str, str], account: RunAs, cwd: Path
) -> int:
    """Start a long-running server detached from us, output to ``log``; record its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    as_other = account.uid != os.geteuid()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            list(argv), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=dict(env), cwd=cwd, start_new_session=True,
            user=account.uid if as_other else None, group=account.gid if as_other else None,
        )
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(str(proc.pid))
    return proc.pid


def read_pid(pid_file: Path) -> int | None:
    """The pid recorded in ``pid_file`` if that process is still alive."""
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def stop_pid(pid_file: Path, *, grace: float = 30) -> bool:
    """Stop the process recorded in ``pid_file`` (TERM, then KILL); True if one was running."""
    pid = read_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and read_pid(pid_file) is not None:
        _reap(pid)
        time.sleep(0.2)
    if read_pid(pid_file) is not None:
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        _reap(pid)
    pid_file.unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """Whether ``url`` answers HTTP 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until(check: Callable[[], bool], *, timeout: float, alive: Callable[[], bool]) -> bool:
    """Poll ``check`` until it is true, the process dies, or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        if not alive():
            return False
        time.sleep(0.5)
    return check()


def require_tool(name: str, hint: str) -> str:
    """The path of an executable on PATH, or a clear error saying how to get it."""
    path = shutil.which(name)
    if path is None:
        raise ServiceUnavailableError(f"`{name}` is not installed; {hint}")
    return path


def log_tail(log: Path, lines: int = 5) -> str:
    """The last lines of a log file, joined for a one-line error."""
    try:
        text = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(line.strip()[:200] for line in text[-lines:])
