"""Ingest: batches of scans (files, folders, ZIPs, a manifest) into stored, indexed records. See docs/ingest.md."""
