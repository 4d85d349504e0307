"""Our own Vietnamese catalogues for the words the panel's frameworks print.

Flask-Admin ships a machine-made Vietnamese catalogue ("Kỷ lục được tạo thành công") and
WTForms none at all, so the panel reads ours instead:

- `vi/LC_MESSAGES/admin.po`: every Flask-Admin string a user can see (domain "admin");
- `vi/LC_MESSAGES/wtforms.po`: WTForms' and Flask-WTF's form messages (domain "wtforms"),
  read by every form whose Meta includes `FormMessages` (the panel's `AdminForm` does).

The .po files are the source; the compiled .mo files next to them are committed, so a clean
clone runs without a build step. After editing a .po, run `python -m showcase.admin.translations`
(tests/test_admin_language.py fails while a .mo is out of date).
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DIRECTORY = Path(__file__).parent
LOCALE = "vi"
DOMAINS = ("admin", "wtforms")


def po_path(domain: str) -> Path:
    return DIRECTORY / LOCALE / "LC_MESSAGES" / f"{domain}.po"


def compiled(domain: str) -> bytes:
    """The .mo bytes the .po of this domain compiles to."""
    with po_path(domain).open("rb") as po:
        catalog = read_po(po, locale=LOCALE, domain=domain)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def compile_all() -> list[Path]:
    """Write every domain's .mo from its .po; return the files written."""
    written = []
    for domain in DOMAINS:
        target = po_path(domain).with_suffix(".mo")
        target.write_bytes(compiled(domain))
        written.append(target)
    return written


@functools.cache
def wtforms_translations() -> Translations:
    """The form messages in Vietnamese (loaded once per process)."""
    return Translations.load(str(DIRECTORY), [LOCALE], domain="wtforms")  # type: ignore[return-value]


class FormMessages:
    """A WTForms Meta mixin: the form's messages ("Trường này bắt buộc.") from our catalogue.

    Flask-WTF's own i18n would load WTForms' catalogues, which have no Vietnamese."""

    def get_translations(self, form: Any) -> Translations:
        return wtforms_translations()
