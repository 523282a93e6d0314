"""Domain rules with no dependencies: citizen IDs, organisation tax codes, Vietnamese text.

Everything here is pure (strings in, values out) and imports nothing of the project except
:mod:`kho.errors`, so every layer may use it: OCR fields, ingest manifests, the repository schema,
search, the access layer, the web forms and log redaction apply the *same* rules.

* :mod:`kho.core.citizen_id` — :func:`~kho.core.citizen_id.parse_citizen_id` (personal ID and CMND).
* :mod:`kho.core.tax_code` — the organisation tax code's check digit.
* :mod:`kho.core.vntext` — NFC, homoglyphs, tone placement and accent folding.
"""
