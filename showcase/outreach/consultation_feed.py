"""The RSS feed of the consultations now open for the people's comments (/lay-y-kien/feed.xml)
and their sitemap entries. Public facts only: never a comment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask import current_app
from sqlalchemy import select

from showcase.dates import format_date
from showcase.extensions import db
from showcase.models import Consultation, ConsultationStatus, utcnow
from showcase.outreach import sitemap
from showcase.outreach.feeds import RSS, SITE_NAME, aware
from showcase.outreach.urls import absolute, site_url, tag
from showcase.services import consultations
from showcase.visibility import consultation_is_public


def open_now(now: datetime) -> list[Consultation]:
    """Consultations taking comments now, closing soonest first."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                consultation_is_public(),
                Consultation.status == ConsultationStatus.OPEN,
                Consultation.closes_at > now,
            )
            .order_by(Consultation.closes_at, Consultation.id)
        )
    )


def build() -> bytes:
    """The feed as RSS 2.0 bytes."""
    now = utcnow()
    feed = FeedGenerator()
    feed.id(tag("lay-y-kien"))
    feed.title(f"Lấy ý kiến nhân dân · {SITE_NAME}")
    feed.subtitle("Danh sách đề nghị khen thưởng đang lấy ý kiến nhân dân.")
    feed.link(href=absolute("outreach.consultations_feed"), rel="self", type=RSS)
    feed.link(href=absolute("site.consultations_list"), rel="alternate", type="text/html")
    feed.language("vi")
    agency = current_app.config["AGENCY"]
    feed.author({"name": agency["name"]})
    feed.generator(SITE_NAME, uri=site_url())
    items = open_now(now)
    for item in items:
        entry = feed.add_entry(order="append")
        entry.guid(tag(f"lay-y-kien/{item.id}"), permalink=False)
        entry.title(item.title)
        entry.link(href=absolute("site.consultation", slug=item.slug), rel="alternate", type="text/html")
        names = ", ".join(c.name for c in item.candidates)
        entry.description(
            f"Đề nghị tặng {item.award} ({item.proposing_body}). Góp ý từ {format_date(item.opens_on)} "
            f"đến hết {format_date(consultations.last_day(item))}. Danh sách: {names}."
        )
        entry.published(aware(item.updated_at))
    newest = max((i.updated_at for i in items), default=datetime(1970, 1, 1))
    feed.updated(aware(newest))
    data: bytes = feed.rss_str(pretty=True)
    return data


@sitemap.source
def consultation_pages() -> Iterator[sitemap.Url]:
    """The list and every public consultation (open, closed and decided: the record stays)."""
    rows = db.session.execute(
        select(Consultation.slug, Consultation.updated_at)
        .where(consultation_is_public())
        .order_by(Consultation.id)
    ).all()
    yield absolute("site.consultations_list"), max((r[1] for r in rows), default=None)
    for slug, updated in rows:
        yield absolute("site.consultation", slug=slug), updated
