"""The consent rule: a story about a person without recorded consent is not published.

An adult individual needs their own consent on record (date and how it was given); a collective
needs none; a minor without a guardian's consent does not block publication by itself: the
public sees initials and no portrait (public_names.py), but the story's own text (title, summary,
body, the 60-second bulletin) and its address must not spell the minor's full name, which no
presenter can rewrite (`name_places`, the one detector: with or without diacritics, any case).
Every door that makes a story public asks `publish_refusal`: the workflow's publish and schedule,
scheduled publishing, the importer, and an edit of a published or scheduled story.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from slugify import slugify
from sqlalchemy import and_, not_, or_

from showcase import public_names
from showcase.models import Exemplar, ExemplarKind, Story
from showcase.services.errors import ServiceError

# what the admin's list filter and column say about a person's consent
STATES = {
    "missing": "Chưa có đồng ý",
    "initials": "Chưa thành niên, chỉ hiện tên viết tắt",
    "recorded": "Đã ghi nhận (hoặc tập thể, không cần)",
}


def consented(exemplar: Exemplar) -> bool:
    """Whether this exemplar's own consent is on record (a collective needs none)."""
    if exemplar.kind != ExemplarKind.INDIVIDUAL or exemplar.is_minor:
        return True
    return exemplar.consent_date is not None and exemplar.consent_method is not None


def lacking(exemplars: Iterable[Exemplar]) -> list[Exemplar]:
    """The exemplars among these whose consent is missing."""
    return [e for e in exemplars if not consented(e)]


def refusal(exemplars: Iterable[Exemplar], then: str = "rồi bấm “Duyệt và đăng” lại") -> str:
    """The editor's explanation, naming each person whose consent is missing ("" when none);
    `then` says what to do once consent is recorded."""
    names = [f"“{e.name}”" for e in lacking(exemplars)]
    if not names:
        return ""
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]
    return (
        f"Chưa thể đăng: chưa ghi nhận sự đồng ý của {who}. Hãy mở mục Điển hình, ghi ngày, "
        f"hình thức và người nhận sự đồng ý {then}."
    )


def publish_refusal(
    story: Story | None,
    exemplars: Iterable[Exemplar] | None = None,
    texts: Mapping[str, str] | None = None,
    then: str = "rồi bấm “Duyệt và đăng” lại",
) -> str:
    """Why this story may not be public ("" when it may): an adult without consent on record, or
    the full name of a minor shown by initials in its text or address. `exemplars` and `texts`
    stand for the story's people and text as an edit or an import is about to make them."""
    people = list(exemplars if exemplars is not None else story.exemplars if story is not None else [])
    messages = [m for m in [refusal(people, then)] if m]
    messages += ["Chưa thể đăng: " + m[0].lower() + m[1:] for m in name_warnings(story, people, texts)]
    return " ".join(messages)


def check_publishable(story: Story) -> None:
    """Refuse (ServiceError) a story about an adult whose consent is not on record, or one whose
    text or address spells the full name of a minor shown by initials."""
    message = publish_refusal(story)
    if message:
        raise ServiceError(message)


def state_is(state: str):
    """The SQL condition for exemplars in one of STATES (the same rule as `consented` and
    public_names.anonymised)."""
    individual = Exemplar.kind == ExemplarKind.INDIVIDUAL
    missing = and_(
        individual,
        Exemplar.is_minor.is_(False),
        or_(Exemplar.consent_date.is_(None), Exemplar.consent_method.is_(None)),
    )
    initials = and_(
        individual,
        Exemplar.is_minor.is_(True),
        or_(Exemplar.guardian_consent_date.is_(None), Exemplar.guardian_consent_method.is_(None)),
    )
    if state == "missing":
        return missing
    if state == "initials":
        return initials
    return not_(or_(missing, initials))


def describe(exemplar: Exemplar) -> str:
    """One exemplar's consent in words (the admin list's column)."""
    if exemplar.kind != ExemplarKind.INDIVIDUAL:
        return "Tập thể, không cần"
    if exemplar.is_minor:
        if public_names.anonymised(exemplar):
            return STATES["initials"]
        assert exemplar.guardian_consent_date is not None  # not anonymised: the guardian consented
        return f"Người giám hộ đồng ý {exemplar.guardian_consent_date:%d/%m/%Y}"
    if not consented(exemplar):
        return STATES["missing"]
    assert exemplar.consent_date is not None
    return f"Đồng ý {exemplar.consent_date:%d/%m/%Y}"


def _fold(text: str) -> str:
    """Text compared without diacritics, case or extra spaces: “Nguyễn  Minh KHÔI” → “nguyen minh khoi”."""
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _names(name: str, text: str) -> bool:
    """Whether a text spells this name as whole words (folded on both sides)."""
    wanted = _fold(name)
    return bool(wanted) and f" {wanted} " in f" {_fold(text)} "


def bio_warning(exemplar: Exemplar) -> str:
    """A warning for the editor when the biography of a minor shown by initials spells the full
    name ("" otherwise): the page shows the biography as written."""
    if not public_names.anonymised(exemplar) or not _names(exemplar.name, exemplar.bio_md or ""):
        return ""
    return (
        f"Tiểu sử nhắc họ tên đầy đủ “{exemplar.name}” của một người chưa thành niên chưa có đồng ý của "
        f"người giám hộ: trang công khai chỉ hiện “{public_names.public_name(exemplar)}”, hãy sửa tiểu sử."
    )


# where a story may spell a name, as the editor's form calls each place
PLACES = {
    "title": "tiêu đề",
    "summary": "tóm tắt",
    "body_md": "nội dung",
    "broadcast_summary": "bản tin 60 giây",
    "slug": "đường dẫn",
}


def story_texts(story: Story) -> dict[str, str]:
    return {name: getattr(story, name) or "" for name in PLACES}


def name_places(exemplars: Iterable[Exemplar], texts: Mapping[str, str]) -> list[tuple[Exemplar, list[str]]]:
    """The detector: each minor shown by initials whose full name a story's text spells, with
    the places (PLACES' words) it appears: folded (no diacritics, any case), and in the address
    as the slug of the name (“nguyen-minh-khoi”)."""
    found = []
    for e in exemplars:
        if not public_names.anonymised(e):
            continue
        places = [
            word for name, word in PLACES.items() if name != "slug" and _names(e.name, texts.get(name) or "")
        ]
        slug_name = slugify(e.name)
        if slug_name and f"-{slug_name}-" in f"-{texts.get('slug') or ''}-":
            places.append(PLACES["slug"])
        if places:
            found.append((e, places))
    return found


def _places(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " và " + words[-1]


def name_warnings(
    story: Story | None, exemplars: Iterable[Exemplar] | None = None, texts: Mapping[str, str] | None = None
) -> list[str]:
    """For the editor, one line per minor shown by initials whose full name the story's own text
    or address spells (title, summary, body, the 60-second bulletin, slug), which no presenter can
    rewrite: where it appears and what to write instead. The publishing gate says the same."""
    people = exemplars if exemplars is not None else story.exemplars if story is not None else []
    found = name_places(people, texts if texts is not None else story_texts(story) if story else {})
    messages = []
    for e, places in found:
        short = public_names.public_name(e)
        where = _places(places)
        address = ""
        if PLACES["slug"] in places:
            address = f" (ô “Đường dẫn (slug)”, ví dụ “{slugify(short)}-…”)"
        messages.append(
            f"Bài nhắc họ tên đầy đủ “{e.name}” ở {where}, mà đây là người chưa thành niên chưa có đồng ý "
            f"của người giám hộ (trang công khai chỉ hiện “{short}”). Hãy viết tên viết tắt “{short}” thay "
            f"cho họ tên ở {where}{address}, hoặc ghi sự đồng ý của người giám hộ ở mục Điển hình."
        )
    return messages
