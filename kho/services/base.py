"""What every managed server offers to ``kho services``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ServiceStatus:
    """One line of ``kho services status``."""

    name: str
    running: bool
    endpoint: str
    pid: int | None = None
    detail: str = ""

    def line(self) -> str:
        """Human-readable one-line status."""
        state = "running" if self.running else "stopped"
        pid = f" pid {self.pid}" if self.pid else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.name:<14} {state:<8} {self.endpoint}{pid}{detail}"


class ManagedService(Protocol):
    """A server that the project installs, starts, health-checks and stops by itself."""

    name: str

    def install(self) -> None:
        """Fetch/build/unpack the server into the cache if it is not there yet."""
        ...

    def start(self) -> ServiceStatus:
        """Start the server if it is not answering, and wait until its health check passes."""
        ...

    def stop(self) -> bool:
        """Stop the server if this project started it (by pid); True if one was stopped."""
        ...

    def status(self) -> ServiceStatus:
        """Whether the server answers its health check."""
        ...
