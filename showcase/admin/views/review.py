"""The editors' review queue, and a story compared with what was approved (or what was sent
back for changes). Read-only: the workflow buttons on the story itself do the changing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import abort, request
from flask_admin import BaseView, expose
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from showcase.admin import diffing
from showcase.admin.views.base import Guarded, record_id
from showcase.extensions import db
from showcase.models import Story, StoryStatus, utcnow

SUBMITTED = ("submit", "resubmit")
# what a story is compared with: the action in the audit log that marks the moment
SINCE = {
    "publish": "So với bản đã duyệt",
    "request_changes": "So với lúc yêu cầu sửa",
}


@dataclass
class Entry:
    """A story in the queue, with the moments that matter for it."""

    story: Story
    since: datetime | None = None  # submitted, or changes requested
    approved_at: datetime | None = None  # its last publish, if it was ever published
    requested_at: datetime | None = None  # its last request for changes

    @property
    def compare_with(self) -> str | None:
        """The moment this story is best compared with: what was approved, else what was sent back."""
        if self.approved_at is not None:
            return "publish"
        if self.requested_at is not None:
            return "request_changes"
        return None


@dataclass
class Queue:
    waiting: list[Entry] = field(default_factory=list)
    changes: list[Entry] = field(default_factory=list)
    scheduled: list[Entry] = field(default_factory=list)
    embargoed: list[Entry] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in ("waiting", "changes", "scheduled", "embargoed")}


def _stories(*conditions) -> list[Story]:
    query = select(Story).where(*conditions).options(selectinload(Story.author))
    return list(db.session.scalars(query))


def build_queue(now: datetime | None = None) -> Queue:
    """Every story an editor has to act on or watch, in the sections of the queue."""
    now = now or utcnow()
    in_review = _stories(Story.status == StoryStatus.IN_REVIEW)
    sent_back = _stories(Story.status == StoryStatus.DRAFT, Story.review_comment != "")
    ids = [s.id for s in in_review + sent_back]
    submitted = diffing.last_action_at(ids, SUBMITTED)
    approved = diffing.last_action_at(ids, ("publish",))
    requested = diffing.last_action_at(ids, ("request_changes",))

    def entry(story: Story, since: datetime | None) -> Entry:
        return Entry(story, since, approved.get(story.id), requested.get(story.id))

    queue = Queue()
    for story in in_review:
        if story.publish_at is None:
            queue.waiting.append(entry(story, submitted.get(story.id) or story.updated_at))
        else:
            queue.scheduled.append(entry(story, submitted.get(story.id)))
    for story in sent_back:
        queue.changes.append(entry(story, requested.get(story.id) or story.updated_at))
    queue.waiting.sort(key=lambda e: (e.since or now, e.story.id))  # oldest first
    queue.changes.sort(key=lambda e: (e.since or now, e.story.id))
    queue.scheduled.sort(key=lambda e: (e.story.publish_at or now, e.story.id))
    # what the press room shows logged-in partners: scheduled for later, with its press pack
    queue.embargoed = [e for e in queue.scheduled if e.story.publish_at and e.story.publish_at > now]
    return queue


class ReviewView(Guarded, BaseView):
    """Editors and admins only (a partner gets 403)."""

    @expose("/")
    def index(self):
        return self.render("admin/review.html", queue=build_queue(), now=utcnow(), since_labels=SINCE)

    @expose("/compare/<int:story_id>")
    def compare_view(self, story_id: int):
        story = db.session.get(Story, record_id(story_id))
        if story is None:
            abort(404)
        since = request.args.get("since", "publish")
        if since not in SINCE:
            abort(400, description="Chỉ so sánh được với bản đã duyệt hoặc với lúc yêu cầu sửa.")
        found = diffing.against_now(story, since)
        return self.render(
            "admin/review_compare.html",
            story=story,
            since=since,
            title=SINCE[since],
            baseline=found[0] if found else None,
            comparison=found[1] if found else None,
        )
