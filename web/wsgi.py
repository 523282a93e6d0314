"""The WSGI entry point for production: ``gunicorn -c python:web.gunicorn_conf 'web.wsgi:app'``.

Settings are read once, when a worker imports this module (``KHO_*`` variables or ``kho.toml``),
and the backends are opened once per worker. Do not use gunicorn's ``--preload``: database and
Elasticsearch connections must not be shared across forked workers. See docs/api.md.
"""

from __future__ import annotations

from kho.logsetup import configure_logging
from kho.settings import load_settings
from web.app import create_app

settings = load_settings()
configure_logging(settings.log_level)
app = create_app(settings)
