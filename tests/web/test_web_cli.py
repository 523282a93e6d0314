"""``kho keys`` and ``kho audit`` through click's runner, and ``kho keys`` through the real entry point."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kho.backends import open_backends
from kho.cli import cli
from kho.errors import ExitCode, UsageError
from kho.settings import load_settings

PURPOSE = "Thanh tra định kỳ"


def run(data_dir: Path, *args: str) -> Result:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("KHO_")}
    env.update({"KHO_DATA_DIR": str(data_dir)})
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    created = run(tmp_path, "keys", "create", "--role", "portal", "--name", "Cổng dịch vụ công",
                  "--scope", "type=Giấy phép xây dựng", "--scope", "locality:Quảng Nam", "--json")
    assert created.exit_code == 0, created.output
    data = json.loads(created.stdout)
    assert data["key"].startswith(f"kho_{data['id']}_")
    assert data["scopes"] == {"document_types": ["Giấy phép xây dựng"], "localities": ["Quảng Nam"]}

    plain = run(tmp_path, "keys", "create", "--role", "admin", "--name", "ops")
    assert plain.exit_code == 0
    assert plain.stdout.strip().startswith("kho_") and len(plain.stdout.strip().splitlines()) == 1

    listed = run(tmp_path, "keys", "list", "--json")
    keys = json.loads(listed.stdout)
    assert [k["role"] for k in keys] == ["admin", "portal"] or {k["role"] for k in keys} == {"admin", "portal"}
    assert data["key"] not in listed.stdout
    assert all("key" not in k for k in keys)

    revoked = run(tmp_path, "keys", "revoke", data["id"])
    assert revoked.exit_code == 0
    text = run(tmp_path, "keys", "list").stdout
    assert "thu hồi" in text and "giờ VN" in text and "Cổng dịch vụ công" in text


def test_keys_create_rejects_bad_role_and_scope(tmp_path: Path) -> None:
    bad_role = run(tmp_path, "keys", "create", "--role", "king", "--name", "x")
    assert bad_role.exit_code == 2
    with pytest.raises(Exception, match="type=NAME or locality=NAME"):
        run(tmp_path, "keys", "create", "--role", "portal", "--name", "x", "--scope", "colour=blue")


@pytest.mark.parametrize("scope", ["locality=%", "locality=Atlantis", "type=Giấy phép lái tàu vũ trụ", "type= "])
def test_d3_keys_create_validates_scopes_against_known_values(tmp_path: Path, scope: str) -> None:
    with pytest.raises(UsageError):
        run(tmp_path, "keys", "create", "--role", "portal", "--name", "x", "--scope", scope)
    listed = run(tmp_path, "keys", "list", "--json")
    assert json.loads(listed.stdout) == []  # nothing was stored


def test_d4_kho_audit_requires_and_records_its_purpose(tmp_path: Path) -> None:
    missing = run(tmp_path, "audit")
    assert missing.exit_code == 2 and "--purpose" in missing.output
    with pytest.raises(UsageError):
        run(tmp_path, "audit", "--purpose", "   ")
    assert run(tmp_path, "audit", "--purpose", PURPOSE, "--citizen", "079085001234").exit_code == 0
    out = run(tmp_path, "audit", "--purpose", PURPOSE, "--json")
    recorded = [e for e in json.loads(out.stdout) if e["action"] == "audit.query"]
    assert len(recorded) == 1  # the first query is recorded before the second one reads the trail
    assert recorded[0]["purpose"] == PURPOSE and recorded[0]["actor"].startswith("cli:")
    assert recorded[0]["citizen_id"] == "079085001234" and recorded[0]["client_address"] == "cli"


def test_audit_lists_events_filtered_by_citizen_and_date(tmp_path: Path) -> None:
    settings = load_settings(environ={}, overrides={"data_dir": tmp_path})
    backends = open_backends(settings)
    try:
        for cid in ("079085001234", "079085001234", "201234567"):
            backends.catalog.record_audit_event(
                actor="key:abc", actor_kind="key", action="citizen.documents", citizen_id=cid, purpose="kiểm tra",
                client_address="10.0.0.1",
            )
    finally:
        backends.close()
    with pytest.raises(UsageError, match="not a date"):
        run(tmp_path, "audit", "--purpose", PURPOSE, "--since", "yesterday")
    out = run(tmp_path, "audit", "--purpose", PURPOSE, "--citizen", "79085001234", "--since", "2000-01-01",
              "--actor", "key:abc", "--json")
    assert out.exit_code == 0, out.output
    events = json.loads(out.stdout)
    assert len(events) == 2 and {e["citizen_id"] for e in events} == {"079085001234"}
    assert events[0]["purpose"] == "kiểm tra" and events[0]["client_address"] == "10.0.0.1"
    assert json.loads(run(tmp_path, "audit", "--purpose", PURPOSE, "--since", "2999-01-01", "--json").stdout) == []
    assert "citizen.documents" in run(tmp_path, "audit", "--purpose", PURPOSE).stdout


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_keys_and_audit_errors_through_the_real_entry_point(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env["KHO_DATA_DIR"] = str(tmp_path)

    def kho(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kho", *args], capture_output=True, text=True, env=env,
                              timeout=120)

    created = kho("keys", "create", "--role", "official", "--name", "UBND xã", "--json")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["key"].startswith("kho_")
    missing = kho("keys", "revoke", "000000000000")
    assert missing.returncode == 4
    assert last_line(missing.stderr).startswith("kho: error: 000000000000: ") and "Traceback" not in missing.stderr
    bad = kho("audit", "--purpose", PURPOSE, "--citizen", "12ab")
    assert bad.returncode == 2
    assert last_line(bad.stderr).startswith("kho: error: citizen ID: tham số không hợp lệ (chi tiết: not a citizen ID")


def test_exit_codes_through_the_real_entry_point(tmp_path: Path) -> None:
    """Item 5: scripts tell the kinds apart (not found ≠ conflict ≠ usage), never a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env["KHO_DATA_DIR"] = str(tmp_path)

    def kho(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kho", *args], capture_output=True, text=True, env=env,
                              timeout=120, input=stdin)

    user = ("users", "create", "lan", "--role", "official", "--password-stdin")
    assert kho(*user, stdin="mật-khẩu-đủ-dài\n").returncode == ExitCode.OK
    results = {
        ExitCode.CONFLICT: kho(*user, stdin="mật-khẩu-đủ-dài\n"),
        ExitCode.NOT_FOUND: kho("users", "disable", "nobody"),
        ExitCode.USAGE: kho("keys", "create", "--role", "portal", "--name", "x", "--scope", "locality=%"),
    }
    for expected, result in results.items():
        assert result.returncode == expected, (expected, result.stderr)
        assert last_line(result.stderr).startswith("kho: error: ") and "Traceback" not in result.stderr
    assert len({ExitCode.CONFLICT, ExitCode.NOT_FOUND, ExitCode.USAGE}) == 3


def test_kho_serve_answers_on_a_loopback_port(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env["KHO_DATA_DIR"] = str(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "kho", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5) as r:
                    assert json.loads(r.read())["openapi"].startswith("3.1")
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "kho serve did not start"
                time.sleep(0.2)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert f"đang phục vụ tại http://127.0.0.1:{port}/" in stderr
    assert "Traceback" not in stderr
