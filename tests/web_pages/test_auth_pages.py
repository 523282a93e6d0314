"""Sign-in, sign-out, sessions, CSRF, roles and the language switch."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from pages_helpers import csrf_token, post_form, sign_in, text_of

from kho.backends import Backends


def test_pages_need_sign_in_and_come_back_after_it(client: FlaskClient) -> None:
    response = client.get("/search?q=nha")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    page = text_of(client.get(response.headers["Location"]))
    assert 'name="next" value="/search?q=nha"' in page
    token = csrf_token(page)
    signed = client.post("/login", data={"csrf_token": token, "username": "can-bo", "password": "mật-khẩu-đủ-dài",
                                         "next": "/search?q=nha"})
    assert signed.status_code == 302
    assert signed.headers["Location"] == "/search?q=nha"


def test_wrong_password_is_refused_with_a_message(client: FlaskClient) -> None:
    response = sign_in(client, "can-bo", password="sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text_of(response)
    assert client.get("/search").status_code == 302


def test_sign_in_without_the_csrf_token_is_refused(client: FlaskClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "can-bo", "password": "mật-khẩu-đủ-dài"})
    assert response.status_code == 400
    assert "Biểu mẫu không hợp lệ hoặc đã hết hạn" in text_of(response)  # what to do, in the page language
    assert "CSRF token" not in text_of(response)  # the library's English detail is not mixed in


def test_next_never_leaves_the_site(client: FlaskClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        token = csrf_token(text_of(client.get("/login")))  # signing in starts a new session, new token
        response = client.post("/login", data={"csrf_token": token, "username": "can-bo",
                                               "password": "mật-khẩu-đủ-dài", "next": target})
        assert response.status_code == 302
        assert response.headers["Location"] in ("/", "/search")


def test_sign_out_needs_a_post_with_csrf_and_ends_the_session(as_user: Callable[..., FlaskClient]) -> None:
    client = as_user("can-bo")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    response = post_form(client, "/search", "/logout", {})
    assert response.status_code == 302
    assert client.get("/search").status_code == 302


def test_a_disabled_user_is_signed_out_at_the_next_request(
    as_user: Callable[..., FlaskClient], backends: Backends
) -> None:
    client = as_user("can-bo")
    assert client.get("/search").status_code == 200
    backends.catalog.disable_user("can-bo")
    assert client.get("/search").status_code == 302
    assert sign_in(client, "can-bo").status_code == 401


def test_menus_follow_the_role(as_user: Callable[..., FlaskClient]) -> None:
    official = text_of(as_user("can-bo").get("/search"))
    archivist = text_of(as_user("luu-tru").get("/search"))
    admin = text_of(as_user("quan-tri").get("/search"))
    assert 'href="/review"' not in official and 'href="/batches"' not in official
    assert 'href="/review"' in archivist and 'href="/batches"' in archivist
    assert all(link in admin for link in ('href="/review"', 'href="/batches"', 'href="/statistics"'))


def test_roles_are_enforced_on_pages(as_user: Callable[..., FlaskClient]) -> None:
    official = as_user("can-bo")
    for path in ("/review", "/batches", "/batches/new"):
        response = official.get(path)
        assert response.status_code == 403, path
        assert "Không có quyền" in text_of(response)


def test_vietnamese_by_default_and_english_on_request(as_user: Callable[..., FlaskClient]) -> None:
    client = as_user("can-bo")
    page = text_of(client.get("/search"))
    assert '<html lang="vi">' in page and "Tra cứu hồ sơ" in page
    response = post_form(client, "/search", "/language", {"lang": "en", "next": "/search"})
    assert response.headers["Location"] == "/search"
    page = text_of(client.get("/search"))
    assert '<html lang="en">' in page
    assert "Search records" in page and "Tra cứu hồ sơ" not in page
    post_form(client, "/search", "/language", {"lang": "vi", "next": "/search"})
    assert '<html lang="vi">' in text_of(client.get("/search"))


def test_the_language_switch_works_before_sign_in(client: FlaskClient) -> None:
    response = post_form(client, "/login", "/language", {"lang": "en", "next": "/login"})
    assert response.status_code == 302
    page = text_of(client.get("/login"))
    assert "Sign in" in page and "Password" in page


def test_pages_send_security_headers(as_user: Callable[..., FlaskClient]) -> None:
    response = as_user("can-bo").get("/search")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_pages_answer_a_404_page(as_user: Callable[..., FlaskClient]) -> None:
    response = as_user("can-bo").get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy" in text_of(response)
    assert response.mimetype == "text/html"


def test_the_api_is_not_affected_by_page_csrf(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert client.post("/api/v1/batches").status_code in (401, 405)
