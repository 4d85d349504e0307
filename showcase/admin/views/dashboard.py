"""The panel's front page: what waits for review, what is scheduled, one's own drafts."""

from __future__ import annotations

from collections.abc import Sequence

from flask_admin import AdminIndexView, expose
from sqlalchemy import select

from showcase.admin.views.base import STAFF, Guarded, me
from showcase.extensions import db
from showcase.models import AuditLog, CoverageItem, Story, StoryStatus, User
from showcase.services import coverage


class Dashboard(Guarded, AdminIndexView):
    roles = STAFF

    @expose("/")
    def index(self):
        user = me()
        waiting: Sequence[Story] = []
        scheduled: Sequence[Story] = []
        recent: Sequence[AuditLog] = []
        pending_coverage: Sequence[CoverageItem] = []
        if user.is_editor:
            waiting = db.session.scalars(
                select(Story)
                .where(Story.status == StoryStatus.IN_REVIEW, Story.publish_at.is_(None))
                .order_by(Story.updated_at)
            ).all()
            scheduled = db.session.scalars(
                select(Story)
                .where(Story.status == StoryStatus.IN_REVIEW, Story.publish_at.is_not(None))
                .order_by(Story.publish_at)
            ).all()
            recent = db.session.scalars(select(AuditLog).order_by(AuditLog.at.desc()).limit(15)).all()
            pending_coverage = coverage.pending()
        else:
            recent = db.session.scalars(
                select(AuditLog).where(AuditLog.user_id == user.id).order_by(AuditLog.at.desc()).limit(15)
            ).all()
        drafts = db.session.scalars(
            select(Story)
            .where(Story.author_id == user.id, Story.status == StoryStatus.DRAFT)
            .order_by(Story.updated_at.desc())
        ).all()
        ids = {a.user_id for a in recent if a.user_id}
        names = (
            dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
        )
        return self.render(
            "admin/dashboard.html",
            waiting=waiting,
            scheduled=scheduled,
            drafts=drafts,
            recent=recent,
            names=names,
            pending_coverage=pending_coverage,
        )
