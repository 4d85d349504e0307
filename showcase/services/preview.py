"""Signed, expiring preview links: a newsroom can read a draft before publication. A link dies
when it expires, when the story is retracted, and when an editor revokes the story's links."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from showcase.extensions import db
from showcase.models import Story, StoryStatus, User
from showcase.services import audit
from showcase.services.errors import ServiceError

MAX_AGE = 7 * 24 * 3600  # seconds a link stays valid


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="xem-truoc")


def make_token(story: Story) -> str:
    """A token that opens this story's preview for MAX_AGE seconds, for anyone holding it."""
    return _serializer().dumps([story.id, story.preview_epoch])


def story_for(token: str) -> Story | None:
    """The story a valid, unexpired, unrevoked token opens; None otherwise (and once retracted)."""
    try:
        value = _serializer().loads(token, max_age=MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    story = db.session.get(Story, value[0]) if 0 < value[0] < 2**31 else None
    if (
        story is None
        or story.preview_epoch != value[1]
        or story.status in (StoryStatus.RETRACTED, StoryStatus.HIDDEN)
    ):
        return None
    return story


def revoke(story: Story, by: User) -> None:
    """End every preview link given out for this story so far (editors)."""
    if not by.is_editor:
        raise ServiceError("Chỉ biên tập viên thu hồi được đường dẫn xem trước.")
    story.preview_epoch += 1
    audit.record("preview_revoke", story, by=by)
