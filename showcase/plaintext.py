"""Clean plain text from a story's sanitised HTML, for files a newsroom pastes from: one block
per paragraph, heading, list or quote, a blank line between blocks, no stray spaces."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table", "hr"}
LINES = {"li", "tr", "br"}  # a new line inside the current block
SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = []
        self.line: list[str] = []
        self.lines: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number] for <ol>, [] for <ul>
        self.cells = 0

    def _end_line(self) -> None:
        text = SPACE.sub(" ", "".join(self.line).replace("\n", " ")).strip()
        if text:
            self.lines.append(text)
        self.line = []

    def _end_block(self) -> None:
        self._end_line()
        if self.lines:
            self.blocks.append(self.lines)
        self.lines = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS and not (tag in {"ul", "ol"} and self.lists):
            self._end_block()
        if tag in LINES:
            self._end_line()
        if tag in {"ul", "ol"}:
            start = dict(attrs).get("start") or "1"
            self.lists.append([int(start)] if tag == "ol" and start.isdigit() else [])
        elif tag == "li":
            counter = self.lists[-1] if self.lists else []
            self.line.append(f"{counter[0]}. " if counter else "- ")
            if counter:
                counter[0] += 1
        elif tag == "tr":
            self.cells = 0
        elif tag in {"td", "th"}:
            if self.cells:
                self.line.append(" | ")
            self.cells += 1
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.line.append(f"[Ảnh: {alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
            if not self.lists:
                self._end_block()
        elif tag in BLOCKS:
            self._end_block()
        elif tag in LINES:
            self._end_line()

    def handle_data(self, data: str) -> None:
        self.line.append(data)


def from_html(html_text: str) -> str:
    """Return the readable text of sanitised HTML: blocks separated by one blank line."""
    parser = _Text()
    parser.feed(html_text)
    parser.close()
    parser._end_block()
    return unicodedata.normalize("NFC", "\n\n".join("\n".join(lines) for lines in parser.blocks))


def paragraphs(text: str) -> str:
    """Tidy plain text a person typed: trimmed lines, one blank line between paragraphs."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    tidy = ["\n".join(SPACE.sub(" ", line).strip() for line in block.splitlines()) for block in blocks]
    return unicodedata.normalize("NFC", "\n\n".join(b for b in tidy if b))
