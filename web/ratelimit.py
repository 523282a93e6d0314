"""A thread-safe in-process store for Flask-Limiter's fixed-window counters (``kho-memory://``).

``limits``' own ``memory://`` store starts a timer thread from request threads and, under a
threaded server (``kho serve``, gunicorn ``gthread``), two requests can start the same timer: one
of them fails with ``RuntimeError: threads can only be started once`` (a 500). This store needs no
thread: expired windows are dropped under one lock as counters are touched. It counts per process,
like ``memory://``; several workers need a shared store (``redis://``, ``memcached://``).
"""

from __future__ import annotations

import threading
import time

from limits.storage import Storage

# Drop expired windows at most this often (seconds).
_SWEEP_INTERVAL = 10.0


class LocalMemoryStorage(Storage):
    """Fixed-window counters in a dict guarded by one lock (registered as ``kho-memory://``)."""

    STORAGE_SCHEME = ["kho-memory"]  # noqa: RUF012 (read by the limits storage registry)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool):
        """Start empty (``uri`` and options are accepted for the storage registry and ignored)."""
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = time.time() + _SWEEP_INTERVAL

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        """Errors this store can raise (none of its own)."""
        return ValueError

    def _sweep(self, now: float) -> None:
        if now >= self._next_sweep:
            self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            self._next_sweep = now + _SWEEP_INTERVAL

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add ``amount`` to the counter of ``key``, starting a window of ``expiry`` seconds if none is open."""
        now = time.time()
        with self._lock:
            self._sweep(now)
            count, until = self._counts.get(key, (0, 0.0))
            if until <= now:
                count, until = 0, now + expiry
            count += amount
            self._counts[key] = (count, until)
            return count

    def get(self, key: str) -> int:
        """The counter of ``key`` in its open window (0 if none)."""
        now = time.time()
        with self._lock:
            count, until = self._counts.get(key, (0, 0.0))
        return count if until > now else 0

    def get_expiry(self, key: str) -> float:
        """When the open window of ``key`` ends (now if there is none)."""
        now = time.time()
        with self._lock:
            _, until = self._counts.get(key, (0, 0.0))
        return until if until > now else now

    def check(self) -> bool:
        """Always reachable."""
        return True

    def reset(self) -> int | None:
        """Forget every counter; returns how many there were."""
        with self._lock:
            n = len(self._counts)
            self._counts.clear()
        return n

    def clear(self, key: str) -> None:
        """Forget the counter of ``key``."""
        with self._lock:
            self._counts.pop(key, None)


def storage_uri(configured: str) -> str:
    """The store Flask-Limiter should use: this module's for ``memory://``, else the configured URI.

    ``KHO_RATELIMIT_URL=redis://HOST:PORT/DB`` (copied into ``rate_limit_storage`` by the settings)
    keeps the counters in Redis, shared by every web node and process (``kho services up`` starts one).
    """
    return "kho-memory://" if configured.strip() in ("memory://", "") else configured
