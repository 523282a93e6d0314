"""Verifiable reuse of digitized results: certified electronic copies (PAdES, QR check), office
signing keys, public verification, and reuse statistics. See ``docs/reuse.md``."""
