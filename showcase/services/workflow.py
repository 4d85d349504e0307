"""The editorial workflow: draft → in_review → published → archived, with changes requested,
scheduling, featuring, retraction, and hiding at the request of the person concerned (any
public or scheduled story → hidden → draft). Every transition writes exactly one audit row.

Views, the CLI and the API call `transition`; nothing else changes a story's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from showcase.extensions import db
from showcase.markup import nfc
from showcase.models import Story, StoryStatus, User, utcnow
from showcase.services import audit, consent
from showcase.services.errors import ServiceError

S = StoryStatus
MAX_TEXT = 1000  # a comment to the author, a public retraction reason


@dataclass(frozen=True)
class Transition:
    label: str  # the button, in Vietnamese
    sources: frozenset[StoryStatus]
    editors_only: bool = True
    needs_text: str = ""  # the text this transition asks for ("" = none)
    done: str = "Đã cập nhật bài “{title}”."  # what the editor reads once it is done

    def done_text(self, story: Story) -> str:
        return self.done.format(title=story.title)


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        "Gửi duyệt", frozenset({S.DRAFT}), editors_only=False, done="Đã gửi duyệt bài “{title}”."
    ),
    "request_changes": Transition(
        "Yêu cầu sửa",
        frozenset({S.IN_REVIEW}),
        needs_text="Nhận xét cho tác giả",
        done="Đã gửi nhận xét, trả bài “{title}” cho tác giả sửa.",
    ),
    "publish": Transition(
        "Duyệt và đăng", frozenset({S.IN_REVIEW, S.ARCHIVED}), done="Đã duyệt và đăng bài “{title}”."
    ),
    "schedule": Transition(
        "Hẹn giờ đăng",
        frozenset({S.IN_REVIEW}),
        needs_text="Thời điểm đăng",
        done="Đã hẹn giờ đăng bài “{title}”.",
    ),
    "feature": Transition(
        "Đưa lên nổi bật", frozenset({S.PUBLISHED}), done="Đã đưa bài “{title}” lên nổi bật."
    ),
    "unfeature": Transition("Bỏ nổi bật", frozenset({S.PUBLISHED}), done="Đã bỏ nổi bật bài “{title}”."),
    "archive": Transition(
        "Gỡ xuống (lưu trữ)", frozenset({S.PUBLISHED}), done="Đã gỡ bài “{title}” xuống lưu trữ."
    ),
    "retract": Transition(
        "Thu hồi",
        frozenset({S.PUBLISHED, S.ARCHIVED}),
        needs_text="Lý do thu hồi (công khai)",
        done="Đã thu hồi bài “{title}”.",
    ),
    # at the person's request: gone at once from every channel, the URL answers 410 without the
    # title or any name (retraction, by contrast, publishes the title and a reason). Only what is
    # public or about to be: published, scheduled (in review with a time, see `allowed`), or
    # retracted (its notice names the title); a draft has nothing public to take down.
    "hide": Transition(
        "Gỡ ngay theo yêu cầu",
        frozenset({S.PUBLISHED, S.IN_REVIEW, S.RETRACTED}),
        done="Đã gỡ bài “{title}” khỏi trang công khai theo yêu cầu.",
    ),
    # back to a draft: the text is corrected, then reviewed and published again by an editor
    "unhide": Transition(
        "Bỏ gỡ (trả về bản nháp)", frozenset({S.HIDDEN}), done="Đã bỏ gỡ: bài “{title}” trở về bản nháp."
    ),
}


def can_edit(story: Story, user: User) -> bool:
    """Editors edit every story; a partner edits only their own drafts and stories in review."""
    if user.is_editor:
        return True
    return story.author_id == user.id and story.status in (S.DRAFT, S.IN_REVIEW)


def allowed(story: Story, user: User) -> list[str]:
    """The transitions this user may apply to this story now."""
    names = []
    for name, t in TRANSITIONS.items():
        if story.status not in t.sources:
            continue
        if t.editors_only and not user.is_editor:
            continue
        if not t.editors_only and not can_edit(story, user):
            continue
        if name == "feature" and story.featured or name == "unfeature" and not story.featured:
            continue
        if name == "hide" and story.status == S.IN_REVIEW and story.publish_at is None:
            continue  # waiting for review, not scheduled: nothing public to take down
        names.append(name)
    return names


def transition(
    story: Story,
    name: str,
    by: User,
    text: str = "",
    when: datetime | None = None,
    info_request: int | None = None,
) -> None:
    """Apply one transition or raise ServiceError saying why it is not allowed. `info_request`
    is the id of the request a "hide" answers (recorded in the audit row)."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise ServiceError(f"Không có thao tác «{name}».")
    if name not in allowed(story, by):
        if t.editors_only and not by.is_editor:
            raise ServiceError(f"Bạn không có quyền «{t.label}».")
        if name == "hide":
            raise ServiceError(
                "Chỉ gỡ theo yêu cầu được bài đang đăng, đã hẹn giờ hoặc đã thu hồi: bài này "
                f"(«{story.status.label}») không có gì công khai để gỡ."
            )
        raise ServiceError(f"Không thể «{t.label}» một bài đang ở trạng thái «{story.status.label}».")
    text = nfc(text.strip())
    if len(text) > MAX_TEXT:
        raise ServiceError(f"Nội dung dài quá {MAX_TEXT} ký tự; hãy viết gọn lại.")
    detail: dict = {"from": story.status.value}
    now = utcnow()
    if name == "submit":
        story.status, story.review_comment = S.IN_REVIEW, ""  # the request is answered (and audited)
    elif name == "request_changes":
        if not text:
            raise ServiceError("Hãy ghi nhận xét để tác giả biết cần sửa gì.")
        story.status, story.review_comment, story.publish_at = S.DRAFT, text, None
        detail["comment"] = text
    elif name == "publish":
        consent.check_publishable(story)
        if story.cover is not None and not story.cover.alt_text.strip():
            raise ServiceError("Ảnh bìa chưa có mô tả (alt text): hãy điền mô tả ảnh trước khi đăng.")
        story.status, story.publish_at, story.review_comment = S.PUBLISHED, None, ""
        if story.published_at is None or story.published_at > now:
            story.published_at = now
    elif name == "schedule":
        consent.check_publishable(story)
        if when is None or when <= now:
            raise ServiceError("Thời điểm hẹn đăng phải ở tương lai.")
        if when > now + timedelta(days=366):
            raise ServiceError("Chỉ hẹn giờ đăng trong vòng một năm tới.")
        story.publish_at = when
        detail["publish_at"] = when.isoformat()
    elif name in ("feature", "unfeature"):
        story.featured = name == "feature"
    elif name == "archive":
        story.status, story.featured = S.ARCHIVED, False
    elif name == "retract":
        if not text:
            raise ServiceError("Cần ghi lý do thu hồi: lý do này được công bố.")
        story.status, story.featured, story.retraction_reason = S.RETRACTED, False, text
        story.retracted_at = now
        detail["reason"] = text
    elif name == "hide":
        story.status, story.featured, story.publish_at = S.HIDDEN, False, None
        story.preview_epoch = (story.preview_epoch or 0) + 1  # every preview link dies with it
        if info_request is not None:
            detail["info_request"] = info_request
        if text:
            detail["comment"] = text
    elif name == "unhide":
        story.status = S.DRAFT
    story.updated_at = now
    detail["to"] = story.status.value
    audit.record(name, story, by=by, **detail)


def publish_due(now: datetime | None = None) -> list[Story]:
    """Publish every scheduled story whose time has come (safe to run twice).

    A story whose person has no consent on record by then (withdrawn, or added after scheduling),
    or whose text spells the full name of a minor shown by initials, is not published: it stays
    in review with its schedule cleared, a note to the editors and an audit row saying why; it is
    not retried at the next run."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Story).where(
            Story.status == S.IN_REVIEW, Story.publish_at.is_not(None), Story.publish_at <= now
        )
    ).all()
    published = []
    for story in due:
        when = story.publish_at
        assert when is not None  # the query asked for scheduled stories only
        refused = consent.publish_refusal(story, then="rồi hẹn giờ hoặc bấm “Duyệt và đăng” lại")
        if refused:
            story.publish_at, story.review_comment, story.updated_at = None, refused, now
            missing = [e.id for e in consent.lacking(story.exemplars)]
            named = [e.id for e, _ in consent.name_places(story.exemplars, consent.story_texts(story))]
            audit.record(
                "publish_refused",
                story,
                by=None,
                scheduled=when.isoformat(),
                missing_consent=missing or None,
                minor_named=named or None,
            )
            continue
        story.status, story.published_at, story.publish_at = S.PUBLISHED, when, None
        story.updated_at = now
        audit.record("publish", story, by=None, scheduled=when.isoformat(), to=S.PUBLISHED.value)
        published.append(story)
    return published
