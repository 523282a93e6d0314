"""What a CLI command receives: the frozen settings and the backends opened from them, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kho.backends import Backends
    from kho.settings import Settings


@dataclass
class CliContext:
    """Per-invocation state of the CLI: settings read on first use (once), backends opened on first use.

    Reading the settings waits until a command needs them, so ``kho ocr --help`` does not pay for
    validating the configuration (and importing pydantic).
    """

    load_settings: Callable[[], Settings]
    _settings: Settings | None = field(default=None, repr=False)
    _backends: Backends | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The frozen settings, read once (a bad setting raises :class:`kho.errors.ConfigError` here)."""
        if self._settings is None:
            self._settings = self.load_settings()
        return self._settings

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
