"""Read an HTML form the way a browser submits it (for tests that post a page's form back)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_class = form_class
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and self.form_class in (a.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value") or "on"))
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self.select["options"].append(self.option)
        elif tag == "textarea" and a.get("name"):
            self.textarea = {"name": a["name"], "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]]
            if not self.select["multiple"] and not chosen and options:
                chosen = options[:1]  # what a browser sends when nothing is marked selected
            for o in chosen:
                value = o["value"] if o["value"] is not None else o["text"].strip()
                self.fields.append((self.select["name"], value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # a browser drops one newline after <textarea> and sends line breaks as CRLF
            text = self.textarea["text"].replace("\r\n", "\n")
            text = text[1:] if text.startswith("\n") else text
            self.fields.append((self.textarea["name"], text.replace("\n", "\r\n")))
            self.textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_fields(html: str, form_class: str = "admin-form") -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would post for the first form with this class."""
    reader = _FormReader(form_class)
    reader.feed(html)
    return reader.fields


def as_post_data(fields: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Fields as the test client's `data=`: repeated names become lists."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in data.items()}
