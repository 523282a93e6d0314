"""TLS between client, scheduler and workers: a self-signed CA made here, a real cluster on tls://."""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import tempfile
from pathlib import Path

import pytest
from cluster_helpers import free_port, killing_page
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ingest.cluster import ClusterPool
from ingest.runner import Callbacks, run_pipeline
from kho.errors import ServiceUnavailableError
from kho.services.dask import LocalCluster, TlsFiles
from kho.settings import load_settings
from ocr.pipeline import OcrOptions, PageOcr, PageTask
from ocr.rasterize import SourceInfo

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_tls(folder: Path) -> TlsFiles:
    """A CA and one node certificate (server and client use, for 127.0.0.1) signed by it, as PEM files."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("kho test CA")).issuer_name(_name("kho test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    node = (x509.CertificateBuilder().subject_name(_name("kho node")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                  ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = TlsFiles(str(folder / "ca.pem"), str(folder / "node.pem"), str(folder / "node.key"))
    Path(paths.ca).write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    Path(paths.cert).write_bytes(node.public_bytes(serialization.Encoding.PEM))
    Path(paths.key).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    return paths


def test_pages_run_on_a_tls_cluster_and_a_plain_client_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent))
    root = Path(tempfile.mkdtemp(prefix="kho-cluster-tls-"))
    root.chmod(0o755)
    tls = make_tls(root)
    port = free_port()
    cluster = LocalCluster(root / "workers", tls=tls)
    try:
        status = cluster.up(1, port=port, dashboard_port=port + 1)
        assert status.scheduler == f"tls://127.0.0.1:{port}" and len(status.workers) == 1
        source = tmp_path / "a.png"
        source.write_text("bytes of a.png", encoding="utf-8")
        docs = [("a.png", [PageTask(SourceInfo(source, "png", 1), 0, OcrOptions())])]
        done: dict[str, list[str]] = {}
        callbacks: Callbacks[str, PageOcr] = Callbacks(
            on_done=lambda d, pages: done.__setitem__(d, [p.text for p in pages]),
            on_error=lambda d, e: pytest.fail(f"{d}: {e}"),
        )
        settings = load_settings(environ={}, overrides={
            "workers": status.scheduler, "workers_tls_ca": tls.ca, "workers_tls_cert": tls.cert,
            "workers_tls_key": tls.key})
        pool = ClusterPool(settings)
        try:
            run_pipeline(iter(docs), pool, 2, callbacks, killing_page)
        finally:
            pool.close()
        assert done == {"a.png": ["bytes of a.png"]}
        plain = load_settings(environ={}, overrides={"workers": f"tcp://127.0.0.1:{port}", "workers_timeout": 3})
        with pytest.raises(ServiceUnavailableError):
            ClusterPool(plain)
    finally:
        cluster.down()
        shutil.rmtree(root, ignore_errors=True)
