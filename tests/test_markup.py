"""Markdown is rendered once and sanitised by allowlist."""

import unicodedata
from html.parser import HTMLParser

import pytest

from showcase.markup import ALLOWED_TAGS, render_markdown


def parse_tags(html: str) -> list[tuple[str, list]]:
    """Return every element the browser would build from this HTML."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_renders_markdown_and_demotes_h1():
    html = render_markdown("# Tiêu đề\n\nĐoạn **đậm** và *nghiêng*.\n\n## Mục")
    assert "<h2>Tiêu đề</h2>" in html
    assert "<h2>Mục</h2>" in html
    assert "<strong>đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert "<h1>" not in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script> chữ",
        "[bấm](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<img src=x onerror="alert(1)">',
        '<a href="https://x.vn" onclick="alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<div style="position:fixed">x</div>',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_dangerous_input_is_neutralised(source):
    tags = parse_tags(render_markdown(source))
    for tag, attrs in tags:
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert not name.startswith("on") and name != "style"
            if name == "href":
                assert value.startswith(("https:", "http:", "mailto:"))


def test_safe_links_kept_with_rel():
    html = render_markdown("[Báo Hải Phòng](https://baohaiphong.vn/bai-viet)")
    assert 'href="https://baohaiphong.vn/bai-viet"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_output_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Đồ Sơn tốt")
    html = render_markdown(decomposed)
    assert "Đồ Sơn tốt" in html
    assert unicodedata.is_normalized("NFC", html)
