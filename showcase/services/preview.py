"""Signed, expiring preview links: a newsroom can read a draft before publication."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_AGE = 7 * 24 * 3600  # seconds a link stays valid


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="xem-truoc")


def make_token(story_id: int) -> str:
    """A token that opens this story's preview for MAX_AGE seconds, for anyone holding it."""
    return _serializer().dumps(story_id)


def read_token(token: str) -> int | None:
    """The story id in a valid, unexpired token; None otherwise."""
    try:
        value = _serializer().loads(token, max_age=MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    return value if isinstance(value, int) else None
