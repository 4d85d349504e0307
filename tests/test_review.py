"""The review queue, the word diff, "approved vs now", and the dashboards per role."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import pytest

from showcase.admin import diffing
from showcase.admin.views.dashboard import month_bounds, today_bounds
from showcase.dates import to_local
from showcase.extensions import db
from showcase.models import (
    AuditLog,
    CoverageItem,
    CoverageMedium,
    Field,
    Revision,
    Story,
    StoryStatus,
    utcnow,
)
from showcase.services import coverage, stories, workflow


def section(page: str, anchor: str) -> str:
    """The HTML of one <section> of a page, found by its heading's id."""
    start = page.index(f'id="{anchor}"')
    return page[start : page.index("</section>", start)]


def submitted(make_story, author, title: str) -> Story:
    story = make_story(title=title, status=StoryStatus.DRAFT, author=author, published_at=None)
    workflow.transition(story, "submit", by=author)
    db.session.commit()
    return story


def backdate(story: Story, action: str, hours: int) -> None:
    """Move a story's audit rows for `action` into the past."""
    for row in db.session.scalars(db.select(AuditLog).filter_by(object_id=story.id, action=action)):
        row.at = utcnow() - timedelta(hours=hours)
    db.session.commit()


# --- the queue ------------------------------------------------------------------------------------


@pytest.fixture
def queue(people, make_story):
    a, editor = people["a"], people["editor"]
    later = submitted(make_story, a, "Bài gửi sau")
    early = submitted(make_story, a, "Bài gửi trước")
    backdate(early, "submit", hours=5)
    sent_back = submitted(make_story, a, "Bài cần sửa")
    workflow.transition(sent_back, "request_changes", by=editor, text="Thiếu tên đơn vị của nhân vật.")
    scheduled = submitted(make_story, a, "Bài hẹn giờ")
    workflow.transition(scheduled, "schedule", by=editor, when=utcnow() + timedelta(days=2))
    make_story(title="Bài đã đăng", author=a)
    make_story(title="Bản nháp im lặng", status=StoryStatus.DRAFT, author=a, published_at=None)
    db.session.commit()
    return {"later": later, "early": early, "sent_back": sent_back, "scheduled": scheduled}


def test_queue_shows_each_story_in_its_section(as_role, queue, people):
    page = as_role("editor").get("/admin/review/").get_data(as_text=True)
    waiting = section(page, "waiting")
    assert waiting.index("Bài gửi trước") < waiting.index("Bài gửi sau")  # oldest first
    assert people["a"].name in waiting and "Báo Hải Phòng" in waiting
    for other in ("Bài cần sửa", "Bài hẹn giờ", "Bài đã đăng", "Bản nháp im lặng"):
        assert other not in waiting
    changes = section(page, "changes")
    assert "Bài cần sửa" in changes and "Thiếu tên đơn vị của nhân vật." in changes
    assert "Bài gửi sau" not in changes
    scheduled = section(page, "scheduled")
    assert "Bài hẹn giờ" in scheduled and "Bài gửi sau" not in scheduled
    when = to_local(queue["scheduled"].publish_at).strftime("%d/%m/%Y")
    assert when in scheduled  # in Vietnam time
    embargoed = section(page, "embargoed")
    assert "Bài hẹn giờ" in embargoed and "Bài cần sửa" not in embargoed
    assert f"/bao-chi/cam-dang/{queue['scheduled'].id}.zip" in embargoed
    # every row opens the story; the one sent back compares with the moment it was sent back
    assert f"/admin/stories/edit/?id={queue['early'].id}" in waiting
    assert f"/admin/review/compare/{queue['sent_back'].id}?since=request_changes" in changes


def test_queue_is_for_editors_only(as_role, queue):
    assert as_role("a").get("/admin/review/").status_code == 403
    assert as_role("a").get(f"/admin/review/compare/{queue['early'].id}").status_code == 403
    assert "Duyệt bài" not in as_role("a").get("/admin/").get_data(as_text=True)
    assert "/admin/review/" in as_role("editor").get("/admin/").get_data(as_text=True)
    assert as_role("admin").get("/admin/review/").status_code == 200
    editor = as_role("editor")
    assert editor.get("/admin/review/compare/99999999999").status_code == 404
    assert editor.get(f"/admin/review/compare/{queue['early'].id}?since=xoa").status_code == 400


# --- the word diff --------------------------------------------------------------------------------


def marked(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", str(html), flags=re.S)


def test_word_diff_marks_exactly_the_changed_words():
    old = "Ông Sáu gác đèn Hòn Dáu từ năm 1995, suốt ba mươi năm."
    new = "Ông Sáu giữ đèn Hòn Dáu từ năm 1996, suốt ba mươi năm."
    left, right = diffing.word_diff(old, new)
    assert marked(left, "del") == ["gác", "1995,"]  # punctuation stays with its word
    assert marked(right, "ins") == ["giữ", "1996,"]
    assert not marked(left, "ins") and not marked(right, "del")
    assert re.sub(r"<[^>]+>", "", str(left)) == old and re.sub(r"<[^>]+>", "", str(right)) == new
    # a run of changed words is one span; text typed in another Unicode form is not a change
    left, right = diffing.word_diff("Bà mẹ Việt Nam", "Bà mẹ Việt Nam anh hùng")
    assert marked(right, "ins") == ["anh hùng"] and not marked(left, "del")
    decomposed = unicodedata.normalize("NFD", "Người tốt việc tốt")
    left, right = diffing.word_diff(decomposed, "Người tốt việc tốt")
    assert "<del>" not in left and "<ins>" not in right


def test_word_diff_escapes_every_token():
    left, right = diffing.word_diff("Tin <b>cũ</b>", 'Tin <script>alert("x")</script> & mới')
    assert "<script>" not in right and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in right
    assert "&amp;" in right and "<b>" not in left and "&lt;b&gt;cũ&lt;/b&gt;" in left


def test_long_text_folds_unchanged_paragraphs():
    paragraphs = [f"Đoạn thứ {n} kể về người gác đèn." for n in range(1, 9)]
    changed = paragraphs[:6] + ["Đoạn thứ 7 kể về người giữ đèn."] + paragraphs[7:]
    rows = diffing.text_rows("\n\n".join(paragraphs), "\n\n".join(changed))
    kinds = [r.kind for r in rows]
    assert kinds == ["gap", "same", "change", "same"] and rows[0].folded == 5
    assert marked(rows[2].old, "del") == ["gác"] and marked(rows[2].new, "ins") == ["giữ"]


def test_diff_page_shows_fields_in_vietnamese_names_and_escapes_titles(
    as_role, people, make_story, make_world
):
    world = make_world()
    other_field = Field(slug="giao-duc", name="Giáo dục")
    db.session.add(other_field)
    story = make_story(title="Người gác đèn", author=people["editor"])
    stories.update(story, {"title": "Người gác đèn"}, by=people["editor"])  # keeps a first revision
    db.session.commit()
    stories.update(
        story,
        {"title": "Người <script>alert(1)</script> gác đèn", "field": other_field},
        by=people["editor"],
    )
    db.session.commit()
    ids = db.session.scalars(
        db.select(Revision.id).filter_by(object_type="Story", object_id=story.id).order_by(Revision.id)
    ).all()
    page = as_role("editor").get(f"/admin/stories/history/{story.id}/diff?a={ids[0]}&b={ids[-1]}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tiêu đề" in html and "Lĩnh vực" in html and "title" not in re.findall(r"<h3[^>]*>([^<]*)", html)
    assert "<del>Y tế</del>" in html and "<ins>Giáo dục</ins>" in html  # names, not slugs
    assert "giao-duc" not in re.sub(r'href="[^"]*"', "", html)
    assert world["field"].slug not in re.sub(r'href="[^"]*"|id="[^"]*"', "", html)
    assert "review-diff-row" in html and "admin-review." in html


# --- what was approved against now -----------------------------------------------------------------


def test_approved_vs_now_picks_the_revision_at_publish_time(as_role, people, make_story):
    editor = people["editor"]
    story = make_story(title="Bản đầu", status=StoryStatus.IN_REVIEW, author=people["a"], published_at=None)
    for title in ("Bản thứ hai", "Bản được duyệt"):
        stories.update(story, {"title": title}, by=editor)
        db.session.commit()
    workflow.transition(story, "publish", by=editor)
    db.session.commit()
    stories.update(story, {"title": "Bản sửa sau khi đăng"}, by=editor)
    db.session.commit()
    found = diffing.baseline(story)
    assert found is not None and found.revision.data["title"] == "Bản được duyệt"
    assert found.revision.created_at <= found.at
    _, comparison = diffing.against_now(story)
    assert {f.name for f in comparison.changed} == {"title", "slug"}  # the slug follows the title
    client = as_role("editor")
    page = client.get(f"/admin/review/compare/{story.id}?since=publish").get_data(as_text=True)
    assert "Bản đã duyệt" in page and "Bản <del>được duyệt</del>" in page
    assert "Bản <ins>sửa sau khi đăng</ins>" in page
    history = client.get(f"/admin/stories/history/{story.id}").get_data(as_text=True)
    assert "So với bản đã duyệt" in history and "<del>được duyệt</del>" in history
    assert "bản đã duyệt</span>" in history
    # a story never published has nothing to compare with, and says so
    draft = make_story(status=StoryStatus.DRAFT, published_at=None, author=people["a"])
    assert diffing.baseline(draft) is None
    assert "chưa từng được duyệt đăng" in client.get(f"/admin/review/compare/{draft.id}").get_data(
        as_text=True
    )


# --- dashboards -------------------------------------------------------------------------------------


def test_partner_dashboard_shows_the_comment_first_and_the_guide(as_role, people, make_story):
    a = people["a"]
    make_story(title="Bản nháp khác", status=StoryStatus.DRAFT, author=a, published_at=None)
    story = submitted(make_story, a, "Bài được trả lại")
    workflow.transition(story, "request_changes", by=people["editor"], text="Hãy thêm mô tả <ảnh> bìa.")
    db.session.commit()
    page = as_role("a").get("/admin/").get_data(as_text=True)
    mine = section(page, "drafts")
    assert mine.index("Bài được trả lại") < mine.index("Bản nháp khác")  # changes needed first
    assert "Hãy thêm mô tả &lt;ảnh&gt; bìa." in mine and "Cần sửa" in mine
    assert "Cách gửi một bài" in page and "Gửi duyệt" in section(page, "guide")
    assert 'id="waiting"' not in page and 'id="index-health"' not in page  # editors' panels
    other = as_role("b").get("/admin/").get_data(as_text=True)
    assert "Bài được trả lại" not in other and "mô tả &lt;ảnh&gt;" not in other
    # once resubmitted, the comment is gone
    workflow.transition(db.session.get(Story, story.id), "submit", by=a)
    db.session.commit()
    again = section(as_role("a").get("/admin/").get_data(as_text=True), "drafts")
    assert "mô tả &lt;ảnh&gt;" not in again and "Bài được trả lại" in again


def test_editor_dashboard_shows_today_and_this_months_coverage(as_role, people, make_story):
    editor = people["editor"]
    now = utcnow()
    start, end = today_bounds(now)
    today = submitted(make_story, people["a"], "Bài lên trang hôm nay")
    workflow.transition(today, "schedule", by=editor, when=now + (end - now) / 2)
    tomorrow = submitted(make_story, people["a"], "Bài lên trang ngày mai")
    workflow.transition(tomorrow, "schedule", by=editor, when=end + timedelta(hours=2))
    used = make_story(title="Bài được báo dùng", author=people["a"])
    first, _ = month_bounds(now)
    for outlet, title, published_on in [
        ("Báo Hải Phòng", "Tin trong tháng", to_local(now).date()),
        ("Báo Hải Phòng", "Tin thứ hai trong tháng", first),
        ("Đài PT-TH Hải Phòng", "Tin tháng trước", first - timedelta(days=1)),
    ]:
        values = {"story": used, "outlet": outlet, "title": title, "url": "", "medium": CoverageMedium.PRINT}
        coverage.save(CoverageItem(), values | {"published_on": published_on}, by=editor, created=True)
    coverage.save(
        CoverageItem(),
        {
            "story": used,
            "outlet": "Báo Hải Phòng",
            "title": "Tin chờ duyệt",
            "url": "",
            "medium": CoverageMedium.ONLINE,
            "published_on": to_local(now).date(),
        },
        by=people["a"],  # a partner's entry waits for approval
        created=True,
    )
    db.session.commit()
    page = as_role("editor").get("/admin/").get_data(as_text=True)
    going = section(page, "today")
    assert "Bài lên trang hôm nay" in going and "Bài lên trang ngày mai" not in going
    month = section(page, "coverage-month")
    assert "Báo Hải Phòng</strong>: 2 tin bài" in month and "Tin trong tháng" in month
    assert "Tin tháng trước" not in month and "Đài PT-TH" not in month and "Tin chờ duyệt" not in month
    assert to_local(now).strftime("%m/%Y") in month
    waiting = section(page, "waiting")
    assert "/admin/review/#waiting" in waiting
    health = section(page, "index-health")
    assert "Bài viết:" in health and "trong chỉ mục" in health
    assert 'id="accounts"' not in page and 'id="backups"' not in page  # admins only


def test_admin_dashboard_shows_accounts_and_backups(as_role, people):
    page = as_role("admin").get("/admin/").get_data(as_text=True)
    accounts = section(page, "accounts")
    assert re.search(r"Đối tác báo chí</span><strong>2</strong>", accounts)
    assert re.search(r"Đã khóa</span><strong>0</strong>", accounts)
    assert "flask --app showcase backup create" in section(page, "backups")
