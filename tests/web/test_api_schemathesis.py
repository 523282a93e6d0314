"""Schemathesis against the OpenAPI document, over HTTP on a loopback port (bounded examples).

The Schemathesis engine (what ``schemathesis run`` does) exercises every operation: examples,
coverage (boundary and missing values), fuzzing with valid and invalid inputs, and every default
check (server errors, status codes, content types, response schemas and headers, acceptance of
valid and rejection of invalid data, missing auth). A rule a schema cannot state is kept by a hook:
a search's ``from`` is not after its ``to``. For ``POST /batches`` only, the two data checks are
off: generated files are random bytes (the upload checks read the bytes, so "valid" files are
refused with 415), and every multipart field is text on the wire (a "boolean" batch name arrives as
the valid name ``true``); tests/web/test_api_batches.py covers uploads instead. The seed is fixed
so that CI runs are repeatable (change :data:`SEED` to explore other inputs).

The app is served by werkzeug in a thread: Schemathesis' own WSGI transport does not work with
Werkzeug 3.1 (it passes ``max_redirects`` to EnvironBuilder).
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.engine import Status
from schemathesis.engine import events as ev
from web_api_helpers import RecordingRunner, create_doc, settings_for
from werkzeug.serving import make_server

from kho.backends import open_backends
from web.app import create_app

MAX_EXAMPLES = 6
SEED = 20251126


def _dates_in_order(ctx: Any, query: dict[str, Any] | None) -> bool:
    if not query or "from" not in query or "to" not in query:
        return True
    try:
        return bool(date.fromisoformat(str(query["from"])) <= date.fromisoformat(str(query["to"])))
    except ValueError:
        return True


def _failures(event: ev.EngineEvent) -> list[str]:
    if isinstance(event, ev.NonFatalError | ev.FatalError):
        return [f"error: {getattr(event, 'label', '')}: {event.info.message if hasattr(event, 'info') else event}"]
    if isinstance(event, ev.ScenarioFinished | ev.FuzzScenarioFinished) and event.status == Status.FAILURE:
        found = []
        for case_id, checks in event.recorder.checks.items():
            for check in checks:
                if check.status == Status.FAILURE and check.failure_info is not None:
                    case = event.recorder.cases[case_id].value
                    headers = {k: v for k, v in (case.headers or {}).items() if k != "Authorization"}
                    failure = check.failure_info.failure
                    found.append(f"{event.recorder.label}: {check.name}: {failure.title} ({failure.message[:300]!r}) "
                                 f"{case.method} {case.formatted_path} query={case.query} headers={headers}")
        return found or [f"{event.recorder.label}: failed"]
    return []


def test_api_conforms_to_its_openapi_document(tmp_path: Path) -> None:
    backends = open_backends(settings_for(tmp_path / "kho-data", rate_limit="100000/minute"))
    try:
        app = create_app(backends.settings, backends)
        app.extensions["kho"].batch_runner = RecordingRunner()
        create_doc(backends, tmp_path / "docs", 0)
        _, key = backends.catalog.create_api_key("schemathesis", "admin")
        config = schemathesis.Config.from_dict({
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {key}"},
            "generation": {"max-examples": MAX_EXAMPLES},
            "phases": {"stateful": {"enabled": False}},
            "operations": [
                {"include-path": "/api/v1/batches", "include-method": "POST",
                 "checks": {"positive_data_acceptance": {"enabled": False},
                        "negative_data_rejection": {"enabled": False}}},
            ],
        })
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            schema = schemathesis.openapi.from_url(
                f"http://127.0.0.1:{server.server_port}/api/v1/openapi.json", config=config
            )
            schema.hook("filter_query")(_dates_in_order)
            failures: list[str] = []
            finished = 0
            for event in schemathesis.engine.from_schema(schema).execute():
                failures.extend(_failures(event))
                if isinstance(event, ev.ScenarioFinished):
                    finished += 1
        finally:
            server.shutdown()
            thread.join(10)
        assert not failures, "\n".join(dict.fromkeys(failures))
        assert finished >= 9
    finally:
        backends.close()
