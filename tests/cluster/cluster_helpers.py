"""Helpers of the cluster tests: a free port, the workers' account, a running local cluster, a fake page.

The workers import this module (the fixture puts this folder on their PYTHONPATH) to run :func:`killing_page`.
"""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kho.services.dask import LocalCluster
from kho.services.process import RunAs, current_account
from ocr.pipeline import PageOcr, PageTask


def free_port() -> int:
    """A TCP port free on 127.0.0.1 just now (for the scheduler; its dashboard gets the next one)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port + 1)) != 0:
                return port


def worker_account() -> RunAs:
    """The ``kho`` account when we are root and it can run this interpreter; else ourselves."""
    if os.geteuid() != 0:
        return current_account()
    try:
        entry = pwd.getpwnam("kho")
    except KeyError:
        return current_account()
    try:
        probe = subprocess.run([sys.executable, "-c", "import distributed, ingest.worker"], user=entry.pw_uid,
                               group=entry.pw_gid, cwd="/", capture_output=True, timeout=120, check=False)
    except OSError:  # e.g. the interpreter lives under root's 0700 home
        return current_account()
    if probe.returncode != 0:
        return current_account()
    return RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


@dataclass
class RunningCluster:
    """A started :class:`LocalCluster` and its scheduler's address."""

    cluster: LocalCluster
    address: str
    port: int
    account: RunAs

    def restart(self) -> None:
        """Stop everything that is left and start the scheduler and two workers again (same port)."""
        self.cluster.down()
        status = self.cluster.up(2, port=self.port, dashboard_port=self.port + 1, account=self.account)
        assert status.scheduler == self.address


def killing_page(task: PageTask) -> PageOcr:
    """Read the carried bytes back as the page's text; kill this worker process when they name ``die*``."""
    text = task.source.path.read_text(encoding="utf-8")
    if text.startswith("bytes of die"):
        os.kill(os.getpid(), 9)
    return PageOcr(number=task.index + 1, text=text, confidence=90.0)
