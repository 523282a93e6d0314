"""What a CLI command receives: the frozen settings and the backends opened from them, once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kho.settings import Settings

if TYPE_CHECKING:
    from kho.backends import Backends


@dataclass
class CliContext:
    """Per-invocation state of the CLI: settings read once, backends opened on first use."""

    settings: Settings
    _backends: Backends | None = field(default=None, repr=False)

    def backends(self) -> Backends:
        """The store, repository, index and catalog chosen by the settings (opened once)."""
        if self._backends is None:
            from kho.backends import open_backends

            self._backends = open_backends(self.settings)
        return self._backends

    def close(self) -> None:
        """Release the backends if they were opened (called when the command ends)."""
        if self._backends is not None:
            self._backends.close()
            self._backends = None
