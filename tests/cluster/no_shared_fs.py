"""Worker preload of the cluster tests: refuse any read of the batch folder (``NO_SHARED_FS_DENY``).

An audit hook sees every ``open`` and every subprocess start in the worker; one that names the
batch folder raises PermissionError, so a page that a worker tried to read from the coordinator's
disk fails the test instead of passing silently on a machine where both share a filesystem.
"""

from __future__ import annotations

import os
import sys

DENY = os.environ.get("NO_SHARED_FS_DENY", "")


def _names_denied(value: object) -> bool:
    if isinstance(value, (str, bytes, os.PathLike)):
        text = os.fsdecode(value)
        return bool(DENY) and (text == DENY or text.startswith(DENY.rstrip("/") + "/"))
    if isinstance(value, (list, tuple)):
        return any(_names_denied(v) for v in value)
    return False


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event in ("open", "os.listdir", "os.scandir", "subprocess.Popen", "os.exec", "os.posix_spawn") and any(
        _names_denied(a) for a in args
    ):
        raise PermissionError(f"no shared filesystem: a worker tried to read {args[0]!r}")


if DENY:
    sys.addaudithook(_hook)
