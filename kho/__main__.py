"""``python -m kho`` runs the CLI."""

from kho.cli import main

main()
