"""Markdown to sanitised HTML: the only HTML a template may mark safe."""

from __future__ import annotations

import unicodedata

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])


def nfc(text: str) -> str:
    """Return text in Unicode NFC (the only form stored)."""
    return unicodedata.normalize("NFC", text)


def render_markdown(text: str) -> str:
    """Render Markdown and keep only allowlisted tags; headings start at h2 (h1 is the page title)."""
    tokens = _md.parse(nfc(text))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 1, 6) if token.tag == "h1" else int(token.tag[1])
            token.tag = f"h{level}"
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
