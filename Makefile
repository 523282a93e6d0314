# kho: the two commands are `make demo` and `make test`; both do all set-up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KHO := $(VENV)/bin/kho
DEMO_DIR ?= demo-data

APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils fonts-liberation2 fonts-noto-core \
	fonts-dejavu-core postgresql unzip ghostscript unpaper chromium chromium-driver redis-server

.PHONY: setup system-packages venv services services-down demo test test-fast lint bench clean

setup: system-packages venv

## Debian packages (idempotent: apt runs only when something is missing).
system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

## The project, editable, with dev extras, in .venv (re-installed when pyproject.toml changes).
venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

## Elasticsearch, MinIO and PostgreSQL on 127.0.0.1 (built/fetched once, cached under ~/.cache/kho).
services: setup
	$(KHO) services up

services-down:
	$(KHO) services down

## The main job on the embedded defaults: a sample batch digitized, stored, indexed, searched.
demo: setup
	@rm -rf $(DEMO_DIR)/scans $(DEMO_DIR)/kho-data
	@echo "== 1. Lô mẫu / a sample batch: 20 synthetic Vietnamese scans with a manifest =="
	$(KHO) corpus $(DEMO_DIR)/scans --n 20 --seed 7 --kinds legacy,results --manifest
	@echo "== 2. Số hoá lô / ingest: OCR, fields, quality gate, store, index (data in $(DEMO_DIR)/kho-data) =="
	KHO_DATA_DIR=$(DEMO_DIR)/kho-data $(KHO) ingest $(DEMO_DIR)/scans --manifest $(DEMO_DIR)/scans/manifest.csv --batch demo
	@echo "== 3. Tìm theo số định danh / search by the citizen ID of the manifest's first row =="
	KHO_DATA_DIR=$(DEMO_DIR)/kho-data $(KHO) search --citizen "$$(awk -F, 'NR==2 {print $$3}' $(DEMO_DIR)/scans/manifest.csv)"
	@echo "== 4. Tìm không dấu / search without accents (the first holder's name, accents removed) =="
	KHO_DATA_DIR=$(DEMO_DIR)/kho-data $(KHO) search "$$($(PY) -c 'import csv, sys, unicodedata as u; \
		name = next(csv.DictReader(open(sys.argv[1], encoding="utf-8")))["holder_name"]; \
		print("".join(c for c in u.normalize("NFD", name.replace("Đ", "D").replace("đ", "d")) if not u.combining(c)).lower())' \
		$(DEMO_DIR)/scans/manifest.csv)"
	@echo "== 5. Giao diện web / web UI: a demo account, then run the line below and open http://127.0.0.1:8000 =="
	@echo "kho-demo-2026" | KHO_DATA_DIR=$(DEMO_DIR)/kho-data $(KHO) users create demo --role admin \
		--name "Cán bộ demo" --password-stdin >/dev/null && echo "   sign in as demo / kho-demo-2026"
	@echo "   KHO_DATA_DIR=$(DEMO_DIR)/kho-data $(KHO) serve"

## Everything: set-up, real servers, the whole suite.
test: setup services
	$(PY) -m pytest -q

test-fast: venv
	$(PY) -m pytest -q -m "not integration and not slow"

## ruff, mypy and the import contracts of pyproject.toml (which package may import which).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: services
	$(PY) bench/ocr.py && $(PY) bench/fields.py && $(PY) bench/store.py && $(PY) bench/search.py

clean:
	rm -rf $(DEMO_DIR) kho-data .pytest_cache .mypy_cache .ruff_cache
