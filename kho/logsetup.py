"""Logging set-up shared by the CLI and the WSGI entry point."""

from __future__ import annotations

import logging
import sys

KHO_PACKAGES = ("kho", "ocr", "repository", "search", "ingest", "web")


def configure_logging(level: str) -> None:
    """Log kho's own packages at ``level``; libraries (alembic, urllib3, …) only from WARNING unless DEBUG."""
    logging.basicConfig(
        level="DEBUG" if level == "DEBUG" else "WARNING",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for package in KHO_PACKAGES:
        logging.getLogger(package).setLevel(level)
