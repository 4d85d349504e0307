"""Markdown to sanitised HTML: the only HTML a template may mark safe."""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

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
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "img": {"src", "alt"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# An image in a story is a photo of our library, by the address public pages serve it from
# (`/media/<key>`, what the editor's «Ảnh từ thư viện» inserts); any other image source (another
# site's tracking pixel, a data: URL) is dropped and its description kept as text.
MEDIA_SRC = re.compile(r"^/media/[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg|png|webp)$")

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
        children = token.children or []
        for i, child in enumerate(children):
            if child.type == "image" and not MEDIA_SRC.match(str(child.attrGet("src") or "")):
                children[i] = Token("text", "", 0, content=child.content)
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_library_images_only,
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    )


def _library_images_only(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not MEDIA_SRC.match(value):
        return None
    return value
