"""Names: a client's file name is display text only; names on disk and in archives are ours.

`display_name` cleans what a browser sent (kept in `MediaAsset.original_name`, shown in the
panel); `archive_entry` checks a generated name before it goes into a zip or a folder.
"""

from __future__ import annotations

import re
import unicodedata

MAX_DISPLAY = 200  # MediaAsset.original_name is String(200)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Control and format characters (C0, C1, DEL, bidi overrides that make "gpj.exe" read as
# "exe.jpg", zero-width marks), unpaired surrogates (not storable in UTF-8) and line separators.
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def display_name(name: str | None) -> str:
    """Return a client's file name as safe display text: NFC, last path component only, no
    control or format characters, at most 200 characters (the extension kept when cut)."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(" " if unicodedata.category(ch) in HIDDEN else ch for ch in text)
    text = re.split(r"[/\\]", text)[-1]  # "C:\\Ảnh\\x.jpg" and "../../x.jpg" both give "x.jpg"
    text = " ".join(text.split()).strip(" .")  # no leading dots, no runs of spaces
    if len(text) > MAX_DISPLAY:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: MAX_DISPLAY - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:MAX_DISPLAY].rstrip()
    return text


def slug_or(slug: str | None, fallback: str) -> str:
    """Return `slug` when it is a plain ASCII slug (a-z, 0-9, single hyphens), else `fallback`."""
    return slug if slug and SLUG.match(slug) else fallback


def archive_entry(*parts: str) -> str:
    """Join generated path parts into an archive entry name, refusing (ValueError) anything that
    could leave the pack's folder: an empty part, `.` or `..`, a leading `/`, a backslash, a
    drive colon or a control character."""
    name = "/".join(parts)
    for part in name.split("/"):
        if part in ("", ".", ".."):
            raise ValueError(f"tên tệp trong gói không hợp lệ: {name!r}")
    if "\\" in name or ":" in name or any(unicodedata.category(ch) in HIDDEN for ch in name):
        raise ValueError(f"tên tệp trong gói không hợp lệ: {name!r}")
    return name
