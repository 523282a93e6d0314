"""Regression tests of the sign-in defects found by the probe (issue 14): D8 sessions, D9 Secure cookie."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from pages_helpers import post_form, sign_in

from kho.backends import Backends
from kho.settings import Settings
from web.app import HSTS, create_app

COOKIE = "session"


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def _replay(app: Flask, cookie: str) -> int:
    """Status of /search for a fresh browser that presents ``cookie``."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    return other.get("/search").status_code


def test_d8_logout_ends_the_session_for_the_old_cookie(
    app: Flask, as_user: Callable[..., FlaskClient]
) -> None:
    client = as_user("can-bo")
    stolen = _cookie(client)
    assert _replay(app, stolen) == 200
    assert post_form(client, "/search", "/logout", {}).status_code == 302
    assert _replay(app, stolen) == 302  # the old cookie no longer signs anyone in


def test_d8_logout_on_one_node_ends_the_session_on_every_node(
    web_settings: Settings, backends: Backends, as_user: Callable[..., FlaskClient]
) -> None:
    other_node = create_app(web_settings, backends)  # same secret key, same catalog
    client = as_user("can-bo")
    cookie = _cookie(client)
    assert _replay(other_node, cookie) == 200
    post_form(client, "/search", "/logout", {})
    assert _replay(other_node, cookie) == 302


def test_d8_disabling_a_user_ends_every_session(
    app: Flask, backends: Backends, as_user: Callable[..., FlaskClient]
) -> None:
    cookies = [_cookie(as_user("can-bo")) for _ in range(2)]
    backends.catalog.disable_user("can-bo")
    backends.catalog.enable_user("can-bo")  # enabling again does not bring the old sessions back
    assert [_replay(app, c) for c in cookies] == [302, 302]
    assert sign_in(app.test_client(), "can-bo").status_code == 302


def test_d9_secure_cookie_and_hsts_behind_an_https_proxy(web_settings: Settings, backends: Backends) -> None:
    app = create_app(web_settings.model_copy(update={"trusted_proxies": 1}), backends)
    https = app.test_client()
    https.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    https.environ_base["HTTP_REFERER"] = "https://localhost/login"  # a browser sends it (same-origin policy)
    page = https.get("/login")
    assert page.headers["Referrer-Policy"] == "same-origin"
    response = sign_in(https, "can-bo")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert response.headers["Strict-Transport-Security"] == HSTS
    plain = sign_in(app.test_client(), "can-bo")
    assert "Secure" not in plain.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in plain.headers
