"""How a person is named and pictured in public: the one presenter every public channel asks.

A minor (người chưa thành niên) whose guardian has not consented appears by initials and without
a portrait on every page, list, feed, the API, open data, structured data, embeds, press packs,
statistics and the search index (Decree 13/2023/NĐ-CP, Art. 20: a child's image and name are
personal data that need a guardian's consent). Everything public calls `public_name` and
`public_portrait` instead of reading `Exemplar.name` and `Exemplar.portrait`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slugify import slugify

if TYPE_CHECKING:
    from showcase.models import Exemplar, MediaAsset


def guardian_consented(exemplar: Exemplar) -> bool:
    """Whether a guardian's consent is on record (date and how it was given)."""
    return exemplar.guardian_consent_date is not None and exemplar.guardian_consent_method is not None


def anonymised(exemplar: Exemplar) -> bool:
    """Whether the public sees this person by initials only: a minor without guardian consent."""
    return bool(exemplar.is_minor) and exemplar.kind == "individual" and not guardian_consented(exemplar)


def initials(name: str) -> str:
    """“Nguyễn Văn An” → “N.V.A.” (the first letter of each word, capitalised)."""
    letters = [word[0].upper() for word in name.split() if word[0].isalpha()]
    return "".join(f"{letter}." for letter in letters) or "Ẩn danh"


def public_name(exemplar: Exemplar) -> str:
    """The name the public sees: initials for an anonymised minor, the full name otherwise."""
    return initials(exemplar.name) if anonymised(exemplar) else exemplar.name


def public_portrait(exemplar: Exemplar) -> MediaAsset | None:
    """The portrait the public sees: none for an anonymised minor."""
    return None if anonymised(exemplar) else exemplar.portrait


def neutral_slug(exemplar: Exemplar) -> str:
    """A slug that does not spell the name: “dien-hinh-n-v-a” (the caller makes it unique)."""
    return slugify(f"điển hình {initials(exemplar.name)}")[:100].strip("-") or "dien-hinh"
