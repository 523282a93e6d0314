"""Pure parts of the service management: Java version parsing, node settings."""

from __future__ import annotations

from pathlib import Path

from kho.services.elasticsearch import parse_java_major, server_settings


def test_parse_java_major() -> None:
    assert parse_java_major('openjdk version "17.0.15" 2025-04-15') == 17
    assert parse_java_major('openjdk version "25" 2025-09-16') == 25
    assert parse_java_major('java version "1.8.0_392"') == 8
    assert parse_java_major("garbage") == 0


def test_node_listens_on_loopback_with_security_and_watermarks_off(tmp_path: Path) -> None:
    flags = server_settings(tmp_path / "data", tmp_path / "logs")
    assert "-Enetwork.host=127.0.0.1" in flags
    assert "-Expack.security.enabled=false" in flags
    assert "-Ecluster.routing.allocation.disk.threshold_enabled=false" in flags
    assert "-Ediscovery.type=single-node" in flags
