"""The consent rule: a story about a person without recorded consent is not published.

An adult individual needs their own consent on record (date and how it was given); a collective
needs none; a minor never blocks publication: without a guardian's consent the public sees
initials and no portrait (public_names.py). Every door that makes a story public asks
`check_publishable`: the workflow's publish and schedule, scheduled publishing, the importer and
an edit that adds a person to a published story.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

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


def refusal(exemplars: Iterable[Exemplar]) -> str:
    """The editor's explanation, naming each person whose consent is missing ("" when none)."""
    names = [f"“{e.name}”" for e in lacking(exemplars)]
    if not names:
        return ""
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]
    return (
        f"Chưa thể đăng: chưa ghi nhận sự đồng ý của {who}. Hãy mở mục Điển hình, ghi ngày, "
        "hình thức và người nhận sự đồng ý rồi đăng lại."
    )


def check_publishable(story: Story) -> None:
    """Refuse (ServiceError) a story about an adult whose consent is not on record."""
    message = refusal(story.exemplars)
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
    return unicodedata.normalize("NFC", text).casefold()


def bio_warning(exemplar: Exemplar) -> str:
    """A warning for the editor when the biography of a minor shown by initials spells the full
    name ("" otherwise): the page shows the biography as written."""
    if not public_names.anonymised(exemplar) or _fold(exemplar.name) not in _fold(exemplar.bio_md or ""):
        return ""
    return (
        f"Tiểu sử nhắc họ tên đầy đủ “{exemplar.name}” của một người chưa thành niên chưa có đồng ý của "
        f"người giám hộ: trang công khai chỉ hiện “{public_names.public_name(exemplar)}”, hãy sửa tiểu sử."
    )


def name_warnings(story: Story) -> list[str]:
    """Warnings for the editor: the full name of a minor shown by initials written in the story's
    own text (title, summary, body, the 60-second bulletin), which no presenter can rewrite."""
    text = _fold(
        " ".join((story.title, story.summary or "", story.body_md or "", story.broadcast_summary or ""))
    )
    return [
        f"Bài nhắc họ tên đầy đủ “{e.name}” của một người chưa thành niên chưa có đồng ý của người giám "
        f"hộ: trang công khai chỉ hiện “{public_names.public_name(e)}”, hãy sửa tiêu đề, tóm tắt và nội "
        "dung cho khớp."
        for e in story.exemplars
        if public_names.anonymised(e) and _fold(e.name) in text
    ]
