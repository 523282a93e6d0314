"""Settings: sources, precedence, validation errors naming the variable, masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from kho.errors import ConfigError
from kho.settings import load_settings


def test_defaults_live_under_the_data_dir(tmp_path: Path) -> None:
    s = load_settings(environ={"KHO_DATA_DIR": str(tmp_path)})
    assert s.data_dir == tmp_path
    assert s.effective_store_url == f"file://{tmp_path.resolve()}/store"
    assert s.effective_index_url == f"sqlite:///{tmp_path.resolve()}/index.sqlite3"
    assert s.effective_catalog_url == f"sqlite:///{tmp_path.resolve()}/catalog.sqlite3"


def test_environment_beats_toml_and_overrides_beat_environment(tmp_path: Path) -> None:
    toml = tmp_path / "kho.toml"
    toml.write_text('[kho]\nocr_lang = "vie+eng"\nocr_dpi = 200\n')
    s = load_settings(environ={"KHO_CONFIG": str(toml), "KHO_OCR_DPI": "400"})
    assert (s.ocr_lang, s.ocr_dpi) == ("vie+eng", 400)
    s = load_settings(environ={"KHO_CONFIG": str(toml)}, overrides={"ocr_dpi": 150})
    assert s.ocr_dpi == 150


def test_settings_are_frozen() -> None:
    s = load_settings(environ={})
    with pytest.raises(ValueError):
        s.ocr_dpi = 100  # type: ignore[misc]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KHO_STORE_URL", "ftp://x"),
        ("KHO_INDEX_URL", "mysql://x"),
        ("KHO_OCR_DPI", "lots"),
        ("KHO_OCR_DPI", "10"),
        ("KHO_JOBS", "-1"),
        ("KHO_OCR_LANG", "vie;rm -rf"),
        ("KHO_LOG_LEVEL", "LOUD"),
    ],
)
def test_invalid_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(environ={variable: value})
    line = err.value.one_line()
    assert line.startswith(f"{variable}: ")
    assert "\n" not in line


def test_unreadable_toml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "kho.toml"
    bad.write_text("[kho\n")
    with pytest.raises(ConfigError) as err:
        load_settings(environ={"KHO_CONFIG": str(bad)})
    assert str(bad) in err.value.one_line()


def test_describe_masks_secrets() -> None:
    s = load_settings(environ={
        "KHO_S3_SECRET_KEY": "topsecret",
        "KHO_CATALOG_URL": "postgresql+psycopg://kho:hunter2@127.0.0.1:5432/kho",
    })
    described = repr(s.describe())
    assert "topsecret" not in described and "hunter2" not in described
    assert "********" in described
