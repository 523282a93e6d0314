"""The access layer: who may do what, why, and the audit trail — between the data packages and the front ends.

``repository``, ``search`` and ``ingest`` hold and process records; ``web`` (API and pages) and
``kho.cli`` talk to people. Everything a front end does that touches personal data or changes a
record goes through the service functions here, which check the caller's role
(:mod:`access.permissions`) and scopes (:mod:`access.scopes`), require a stated purpose
(:mod:`access.purpose`) and write the audit event (:mod:`access.audit`, the one writer, with the
:class:`~access.audit.Action` enum) before any data is returned:

* :mod:`access.principals` — who is asking: an API key, a signed-in user, the command line;
* :mod:`access.reads` — citizen lookup, search, a record's metadata, its files;
* :mod:`access.changes` — correct (edit), revoke, resolve a review task;
* :mod:`access.batches` — create a batch from uploaded files;
* :mod:`access.audit` — write events and query the trail (itself an audited read).

HTTP-only concerns (header decoding, Bearer parsing, the key cache, CSRF, cookies) stay in ``web``.
This package never imports ``web`` (an import-linter contract in ``pyproject.toml``).
"""
