"""Records as plain dicts for the API's schemas: absolute URLs from SITE_URL, times in +07:00.

The views load records through showcase/site/queries.py and register.py (so only what the
public may see), these functions turn them into the values schemas.py dumps.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app, url_for

from showcase.dates import to_local
from showcase.models import Commendation, Exemplar, Field, Locality, MediaAsset, Movement, Story
from showcase.public_names import public_name, public_portrait


def absolute(path: str) -> str:
    """The public address of a path of this site (SITE_URL, whatever host the request named)."""
    return current_app.config["SITE_URL"] + path


def site_url(endpoint: str, **values: Any) -> str:
    return absolute(url_for(endpoint, **values))


def local_time(value: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as an aware Vietnam time: ISO 8601 with +07:00."""
    return to_local(value) if value is not None else None


def media_url(key: str) -> str:
    return site_url("site.media", key=key)


def image(asset: MediaAsset | None) -> dict | None:
    if asset is None:
        return None
    renditions = sorted(asset.renditions or [], key=lambda r: r.get("width", 0))
    return {
        "url": media_url(renditions[-1]["jpeg"] if renditions else asset.file),
        "width": asset.width,
        "height": asset.height,
        "alt": asset.alt_text,
        "caption": asset.caption,
        "credit": asset.credit,
        "licence": asset.licence,
        "renditions": [
            {
                "width": r["width"],
                "height": r["height"],
                "jpeg": media_url(r["jpeg"]),
                "webp": media_url(r["webp"]) if r.get("webp") else None,
            }
            for r in renditions
        ],
    }


def field_ref(field: Field) -> dict:
    return {
        "slug": field.slug,
        "name": field.name,
        "url": site_url("site.field", slug=field.slug),
        "api_url": site_url("api.stories", field=field.slug),
    }


def field_out(field: Field, story_count: int) -> dict:
    return field_ref(field) | {"description": field.description, "story_count": story_count}


def movement_ref(movement: Movement) -> dict:
    return {
        "slug": movement.slug,
        "name": movement.name,
        "url": site_url("site.movement", slug=movement.slug),
        "api_url": site_url("api.stories", movement=movement.slug),
    }


def movement_out(movement: Movement, story_count: int) -> dict:
    return movement_ref(movement) | {
        "launched_by": movement.launched_by,
        "start_year": movement.start_year,
        "end_year": movement.end_year,
        "description": movement.description,
        "story_count": story_count,
    }


def locality_ref(unit: Locality) -> dict:
    return {
        "slug": unit.slug,
        "name": unit.name,
        "full_name": unit.full_name,
        "kind": unit.kind.value,
        "current": unit.is_current,
        "url": site_url("site.locality", slug=unit.slug),
        "api_url": site_url("api.stories", locality=unit.slug),
    }


def locality_out(unit: Locality, by_id: dict[int, Locality], replaced: Iterable[Locality]) -> dict:
    """A unit with its parent, its successor and the units it replaced (looked up in `by_id`)."""
    parent = by_id.get(unit.parent_id) if unit.parent_id else None
    successor = by_id.get(unit.replaced_by_id) if unit.replaced_by_id else None
    return locality_ref(unit) | {
        "parent": locality_ref(parent) if parent else None,
        "replaced_by": locality_ref(successor) if successor else None,
        "replaced": [locality_ref(u) for u in replaced],
    }


def exemplar_ref(exemplar: Exemplar) -> dict:
    return {
        "slug": exemplar.slug,
        "name": public_name(exemplar),
        "kind": exemplar.kind.value,
        "url": site_url("site.exemplar", slug=exemplar.slug),
        "api_url": site_url("api.exemplar", slug=exemplar.slug),
    }


def exemplar_summary(exemplar: Exemplar) -> dict:
    return exemplar_ref(exemplar) | {
        "role": exemplar.role,
        "organisation": exemplar.organisation,
        "locality": locality_ref(exemplar.locality),
        "portrait": image(public_portrait(exemplar)),
    }


def exemplar_detail(exemplar: Exemplar) -> dict:
    return exemplar_summary(exemplar) | {
        "bio_html": exemplar.bio_html,
        "bio_markdown": exemplar.bio_md,
        "commendations": [commendation_brief(c) for c in exemplar.commendations],
        "stories_url": site_url("api.stories", exemplar=exemplar.slug),
    }


def story_summary(story: Story) -> dict:
    published = local_time(story.published_at)
    return {
        "id": story.id,
        "slug": story.slug,
        "title": story.title,
        "summary": story.summary,
        "byline": story.byline,
        "featured": bool(story.featured),
        "published_at": published,
        "updated_at": local_time(story.revised_at) if story.revised_at else published,
        "url": site_url("site.story", slug=story.slug),
        "api_url": site_url("api.story", slug=story.slug),
        "field": field_ref(story.field),
        "locality": locality_ref(story.locality),
        "movements": [movement_ref(m) for m in story.movements],
        "exemplars": [exemplar_ref(e) for e in story.exemplars],
        "cover": image(story.cover),
    }


def story_detail(story: Story) -> dict:
    return story_summary(story) | {
        "body_html": story.body_html,
        "body_markdown": story.body_md,
        "broadcast_summary": story.broadcast_summary,
    }


def commendation_url(c: Commendation) -> str:
    """The commendation's permanent page, the one its QR code prints (/khen-thuong/<code>)."""
    return site_url("site.commendation", code=c.code)


def commendation_brief(c: Commendation) -> dict:
    """A commendation without whom it went to (inside that exemplar's record)."""
    return {
        "id": c.id,
        "code": c.code,
        "url": commendation_url(c),
        "qr_url": site_url("site.commendation_qr", code=c.code, kind="svg"),
        "api_url": site_url("api.commendations", decision_no=c.decision_no),
        "form": c.form,
        "level": c.level.value,
        "level_label": c.level.label,
        "issuer": c.issuer,
        "decision_no": c.decision_no,
        "decision_date": c.decision_date,
        "reason": c.reason,
        "movement": movement_ref(c.movement) if c.movement else None,
        "revoked": c.is_revoked,
        "revocation": (
            {
                "decision_no": c.revoked_decision_no,
                "date": c.revoked_on,
                "reason": c.revoked_reason or "",
            }
            if c.is_revoked
            else None
        ),
    }


def awardee(exemplar: Exemplar, public: bool) -> dict:
    """Whom a commendation went to; the addresses only when the exemplar has a public page."""
    return {
        "slug": exemplar.slug,
        "name": public_name(exemplar),
        "kind": exemplar.kind.value,
        "url": site_url("site.exemplar", slug=exemplar.slug) if public else None,
        "api_url": site_url("api.exemplar", slug=exemplar.slug) if public else None,
    }


def commendation_out(c: Commendation, public_exemplars: set[int]) -> dict:
    return commendation_brief(c) | {
        "exemplar": awardee(c.exemplar, c.exemplar_id in public_exemplars),
        "locality": locality_ref(c.exemplar.locality),
    }
