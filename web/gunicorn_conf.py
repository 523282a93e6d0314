"""gunicorn settings for kho: ``gunicorn -c python:web.gunicorn_conf 'web.wsgi:app'``.

Every value can be overridden on the command line (``--workers 8``) or in ``GUNICORN_CMD_ARGS``.
Requests are mostly waiting on the index, store and catalog, so each worker runs threads
(``gthread``). See docs/api.md ("Production serving") for sizing, timeouts and a shared rate-limit store.
"""

from __future__ import annotations

import multiprocessing

from web.logs import install_redaction

# Citizen IDs never reach the access log (also installed by create_app in each worker).
install_redaction()

bind = "127.0.0.1:8000"
workers = multiprocessing.cpu_count() * 2
worker_class = "gthread"
threads = 4
# Uploads of up to KHO_MAX_UPLOAD_MB must finish within the timeout; behind a proxy that buffers
# request bodies (nginx: client_max_body_size, proxy_request_buffering on) 120 s is plenty.
timeout = 120
graceful_timeout = 30
keepalive = 5
preload_app = False
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
limit_request_line = 4094
limit_request_fields = 100
