"""The content/ format: which keys each kind of record takes, how long each may be, and the
one error every part of content_io raises.

A directory holds site.yaml, fields.yaml, movements.yaml, localities.yaml,
commendations.yaml, consultations.yaml, exemplars/<slug>.md, stories/<slug>.md and images/.
Every file is optional; references may point at rows already in the database.
"""

from __future__ import annotations

import re

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.S)

# key -> required? for each kind of record
FIELD_KEYS = {"slug": True, "name": True, "description": False}
MOVEMENT_KEYS = {
    "slug": True,
    "name": True,
    "launched_by": True,
    "start_year": True,
    "end_year": False,
    "description": False,
}
LOCALITY_KEYS = {"slug": True, "name": True, "kind": True, "parent": False, "replaced_by": False}
COMMENDATION_KEYS = {
    "code": False,  # the permanent public code (/khen-thuong/<code>); made on import when absent
    "exemplar": True,
    "form": True,
    "level": True,
    "issuer": True,
    "decision_no": True,
    "decision_date": True,
    "reason": False,
    "movement": False,
    "revoked": False,
}
REVOCATION_KEYS = {"decision_no": True, "date": True, "reason": True}
EXEMPLAR_KEYS = {
    "name": True,
    "kind": True,
    "locality": True,
    "role": False,
    "organisation": False,
    "portrait": False,
    "portrait_alt": False,
    # the directive's balance (/thong-ke); left out: not recorded yet
    "gender": False,  # individuals: male, female, unstated
    "work_role": False,  # individuals: direct, management
    "sector": False,  # state, non_state
    "collective_size": False,  # collectives: small, other
    # the person's consent to appear (individuals; a story about an adult without it is not
    # published) and, for a minor, the guardian's (without it: initials, no portrait)
    "consent": False,  # {date: YYYY-MM-DD, method: written|electronic|verbal|public_record, by: who}
    "minor": False,  # true: người chưa thành niên
    "guardian": False,  # minors: {name, date, method}
}
CONSENT_KEYS = {"date": True, "method": True, "by": True}
GUARDIAN_KEYS = {"name": True, "date": True, "method": True}
STORY_KEYS = {
    "title": True,
    "summary": True,
    "exemplars": True,
    "movements": True,
    "field": True,
    "locality": True,
    "published_at": False,
    "status": False,
    "featured": False,
    "byline": False,
    "broadcast_summary": False,
    "cover": False,
    "cover_alt": False,
    "cover_credit": False,
    "cover_caption": False,
    "cover_licence": False,
}
SITE_KEYS = {"sample_data": False}
# consultations.yaml: public consultations on award candidates (/lay-y-kien). The commenters'
# comments are private and never part of a content file: a `comments` key is refused.
CONSULTATION_KEYS = {
    "slug": True,
    "title": True,
    "award": True,
    "proposing_body": True,
    "intro": False,
    "opens_on": True,
    "working_days": False,  # 10 when absent (the legal minimum)
    "status": False,  # draft | open | closed | decided (draft when absent)
    "decision_no": False,  # decided: the award decision's number and date…
    "decision_date": False,
    "decision": False,  # …or, when it cannot be split so, the text the site shows
    "candidates": False,
    "coverage": False,
}
CANDIDATE_KEYS = {
    "kind": False,  # individual | collective (individual when absent)
    "name": True,
    "role": False,  # position and unit, as the list shows it
    "locality": True,
    "summary": True,
    "exemplar": False,
    "commendation": False,  # decided: a code, or {exemplar, decision_no}
}
COMMENDATION_REF_KEYS = {"exemplar": True, "decision_no": True}
CONSULTATION_COVERAGE_KEYS = {"outlet": True, "medium": True, "date": True, "url": False}
# The longest text each key may hold (the database columns' lengths).
MAX_LENGTH = {
    "slug": 120,
    "name": 200,
    "title": 300,
    "launched_by": 200,
    "role": 300,
    "organisation": 300,
    "byline": 200,
    "form": 300,
    "issuer": 300,
    "cover_credit": 300,
    "cover_licence": 300,
    "decision_no": 100,
    "code": 32,  # as typed ("k7qx-m3p9"); stored normalised, 8 characters
    "parent": 120,
    "replaced_by": 120,
    "exemplar": 120,
    "movement": 120,
    "field": 120,
    "locality": 120,
    "cover": 200,
    "portrait": 200,
    "by": 200,
    "award": 300,
    "proposing_body": 300,
    "decision": 300,
    "outlet": 200,
    "url": 1000,
}
TEXT_KEYS = {
    "code",
    "slug",
    "name",
    "title",
    "summary",
    "description",
    "launched_by",
    "kind",
    "parent",
    "replaced_by",
    "role",
    "organisation",
    "byline",
    "broadcast_summary",
    "form",
    "issuer",
    "reason",
    "level",
    "exemplar",
    "movement",
    "field",
    "locality",
    "status",
    "cover",
    "cover_alt",
    "cover_credit",
    "cover_caption",
    "cover_licence",
    "portrait",
    "portrait_alt",
    "gender",
    "work_role",
    "sector",
    "collective_size",
    "by",
    "method",
    "award",
    "proposing_body",
    "intro",
    "decision",
    "outlet",
    "medium",
    "url",
}


class ContentError(Exception):
    """A problem in one file of a content directory; str() is one line naming the file."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
