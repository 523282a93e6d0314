"""PostgreSQL from Debian's packages: a private cluster on 127.0.0.1:55432 with a ``kho_test`` database."""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

import psycopg

from kho.errors import ServiceUnavailableError
from kho.services.base import ServiceStatus
from kho.services.endpoints import PG_PASSWORD, PG_PORT, PG_TEST_DB, PG_USER
from kho.services.process import (
    RunAs,
    chown_tree,
    log_tail,
    read_pid,
    run_checked,
    service_account,
    service_cache_dir,
)


def find_pg_bindir() -> Path:
    """The newest installed PostgreSQL server's bin dir (Debian puts it in /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(os.path.realpath(pg_ctl)).parent
    raise ServiceUnavailableError("PostgreSQL server is not installed; run `make setup` (Debian package postgresql)",
                                  subject="postgresql")


def can_connect(dbname: str = "postgres", timeout: int = 2) -> bool:
    """Whether the cluster accepts a connection as the kho user."""
    try:
        with psycopg.connect(host="127.0.0.1", port=PG_PORT, user=PG_USER, password=PG_PASSWORD,
                             dbname=dbname, connect_timeout=timeout):
            return True
    except psycopg.Error:
        return False


class PostgresService:
    """The project's PostgreSQL cluster, owned by the non-root service account."""

    name = "postgresql"

    def __init__(self) -> None:
        self.root = service_cache_dir() / "postgres"
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.pid_file = self.data / "postmaster.pid"
        self._account: RunAs | None = None

    @property
    def account(self) -> RunAs:
        """The account the cluster runs as (root may not)."""
        if self._account is None:
            self._account = service_account()
        return self._account

    def install(self) -> None:
        """Create the cluster once (initdb) with a superuser ``kho``."""
        if (self.data / "PG_VERSION").exists():
            return
        bindir = find_pg_bindir()
        self.root.mkdir(parents=True, exist_ok=True)
        chown_tree(self.root, self.account)
        pwfile = self.root / "pwfile"
        pwfile.write_text(PG_PASSWORD + "\n")
        chown_tree(self.root, self.account)
        run_checked([str(bindir / "initdb"), "-D", str(self.data), "-U", PG_USER, "--pwfile", str(pwfile),
                     "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"],
                    what="create the PostgreSQL cluster (initdb)", account=self.account, log=self.log)
        pwfile.unlink()

    def start(self) -> ServiceStatus:
        """Start the cluster unless it answers, then make sure the test database exists."""
        if not can_connect():
            self.install()
            bindir = find_pg_bindir()
            sockets = self.root / "sockets"
            sockets.mkdir(exist_ok=True)
            chown_tree(self.root, self.account)
            options = f"-p {PG_PORT} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
            try:
                run_checked([str(bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                             "-o", options, "start"], what="start PostgreSQL", account=self.account)
            except ServiceUnavailableError as e:
                raise ServiceUnavailableError(f"{e.message}; {log_tail(self.log)}; log: {self.log}",
                                              subject="postgresql") from e
        self._ensure_database()
        return self.status()

    def _ensure_database(self) -> None:
        try:
            with psycopg.connect(host="127.0.0.1", port=PG_PORT, user=PG_USER, password=PG_PASSWORD,
                                 dbname="postgres", autocommit=True, connect_timeout=5) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_TEST_DB,)).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{PG_TEST_DB}" OWNER "{PG_USER}"')
        except psycopg.Error as e:
            raise ServiceUnavailableError(f"cannot create database {PG_TEST_DB}: {e}", subject="postgresql") from e

    def stop(self) -> bool:
        """Stop the cluster if it is ours (its postmaster.pid is in our data dir)."""
        if read_pid(self.pid_file) is None:
            return False
        run_checked([str(find_pg_bindir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                    what="stop PostgreSQL", account=self.account)
        return True

    def status(self) -> ServiceStatus:
        """Whether the cluster accepts connections."""
        running = can_connect()
        pid = read_pid(self.pid_file)
        detail = "" if pid or not running else "not started by kho"
        return ServiceStatus(self.name, running, f"postgresql://127.0.0.1:{PG_PORT}/{PG_TEST_DB}", pid, detail)
