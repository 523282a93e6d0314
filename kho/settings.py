"""Configuration, read once at start-up into a frozen :class:`Settings` and passed down.

Sources, highest priority first: explicit overrides, ``KHO_*`` environment variables, a
``kho.toml`` file (``KHO_CONFIG`` names it; default ``./kho.toml`` if present), then defaults.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from kho.errors import ConfigError

ENV_PREFIX = "KHO_"
SECRET_FIELDS = frozenset({"s3_secret_key", "secret_key", "signing_passphrase"})


class Settings(BaseModel):
    """Every setting kho reads. Immutable: build a new one with :func:`load_settings`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(default=Path("./kho-data"), description="Where the embedded backends live.")
    store_url: str = Field(default="", description="file://PATH (default: DATA_DIR/store) or s3://BUCKET.")
    s3_endpoint: str = Field(default="", description="host:port or http(s)://host:port of MinIO/S3.")
    s3_access_key: str = ""
    s3_secret_key: SecretStr = SecretStr("")
    s3_region: str = "us-east-1"
    index_url: str = Field(default="", description="sqlite:///PATH (default: DATA_DIR/index.sqlite3) or http://host:9200.")
    index_name: str = Field(default="kho-records", description="Elasticsearch alias of the records index.")
    catalog_url: str = Field(default="", description="SQLAlchemy URL (default: sqlite:///DATA_DIR/catalog.sqlite3).")
    ocr_lang: str = "vie"
    ocr_dpi: int = Field(default=300, ge=72, le=1200)
    ocr_timeout: int = Field(default=180, ge=1, description="Seconds one Tesseract/poppler call may take.")
    max_pages: int = Field(default=500, ge=1, description="Pages one input file may have.")
    max_upload_mb: int = Field(default=512, ge=1)
    jobs: int = Field(default=0, ge=0, description="Worker processes; 0 means one per core.")
    secret_key: SecretStr = SecretStr("")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    language: Literal["vi", "en"] = "vi"
    rate_limit: str = "600/minute"
    rate_limit_storage: str = "memory://"
    ratelimit_url: str = Field(
        default="", description="redis://HOST:PORT/DB: rate-limit counters shared by every web node (wins over "
        "rate_limit_storage); empty: counted in each process.",
    )
    workers: str = Field(
        default="", description="Dask scheduler of page work (tcp:// or tls://HOST:PORT); empty: local processes.",
    )
    workers_tls_ca: str = Field(default="", description="CA certificate (PEM) of the Dask cluster's TLS.")
    workers_tls_cert: str = Field(default="", description="This client's TLS certificate (PEM) for the Dask cluster.")
    workers_tls_key: str = Field(default="", description="This client's TLS private key (PEM) for the Dask cluster.")
    workers_timeout: int = Field(default=10, ge=1, description="Seconds to wait for the Dask scheduler to answer.")
    trusted_proxies: int = Field(
        default=0, ge=0, le=5,
        description="Reverse proxies in front of the web app whose X-Forwarded-For/-Proto are trusted.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of kho; QR codes point to PUBLIC_URL/verify/<code>.",
    )
    office_name: str = Field(default="", description="The certifying office named on certified copies.")
    signing_passphrase: SecretStr = Field(
        default=SecretStr(""), description="Encrypts office signing keys at rest (kho signing-keys).",
    )
    tsa_url: str = Field(default="", description="RFC 3161 time-stamp authority; empty: the office's local TSA key.")
    verify_rate_limit: str = Field(default="60/minute", description="Rate limit of the public /verify pages.")
    certify_rate_limit: str = Field(
        default="10/minute", description="Rate limit of making certified copies, per API key or client address.",
    )

    @field_validator("store_url")
    @classmethod
    def _check_store_url(cls, value: str) -> str:
        if value and urlparse(value).scheme not in ("file", "s3"):
            raise ValueError("must start with file:// or s3://")
        return value

    @field_validator("index_url")
    @classmethod
    def _check_index_url(cls, value: str) -> str:
        if value and urlparse(value).scheme not in ("sqlite", "http", "https"):
            raise ValueError("must start with sqlite:///, http:// or https://")
        nodes = [part.strip() for part in value.split(",")]
        if len(nodes) > 1 and not all(urlparse(n).scheme in ("http", "https") and urlparse(n).hostname for n in nodes):
            raise ValueError("several Elasticsearch nodes are given as http(s)://host:port separated by commas")
        return value

    @property
    def index_nodes(self) -> list[str]:
        """The Elasticsearch node URLs of ``index_url`` (one, or several separated by commas)."""
        return [part.strip() for part in self.effective_index_url.split(",") if part.strip()]

    @field_validator("workers")
    @classmethod
    def _check_workers(cls, value: str) -> str:
        if not value:
            return value
        parsed = urlparse(value)
        if parsed.scheme not in ("tcp", "tls") or not parsed.hostname or not parsed.port:
            raise ValueError("must be empty (local processes) or a Dask scheduler address tcp://HOST:PORT or tls://HOST:PORT")
        return value

    @field_validator("ratelimit_url")
    @classmethod
    def _check_ratelimit_url(cls, value: str) -> str:
        if value and urlparse(value).scheme not in ("redis", "rediss", "redis+sentinel", "redis+cluster"):
            raise ValueError("must be empty (in-process counters) or a Redis URL redis://HOST:PORT/DB")
        return value

    @model_validator(mode="after")
    def _shared_rate_limits(self) -> Settings:
        """``KHO_RATELIMIT_URL`` is where Flask-Limiter keeps its counters (``rate_limit_storage``)."""
        if self.ratelimit_url and self.rate_limit_storage != self.ratelimit_url:
            object.__setattr__(self, "rate_limit_storage", self.ratelimit_url)
        return self

    @field_validator("ocr_lang")
    @classmethod
    def _check_lang(cls, value: str) -> str:
        if not value or not all(part.isalnum() or part == "_" for part in value.replace("+", " ").split()):
            raise ValueError("must be Tesseract language codes joined by '+', e.g. vie or vie+eng")
        return value

    # Resolved views: defaults that depend on data_dir.

    @property
    def effective_store_url(self) -> str:
        """The object store URL, defaulting to a folder under the data dir."""
        return self.store_url or f"file://{(self.data_dir / 'store').resolve()}"

    @property
    def effective_index_url(self) -> str:
        """The search index URL, defaulting to an SQLite FTS5 file under the data dir."""
        return self.index_url or f"sqlite:///{(self.data_dir / 'index.sqlite3').resolve()}"

    @property
    def effective_catalog_url(self) -> str:
        """The catalog SQLAlchemy URL, defaulting to an SQLite file under the data dir."""
        return self.catalog_url or f"sqlite:///{(self.data_dir / 'catalog.sqlite3').resolve()}"

    @property
    def effective_jobs(self) -> int:
        """Worker processes to use: the setting, or one per core."""
        return self.jobs or (os.cpu_count() or 1)

    def describe(self) -> dict[str, Any]:
        """The effective settings as plain values, secrets masked (for ``kho config``)."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = "********" if value.get_secret_value() else ""
            elif isinstance(value, Path):
                value = str(value)
            out[name] = value
        out["store_url"] = self.effective_store_url
        out["index_url"] = self.effective_index_url
        out["catalog_url"] = _mask_url_password(self.effective_catalog_url)
        return out


def _mask_url_password(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":********@", 1)
    return url


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"cannot read configuration file: {e}", subject=str(path)) from e
    section = data.get("kho", data)
    if not isinstance(section, dict):
        raise ConfigError("expected a [kho] table of settings", subject=str(path))
    return {str(k).lower(): v for k, v in section.items()}


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    fields = Settings.model_fields
    values: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX) or key == "KHO_CONFIG":
            continue
        name = key[len(ENV_PREFIX):].lower()
        if name in fields:
            values[name] = value
    return values


def load_settings(
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Read settings once: overrides > ``KHO_*`` environment > ``kho.toml`` > defaults.

    Raises :class:`ConfigError` naming the offending variable when a value is invalid.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    toml_path = config_file or (Path(env["KHO_CONFIG"]) if env.get("KHO_CONFIG") else Path("kho.toml"))
    if config_file is not None or env.get("KHO_CONFIG") or toml_path.exists():
        values.update(_read_toml(toml_path))
    values.update(_from_environ(env))
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as e:
        first = e.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        variable = ENV_PREFIX + field.upper()
        raise ConfigError(f"invalid value: {first['msg']}", subject=variable) from e
