"""The panel speaks Vietnamese: every admin page a role can open, read as a person reads it (text,
button words, placeholders and tooltips), shows no English word from Flask-Admin or WTForms, no
machine translation, no raw code, no `__None` and no ISO/UTC timestamp."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import flask_admin
import pytest
from flask import current_app

import showcase.search.pg_models  # noqa: F401  (every model is registered, whatever ran first)
from showcase import models
from showcase.admin import labels, translations
from showcase.extensions import db
from showcase.models import CoverageItem, CoverageMedium, LabelledEnum, StoryStatus
from showcase.services import accounts, preview, stories, transaction, trash, workflow

ENGLISH = [
    "Save",
    "Cancel",
    "Delete",
    "Edit",
    "List",
    "Create",
    "Details",
    "Search",
    "Add Filter",
    "Apply",
    "Reset Filters",
    "Filter",
    "Export",
    "With selected",
    "Record",
    "records",
    "record",
    "items",
    "successfully",
    "Are you sure",
    "This field is required",
    "Not a valid",
    "Invalid",
    "Failed",
    "Please",
    "Permission denied",
    "Previous",
    "Next",
    "There are no items",
    "Home",
    "Log out",
    "Logout",
    "Select",
    "Yes",
    "true",
    "false",
    "None",
    "Toggle navigation",
    # column names Flask-Admin makes from a column without a label ("Created At", "Body Html")
    "Created At",
    "Updated At",
    "Html",
    "Version",
    "Epoch",
    "Comment",
    "Reason",
    "Hash",
    "Sha256",
    "Id",
]
MACHINE = [
    "Kỷ lục",
    "hồ sơ này không",
    "Với lựa chọn",
    "cái khác",
    "mặt hàng",
    "Hồ Sơ",
    "Hỏng khi",
    "bản ghi",
]
MODEL_NAMES = [m.class_.__name__ for m in db.Model.registry.mappers]
ENUM_CODES = sorted(
    {m.value for cls in LabelledEnum.__subclasses__() for m in cls} | set(labels.ACTIONS),
    key=len,
    reverse=True,
)
WORDS = re.compile(
    r"(?<![\w@./-])(" + "|".join(map(re.escape, ENGLISH + MODEL_NAMES + ENUM_CODES)) + r")(?![\w@-])"
)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
# what a person reads but is not ours to translate: email addresses and web addresses
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+")


class _Visible(HTMLParser):
    """The text of a page as it is read: no scripts, styles or hidden elements; placeholders,
    tooltips and the words on buttons count, other attribute values do not. Commands shown in
    <code> are literal (a shell command is not prose) and are left out."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _hidden(self, tag: str, a: dict) -> bool:
        style = (a.get("style") or "").replace(" ", "")
        return (
            tag in ("script", "style", "template", "code")
            or "hidden" in a
            or "d-none" in (a.get("class") or "").split()
            or "display:none" in style
        )

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in self.VOID:
            self.stack.append((tag, self._hidden(tag, a)))
        if any(hidden for _, hidden in self.stack):
            return
        for name in ("placeholder", "title", "aria-label", "data-placeholder"):
            if a.get(name):
                self.parts.append(a[name])
        if (
            tag == "input"
            and (a.get("type") or "").lower() in ("submit", "button", "reset")
            and a.get("value")
        ):
            self.parts.append(a["value"])

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not any(hidden for _, hidden in self.stack):
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _Visible()
    reader.feed(html)
    return NOT_WORDS.sub(" ", " ".join(" ".join(reader.parts).split()))


def leaks(html: str) -> list[str]:
    text = visible_text(html)
    found = [m.group(0) for m in WORDS.finditer(text)]
    found += [phrase for phrase in MACHINE if phrase in text]
    found += ["__None"] if "__None" in text else []
    found += [m.group(0) for m in TIMESTAMP.finditer(text)]
    return found


def test_leak_finder_finds_leaks():
    """The finder itself: it must see what it is meant to see, and not what it is not."""
    page = (
        '<h1>Danh sách</h1><button title="Delete record">x</button><input type="submit" value="Save">'
        "<p>Trạng thái: in_review · Story · 2025-10-14 17:00:00</p><p>Kỷ lục được tạo</p>"
        '<select><option value="">__None</option></select><script>var Edit = 1;</script>'
        '<div class="d-none">Record</div><p hidden>Save</p><input value="2025-10-14T17:00">'
    )
    assert leaks(page) == [
        "Delete",
        "record",
        "Save",
        "in_review",
        "Story",
        "Kỷ lục",
        "__None",
        "2025-10-14 17:00",
    ]
    ok = '<p>Người sửa: admin@haiphong.test · <a href="/admin/stories/edit/?id=1">Sửa</a> 14/10/2025</p>'
    assert leaks(ok) == []


def test_compiled_catalogues_match_their_sources():
    for domain in translations.DOMAINS:
        mo = translations.po_path(domain).with_suffix(".mo")
        assert mo.read_bytes() == translations.compiled(domain), (
            f"run python -m showcase.admin.translations ({domain})"
        )


def test_every_audit_action_the_services_write_has_a_word():
    import pathlib

    source = "".join(p.read_text() for p in pathlib.Path("showcase/services").glob("*.py"))
    written = set(re.findall(r'audit\.record\(\s*"(\w+)"', source))
    written |= set(re.findall(r'action="(\w+)"', source)) | set(workflow.TRANSITIONS)
    assert written - set(labels.ACTIONS) == set()
    assert {m for m in MODEL_NAMES if m not in ("AuditLog", "Revision")} - set(labels.KINDS) == set()


@pytest.fixture
def world(people, make_story, make_exemplar, make_commendation, make_world, as_role, login, csrf, app):
    """A small world with a history: stories in every state, a deleted one, a photo, coverage,
    a role change, a failed login, a revoked preview, a scheduled publication."""
    make_world()
    names = {"admin": "Phạm Quốc Anh", "editor": "Trần Thu Hà", "a": "Lê Minh Châu", "b": "Đỗ Thị Bình"}
    for key, name in names.items():
        people[key].name = name  # the fixture's "Người editor" would read as a raw role code
    exemplar = make_exemplar(name="Bà Nguyễn Thị Thử", kind=models.ExemplarKind.COLLECTIVE)
    make_commendation(exemplar=exemplar, level=models.CommendationLevel.LOCAL)
    draft = make_story(title="Nháp của A", status=StoryStatus.DRAFT, author=people["a"], exemplars=[exemplar])
    review = make_story(title="Chờ duyệt của A", status=StoryStatus.IN_REVIEW, author=people["a"])
    published = make_story(title="Bài đã đăng", author=people["editor"])
    doomed = make_story(title="Bài sẽ xóa", author=people["editor"])
    db.session.add(
        CoverageItem(
            story=draft,
            outlet="Báo Hải Phòng",
            title="Tin của A",
            url="https://baohaiphong.vn/tin",
            published_on=date(2025, 5, 1),
            medium=CoverageMedium.PRINT,
            created_by_id=people["a"].id,
        )
    )
    db.session.add(
        models.Nomination(
            nominee_name="Ông Vũ Văn Tốt",
            deed="Cứu người đuối nước ở bãi biển Đồ Sơn.",
            contact_name="Người gửi",
            contact_email="nguoigui@example.vn",
            status=models.NominationStatus.VERIFYING,
        )
    )
    db.session.commit()
    editor = people["editor"]

    with transaction():
        stories.update(published, {"title": "Bài đã đăng (sửa)"}, by=editor)
        workflow.transition(review, "request_changes", by=editor, text="Thêm ảnh, bớt chữ.")
        preview.revoke(published, by=editor)
        accounts.set_role(people["b"], "editor", by=people["admin"])
        trash.discard(doomed, by=editor)
    login(app.test_client(), people["a"].email, "sai-mat-khau-roi")  # a failed login, in the log
    return {"draft": draft, "published": published}


ROLE_VALUES = {"admin": "admin", "editor": "editor", "a": "partner", "b": "partner"}


def _pages(client, role: str) -> list[str]:
    """Every admin page this role can open: lists, forms, details, history and diffs, the trash,
    the audit log, the coverage report, the dashboard and the change-password page."""
    admin = current_app.extensions["showcase_admin"]
    urls = ["/admin/", "/tai-khoan/doi-mat-khau", "/admin/coverage/report/"]
    if role != "a":
        urls.append("/admin/review/")
    if role == "admin":
        urls.append("/admin/users/invite/")
    for view in admin._views:
        roles = getattr(view, "roles", ())
        if not hasattr(view, "model") or ROLE_VALUES[role] not in {r.value for r in roles}:
            continue
        base = f"/admin/{view.endpoint}/"
        listing = client.get(base)
        assert listing.status_code == 200, base
        urls += [base, base + "?search=khongcogica"]
        if view.can_create:
            urls.append(base + "new/")
        found = re.search(r"/(?:edit|details)/\?id=(\d+)", listing.get_data(as_text=True))
        if found:
            record = found.group(1)
            if view.can_edit:
                urls.append(f"{base}edit/?id={record}")
            if view.can_view_details:
                urls.append(f"{base}details/?id={record}")
            if hasattr(view, "history_view") and role != "a":
                history = f"{base}history/{record}"
                urls.append(history)
                page = client.get(history).get_data(as_text=True)
                ids = re.findall(r'<option value="(\d+)"', page)
                if len(ids) >= 2:
                    urls.append(f"{base}history/{record}/diff?a={ids[1]}&b={ids[0]}")
        if view.column_filters:
            urls.append(base + "?flt0_0=" + "x")  # an invalid filter value: the message says so
    return urls


@pytest.mark.parametrize("role", ["admin", "editor", "a"])
def test_no_english_raw_code_or_utc_time_on_any_admin_page(world, as_role, role, csrf):
    client = as_role(role)
    urls = _pages(client, role)
    expected = {"admin": 40, "editor": 35, "a": 12}[role]
    assert len(urls) >= expected, urls
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = leaks(response.get_data(as_text=True))
        if found:
            problems[url] = sorted(set(found))
    assert problems == {}


SELECT2 = Path(flask_admin.__file__).parent / "static" / "vendor" / "select2" / "select2.min.js"
SELECT2_VI = Path(__file__).resolve().parents[1] / "static" / "js" / "admin-select2-vi.js"


def test_select2_speaks_vietnamese(world, as_role):
    """Select2 writes its messages in the browser ("No matches found", "Searching…"), out of the
    pages' HTML: every message of select2.min.js that holds English is replaced by our script,
    which holds none, and every admin page that loads select2 loads it right after, before any
    script that draws a select. (tests/e2e/test_review_journey.py sees one in a real browser.)"""
    vendor = SELECT2.read_text(encoding="utf-8")
    english = set(re.findall(r'(format\w+):function\([^)]*\)\{[^}]*?"[A-Z][a-z]+', vendor))
    assert {"formatNoMatches", "formatSearching", "formatInputTooShort", "formatLoadMore"} <= english
    ours = SELECT2_VI.read_text(encoding="utf-8")
    assert english <= set(re.findall(r"(format\w+): function", ours))
    code = "\n".join(line for line in ours.splitlines() if not line.strip().startswith("//"))
    words = " ".join(re.findall(r'"([^"]*)"', code))
    assert words and not WORDS.search(words) and not re.search(r"\b(?:result|enter|character|Loading)", words)
    client = as_role("editor")
    for url in _pages(client, "editor"):
        html = client.get(url).get_data(as_text=True)
        scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
        names = [src.split("?")[0].rsplit("/", 1)[-1] for src in scripts]
        names = [re.sub(r"\.[0-9a-f]{12}(\.js)$", r"\1", name) for name in names]  # our fingerprints off
        if "select2.min.js" in names:
            assert names[names.index("select2.min.js") + 1] == "admin-select2-vi.js", url


@pytest.mark.parametrize("role", ["editor", "a"])
def test_flash_messages_and_form_errors_are_ours(world, as_role, role, csrf):
    """Created, saved, refused, deleted: each message as our catalogue words it."""
    client = as_role(role)
    token = csrf(client, "/admin/coverage/new/")
    refused = client.post("/admin/coverage/new/", data={"csrf_token": token}, follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert "Chưa tạo được: hãy xem lại các ô báo lỗi bên dưới." in page
    assert "Trường này bắt buộc." in page and "Hãy chọn bài viết." in page
    assert leaks(page) == []
    too_long = client.post(
        "/admin/coverage/new/",
        data={"csrf_token": token, "outlet": "x" * 300, "title": "Tin", "published_on": "31/02/2025"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Không được dài quá 200 ký tự." in too_long and "Ngày không hợp lệ." in too_long
    assert leaks(too_long) == []
    story = world["draft"]
    created = client.post(
        "/admin/coverage/new/",
        data={
            "csrf_token": token,
            "story": str(story.id),
            "outlet": "Báo Hải Phòng",
            "title": "Tin mới",
            "medium": "online",
            "published_on": "2025-06-01",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Đã tạo mục mới." in created and leaks(created) == []
    item = db.session.scalar(db.select(CoverageItem).filter_by(title="Tin mới"))
    assert item is not None
    deleted = client.post(
        "/admin/coverage/delete/", data={"csrf_token": token, "id": str(item.id)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Đã xóa 1 mục." in deleted and leaks(deleted) == []


def test_audit_log_reads_as_sentences(world, as_role, people):
    page = as_role("admin").get("/admin/audit/").get_data(as_text=True)
    text = visible_text(page)
    for words in [
        "Yêu cầu sửa",
        "Đổi vai trò",
        "Đăng nhập không thành công",
        "Hủy các liên kết xem trước",
        "Nhận xét: Thêm ảnh, bớt chữ.",
        "Vai trò cũ: Đối tác báo chí · Vai trò mới: Biên tập viên",
        "Bài sẽ xóa (đã xóa)",
        people["editor"].name,
    ]:
        assert words in text, words
    assert '<a href="/admin/stories/details/?id=' in page  # a story that exists is a link
    trash = as_role("editor").get("/admin/trash/").get_data(as_text=True)
    assert "Bài viết" in visible_text(trash) and people["editor"].name in visible_text(trash)


def test_dashboard_activity_in_words(world, as_role):
    text = visible_text(as_role("editor").get("/admin/").get_data(as_text=True))
    assert "Yêu cầu sửa · Bài viết Chờ duyệt của A" in text


def test_native_date_inputs(world, as_role):
    page = as_role("editor").get("/admin/commendations/new/").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*type="date"[^>]*name="decision_date"|name="decision_date"[^>]*type="date"', page
    )
    assert 'data-role="datepicker"' not in page and "datetimepicker" not in page


def test_audit_details_in_words():
    assert labels.detail_text({"to": "retracted", "reason": "Sai", "from": "published"}) == (
        "Từ: Đã đăng · Thành: Đã thu hồi · Lý do: Sai"
    )
    assert labels.detail_text({"publish_at": "2025-10-14T17:00:00"}) == "Hẹn đăng lúc: 15/10/2025 00:00"
    assert labels.detail_text({"fields": ["role", "title"]}, "User") == "Đã sửa: Vai trò, Tiêu đề"
    assert labels.action_label("something_new") == "Thao tác khác" and labels.kind_label("Nope") == "Mục khác"
