"""deploy/nginx.conf in front of gunicorn: Debian's nginx and the real app on loopback ports."""

from __future__ import annotations

import gzip
import os
import re
import ssl
import subprocess

import pytest

from tests.servers import fetch, free_port, gunicorn, nginx, require_nginx

MEDIA_KEY = "ab/" + "c" * 64 + ".jpg"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000 + b"\xff\xd9"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """gunicorn (PROXY_FIX=1, uploads up to 1 MB) behind nginx on an http and an https port."""
    require_nginx()
    home = tmp_path_factory.mktemp("nginx")
    (home / "media" / "ab").mkdir(parents=True)
    (home / "media" / MEDIA_KEY).write_bytes(JPEG)
    (home / "media" / "packs").mkdir()
    (home / "media" / "packs" / "bai-viet.zip").write_bytes(b"PK")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-keyout", str(home / "key.pem"), "-out", str(home / "cert.pem")],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    with gunicorn(home, PROXY_FIX="1", MAX_UPLOAD_MB="1") as app:
        values = {
            "USER": "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody"),
            "HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "MEDIA_ROOT": str(home / "media"),
            "MAX_BODY_MB": "2",
            "TLS_CERT": str(home / "cert.pem"),
            "TLS_KEY": str(home / "key.pem"),
        }
        with nginx(home, app.base.removeprefix("http://"), **values):
            yield {
                "http": f"http://127.0.0.1:{http_port}",
                "https": f"https://127.0.0.1:{https_port}",
                "app": app,
                "home": home,
            }


@pytest.fixture(scope="module")
def tls():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


def served_by_app(headers: dict) -> bool:
    """Only the app sets X-Request-ID on its answers (nginx passes its id to the app, not back)."""
    return "X-Request-ID" in headers


def test_fingerprinted_static_files_come_from_nginx_for_a_year(proxy):
    status, headers, body = fetch(proxy["http"] + "/")
    assert status == 200 and served_by_app(headers)
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode()).group(1)
    status, headers, body = fetch(proxy["http"] + css, **{"Accept-Encoding": "gzip"})
    assert status == 200 and not served_by_app(headers)
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip" and b".site-header" in gzip.decompress(body)
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _ = fetch(proxy["http"] + "/static/favicon.svg")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=3600"
    assert not served_by_app(headers)


def test_media_come_from_nginx_with_their_policy_and_nothing_else_does(proxy):
    status, headers, body = fetch(proxy["http"] + "/media/" + MEDIA_KEY)
    assert status == 200 and body == JPEG and not served_by_app(headers)
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["X-Content-Type-Options"] == "nosniff"
    html = "/media/ab/" + "c" * 64 + ".html"
    others = ["/media/packs/bai-viet.zip", "/media/ab/../packs/bai-viet.zip", html]
    for path in others:
        assert fetch(proxy["http"] + path)[0] == 404, path


def test_pages_go_to_the_app_with_the_proxys_request_id(proxy):
    status, headers, _ = fetch(proxy["http"] + "/bai-viet")
    assert status == 200 and re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])  # nginx's $request_id
    assert headers["X-Request-ID"] in proxy["app"].log.read_text()


def test_proxy_fix_gives_the_public_scheme_and_host(proxy, tls):
    # a redirect the app builds as an absolute URL: the trailing-slash one
    status, headers, _ = fetch(proxy["https"] + "/admin", context=tls, Host="guongsang.example.vn")
    assert status in (301, 308)
    https_port = proxy["https"].rpartition(":")[2]  # the port the reader used (443 is left out)
    assert headers["Location"] == f"https://guongsang.example.vn:{https_port}/admin/"
    status, headers, _ = fetch(proxy["http"] + "/admin", Host="guongsang.example.vn")
    assert headers["Location"] == f"http://guongsang.example.vn:{proxy['http'].rpartition(':')[2]}/admin/"
    # what a client claims itself is replaced by nginx, never passed on
    status, headers, _ = fetch(proxy["http"] + "/admin", **{"X-Forwarded-Host": "evil.example"})
    assert "evil.example" not in headers["Location"]


def test_an_oversize_upload_is_a_vietnamese_413_page(proxy):
    status, headers, body = fetch(proxy["http"] + "/dang-nhap", data=b"x" * (3 * 1024 * 1024))
    assert status == 413
    assert headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert '<html lang="vi">' in page and "Tệp quá lớn" in page


def test_hsts_only_over_https(proxy, tls):
    for path in ["/", "/static/favicon.svg", "/media/" + MEDIA_KEY]:
        status, headers, _ = fetch(proxy["https"] + path, context=tls)
        assert status == 200 and headers["Strict-Transport-Security"].startswith("max-age=31536000"), path
        status, headers, _ = fetch(proxy["http"] + path)
        assert status == 200 and "Strict-Transport-Security" not in headers, path


def test_an_app_that_is_down_is_a_vietnamese_page(proxy):
    dead = f"127.0.0.1:{free_port()}"
    port = free_port()
    home = proxy["home"] / "down"
    home.mkdir()
    with nginx(home, dead, USER="root" if os.geteuid() == 0 else "nobody", HTTP_LISTEN=f"127.0.0.1:{port}"):
        status, _headers, body = fetch(f"http://127.0.0.1:{port}/")
    assert status == 502
    assert "Trang đang tạm ngừng phục vụ" in body.decode()
