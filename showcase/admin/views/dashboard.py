"""The panel's front page, per role: an editor sees what waits, what goes out today, what the
press used this month and the index's health; a partner their own stories (those sent back for
changes first) and how to file one; an admin also accounts and backups. Read-only."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_admin import AdminIndexView, expose
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from showcase.admin import diffing
from showcase.admin.views.base import STAFF, Guarded, me
from showcase.admin.views.nominations import status_counts
from showcase.admin.views.review import build_queue
from showcase.dates import from_local, to_local
from showcase.extensions import db
from showcase.models import AuditLog, CoverageItem, Story, StoryStatus, User, UserRole, utcnow
from showcase.search import indexing
from showcase.services import coverage, info_requests

log = logging.getLogger(__name__)


def today_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Today in Vietnam time, as naive UTC [start, end)."""
    start = from_local(to_local(now).date())
    return start, start + timedelta(days=1)


def month_bounds(now: datetime) -> tuple[date, date]:
    """This month in Vietnam time, as dates [first day, first day of next month)."""
    first = to_local(now).date().replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def going_out_today(now: datetime) -> dict[str, list[Story]]:
    start, end = today_bounds(now)
    scheduled = db.session.scalars(
        select(Story)
        .where(Story.status == StoryStatus.IN_REVIEW, Story.publish_at >= start, Story.publish_at < end)
        .order_by(Story.publish_at)
    ).all()
    published = db.session.scalars(
        select(Story)
        .where(Story.status == StoryStatus.PUBLISHED, Story.published_at >= start, Story.published_at < end)
        .order_by(Story.published_at)
    ).all()
    return {"scheduled": list(scheduled), "published": list(published)}


def coverage_this_month(now: datetime) -> list[tuple[str, list[CoverageItem]]]:
    """Approved coverage published this month, by outlet (most used first)."""
    first, following = month_bounds(now)
    items = db.session.scalars(
        select(CoverageItem)
        .where(
            CoverageItem.approved_at.is_not(None),
            CoverageItem.published_on >= first,
            CoverageItem.published_on < following,
        )
        .options(selectinload(CoverageItem.story))
        .order_by(CoverageItem.published_on.desc())
    ).all()
    outlets: dict[str, list[CoverageItem]] = {}
    for item in items:
        outlets.setdefault(item.outlet, []).append(item)
    return sorted(outlets.items(), key=lambda kv: (-len(kv[1]), kv[0].casefold()))


def index_health() -> dict[str, Any] | None:
    """The search index against the database (None when it cannot be read just now)."""
    try:
        return indexing.status()
    except Exception:  # a health panel must not take the dashboard down with it
        log.exception("could not read the search index status")
        return None


def accounts_summary() -> dict[str, Any]:
    rows = db.session.execute(select(User.role, User.active, func.count()).group_by(User.role, User.active))
    by_role = {role: 0 for role in UserRole}
    inactive = 0
    for role, active, count in rows:
        if active:
            by_role[role] += count
        else:
            inactive += count
    return {"by_role": by_role, "inactive": inactive}


@dataclass
class Mine:
    story: Story
    requested_at: datetime | None  # when the changes were requested (None: nothing asked)


def my_stories(user: User) -> list[Mine]:
    """The user's own stories still in the works: those sent back for changes first (with the
    comment and since when), then drafts, then those waiting for review."""
    stories = db.session.scalars(
        select(Story)
        .where(Story.author_id == user.id, Story.status.in_((StoryStatus.DRAFT, StoryStatus.IN_REVIEW)))
        .order_by(Story.updated_at.desc())
    ).all()
    requested = diffing.last_action_at([s.id for s in stories], ("request_changes",))
    rows = [Mine(s, requested.get(s.id) if s.review_comment else None) for s in stories]
    order = {StoryStatus.DRAFT: 1, StoryStatus.IN_REVIEW: 2}
    rows.sort(key=lambda r: 0 if r.story.review_comment else order[r.story.status])
    return rows


class Dashboard(Guarded, AdminIndexView):
    roles = STAFF

    @expose("/")
    def index(self):
        user = me()
        now = utcnow()
        context: dict[str, Any] = {"now": now, "mine": my_stories(user)}
        recent: Sequence[AuditLog] = []
        if user.is_editor:
            context |= {
                "queue": build_queue(now),
                "today": going_out_today(now),
                "coverage_month": coverage_this_month(now),
                "month": to_local(now).strftime("%m/%Y"),
                "pending_coverage": coverage.pending(),
                "health": index_health(),
                "nomination_counts": status_counts(),
                "new_info_requests": info_requests.new_count(),
            }
            recent = db.session.scalars(select(AuditLog).order_by(AuditLog.at.desc()).limit(15)).all()
        else:
            recent = db.session.scalars(
                select(AuditLog).where(AuditLog.user_id == user.id).order_by(AuditLog.at.desc()).limit(15)
            ).all()
        if user.has_role(UserRole.ADMIN):
            context["accounts"] = accounts_summary()
        ids = {a.user_id for a in recent if a.user_id}
        names = (
            dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
        )
        return self.render("admin/dashboard.html", recent=recent, names=names, **context)
