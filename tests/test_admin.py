"""The admin panel: login, the roles matrix checked in the database, CSRF, workflow, redirects."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from showcase.extensions import db
from showcase.models import AuditLog, Field, Story, StoryStatus, utcnow
from showcase.services import accounts, workflow
from showcase.services.errors import ServiceError
from tests.conftest import PASSWORD
from tests.support import TOKEN, csrf_token


@pytest.fixture
def stories(make_story, people, make_world):
    make_world()
    sa = make_story(title="Nháp của A", status=StoryStatus.DRAFT, author=people["a"])
    sb = make_story(title="Nháp của B", status=StoryStatus.DRAFT, author=people["b"])
    sp = make_story(title="Bài đã đăng", status=StoryStatus.PUBLISHED, author=people["editor"])
    return {"a": sa, "b": sb, "p": sp}


def reload(story: Story) -> Story:
    db.session.expire_all()
    return db.session.get(Story, story.id)


def story_form(world, **values) -> dict:
    data = {
        "title": "Bài mới từ biểu mẫu",
        "slug": "",
        "summary": "Tóm tắt",
        "body_md": "Nội dung **mới**.",
        "field": str(world["field"].id),
        "locality": str(world["ward"].id),
        "movements": [str(world["movement"].id)],
        "byline": "Báo Hải Phòng",
        "broadcast_summary": "",
    }
    return data | values


# --- the roles matrix -------------------------------------------------------------------------

VIEWS = {  # view -> roles that may open it
    "/admin/": {"admin", "editor", "a", "b"},
    "/admin/stories/": {"admin", "editor", "a", "b"},
    "/admin/exemplars/": {"admin", "editor"},
    "/admin/commendations/": {"admin", "editor"},
    "/admin/movements/": {"admin", "editor"},
    "/admin/fields/": {"admin", "editor"},
    "/admin/localities/": {"admin", "editor"},
    "/admin/media/": {"admin", "editor", "a", "b"},
    "/admin/coverage/": {"admin", "editor", "a", "b"},
    "/admin/users/": {"admin"},
    "/admin/trash/": {"admin", "editor"},
    "/admin/audit/": {"admin", "editor"},
    "/admin/nominations/": {"admin", "editor"},  # with the nominators' contact data
    "/admin/info_requests/": {"admin", "editor"},  # with the requesters' contact data
    "/admin/consultations/": {"admin", "editor"},
    "/admin/consultation_candidates/": {"admin", "editor"},
    "/admin/consultation_comments/": {"admin", "editor"},  # with the commenters' contact data
    "/admin/consultation_coverage/": {"admin", "editor"},
}


@pytest.mark.parametrize("url", list(VIEWS))
@pytest.mark.parametrize("role", [None, "admin", "editor", "a", "b"])
def test_every_view_by_role(as_role, url, role):
    response = as_role(role).get(url)
    if role is None:
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    elif role in VIEWS[url]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "Bạn không có quyền" in response.get_data(as_text=True)


def test_partner_lists_only_own_stories(as_role, stories):
    html = as_role("a").get("/admin/stories/").get_data(as_text=True)
    assert "Nháp của A" in html and "Nháp của B" not in html and "Bài đã đăng" not in html
    editor = as_role("editor").get("/admin/stories/").get_data(as_text=True)
    assert "Nháp của A" in editor and "Nháp của B" in editor


@pytest.mark.parametrize("view", ["details", "edit"])
def test_partner_cannot_open_another_partners_story(as_role, stories, view):
    sb = stories["b"]
    assert as_role("a").get(f"/admin/stories/{view}/?id={sb.id}").status_code == 404
    assert as_role("b").get(f"/admin/stories/{view}/?id={sb.id}").status_code == 200
    assert as_role("editor").get(f"/admin/stories/{view}/?id={sb.id}").status_code == 200


def test_partner_cannot_edit_another_partners_story(as_role, stories, make_world, csrf):
    sb = stories["b"]
    client = as_role("a")
    data = story_form(make_world(), title="Chiếm quyền", csrf_token=csrf(client, "/admin/"))
    assert client.post(f"/admin/stories/edit/?id={sb.id}", data=data).status_code == 404
    assert reload(sb).title == "Nháp của B"


def test_owner_edits_own_draft_and_body_is_rendered(as_role, stories, make_world, csrf):
    sa = stories["a"]
    client = as_role("a")
    data = story_form(
        make_world(),
        title="Nháp của A đã sửa",
        body_md="Có **chữ đậm** <script>x</script>",
        csrf_token=csrf(client, "/admin/"),
    )
    response = client.post(f"/admin/stories/edit/?id={sa.id}", data=data)
    assert response.status_code == 302
    story = reload(sa)
    assert story.title == "Nháp của A đã sửa" and "<strong>chữ đậm</strong>" in story.body_html
    assert "<script>" not in story.body_html
    edits = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "edit")).all()
    assert len(edits) == 1 and edits[0].object_id == sa.id


def test_partner_cannot_edit_own_published_story(as_role, stories, make_world, people, csrf):
    sp = stories["p"]
    sp.author = people["a"]
    db.session.commit()
    client = as_role("a")
    assert client.get(f"/admin/stories/edit/?id={sp.id}").status_code == 403
    assert client.get(f"/admin/stories/details/?id={sp.id}").status_code == 200
    data = story_form(make_world(), title="Sửa bài đã đăng", csrf_token=csrf(client, "/admin/"))
    assert client.post(f"/admin/stories/edit/?id={sp.id}", data=data).status_code == 403
    assert reload(sp).title == "Bài đã đăng"


def test_create_story_as_partner_is_own_draft(as_role, people, make_world, csrf):
    client = as_role("a")
    data = story_form(make_world(), csrf_token=csrf(client, "/admin/stories/new/"))
    response = client.post("/admin/stories/new/", data=data)
    assert response.status_code == 302
    story = db.session.scalar(db.select(Story).filter_by(title="Bài mới từ biểu mẫu"))
    assert story.status == StoryStatus.DRAFT and story.author_id == people["a"].id
    assert story.slug == "bai-moi-tu-bieu-mau" and "<strong>mới</strong>" in story.body_html
    assert db.session.scalar(db.select(AuditLog).filter_by(action="create", object_id=story.id))


@pytest.mark.parametrize(
    "field, value",
    [("status", "published"), ("featured", "y"), ("published_at", "2020-01-01 00:00:00"), ("author", "1")],
)
def test_workflow_fields_in_a_form_are_refused(as_role, make_world, field, value, csrf):
    client = as_role("a")
    data = story_form(make_world(), csrf_token=csrf(client, "/admin/stories/new/"), **{field: value})
    response = client.post("/admin/stories/new/", data=data)
    assert response.status_code == 200
    assert "Không được đặt" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Story.id))) == 0


def test_partner_cannot_create_taxonomy(as_role, csrf):
    client = as_role("a")
    token = csrf(client, "/admin/")
    response = client.post(
        "/admin/fields/new/", data={"name": "Lĩnh vực lạ", "slug": "", "csrf_token": token}
    )
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Field.id))) == 0


def test_editor_creates_taxonomy_with_slug(as_role, csrf):
    client = as_role("editor")
    token = csrf(client, "/admin/fields/new/")
    response = client.post(
        "/admin/fields/new/",
        data={"name": "Đổi mới sáng tạo", "slug": "", "description": "", "csrf_token": token},
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(Field).filter_by(slug="doi-moi-sang-tao")).name == "Đổi mới sáng tạo"


@pytest.mark.parametrize("role, allowed", [("a", False), ("b", True), ("editor", True)])
def test_delete_story_by_role(as_role, stories, role, allowed, csrf):
    story_id = stories["b"].id
    client = as_role(role)
    response = client.post(
        "/admin/stories/delete/", data={"id": story_id, "csrf_token": csrf(client, "/admin/")}
    )
    assert response.status_code == (302 if allowed else 404)
    db.session.expire_all()
    assert (db.session.get(Story, story_id) is None) == allowed


def test_partner_cannot_delete_own_published_story(as_role, stories, people, csrf):
    sp = stories["p"]
    sp.author = people["a"]
    db.session.commit()
    client = as_role("a")
    client.post("/admin/stories/delete/", data={"id": sp.id, "csrf_token": csrf(client, "/admin/")})
    db.session.expire_all()
    assert db.session.get(Story, sp.id) is not None


@pytest.mark.parametrize("role, allowed", [("a", False), ("editor", True), ("admin", True)])
def test_bulk_publish_by_role(as_role, stories, role, allowed, csrf):
    sb, sa = stories["b"], stories["a"]
    for story in (sa, sb):
        story.status = StoryStatus.IN_REVIEW
    db.session.commit()
    client = as_role(role)
    client.post(
        "/admin/stories/action/",
        data={"action": "publish", "rowid": [sa.id, sb.id], "csrf_token": csrf(client, "/admin/")},
    )
    expected = StoryStatus.PUBLISHED if allowed else StoryStatus.IN_REVIEW
    assert reload(sa).status == expected and reload(sb).status == expected


@pytest.mark.parametrize("role", ["a", "editor"])
def test_inline_edit_and_export_are_off(as_role, stories, role, csrf):
    client = as_role(role)
    sa = stories["a"]
    response = client.post(
        "/admin/stories/ajax/update/",
        data={"list_form_pk": sa.id, "title": "Đổi nhanh", "csrf_token": csrf(client, "/admin/")},
    )
    assert response.status_code == 404  # no column is editable in the list
    assert reload(sa).title == "Nháp của A"
    export = client.get("/admin/stories/export/csv/")
    assert export.status_code == 302 and "Nháp của A" not in export.get_data(as_text=True)


# --- the workflow -----------------------------------------------------------------------------


def transition(client, story, name, **form):
    return client.post(
        f"/admin/stories/workflow/{story.id}/{name}",
        data={"csrf_token": csrf_token(client, "/admin/"), **form},
    )


def test_full_workflow_with_one_audit_row_each(as_role, stories, client):
    sa = stories["a"]
    author, editor = as_role("a"), as_role("editor")
    transition(author, sa, "submit")
    assert reload(sa).status == StoryStatus.IN_REVIEW
    transition(editor, sa, "request_changes", text="Thêm số liệu")
    assert reload(sa).status == StoryStatus.DRAFT and reload(sa).review_comment == "Thêm số liệu"
    transition(author, sa, "submit")
    transition(editor, sa, "publish")
    assert reload(sa).status == StoryStatus.PUBLISHED
    assert client.get(f"/bai-viet/{sa.slug}").status_code == 200
    transition(editor, sa, "feature")
    assert reload(sa).featured
    transition(editor, sa, "retract", text="Sai thông tin nhân vật")
    story = reload(sa)
    assert story.status == StoryStatus.RETRACTED and story.retraction_reason == "Sai thông tin nhân vật"
    assert not story.featured
    assert client.get(f"/bai-viet/{sa.slug}").status_code == 410  # gone: only its notice remains
    rows = db.session.scalars(
        db.select(AuditLog)
        .where(AuditLog.object_id == sa.id, AuditLog.object_type == "Story")
        .order_by(AuditLog.id)
    ).all()
    assert [r.action for r in rows] == [
        "submit",
        "request_changes",
        "submit",
        "publish",
        "feature",
        "retract",
    ]


@pytest.mark.parametrize(
    "name", ["publish", "request_changes", "feature", "archive", "retract", "schedule", "hide"]
)
def test_partner_cannot_apply_editor_transitions(as_role, stories, name):
    sa = stories["a"]
    sa.status = StoryStatus.IN_REVIEW
    db.session.commit()
    response = transition(as_role("a"), sa, name, text="x", when="2030-01-01T08:00")
    assert response.status_code == 302
    assert reload(sa).status == StoryStatus.IN_REVIEW and reload(sa).publish_at is None
    assert not db.session.scalar(db.select(AuditLog).filter_by(action=name))


def test_illegal_transition_is_refused_with_message(as_role, stories):
    sp = stories["p"]
    editor = as_role("editor")
    response = transition(editor, sp, "submit")
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Không thể «Gửi duyệt» một bài đang ở trạng thái «Đã đăng»" in page
    assert reload(sp).status == StoryStatus.PUBLISHED


def test_transition_without_token_is_refused(as_role, stories):
    sa = stories["a"]
    response = as_role("a").post(f"/admin/stories/workflow/{sa.id}/submit")
    assert response.status_code == 400
    assert reload(sa).status == StoryStatus.DRAFT


def test_schedule_and_publish_due(as_role, stories, runner):
    sa = stories["a"]
    sa.status = StoryStatus.IN_REVIEW
    db.session.commit()
    future = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    transition(as_role("editor"), sa, "schedule", when=future)
    assert reload(sa).publish_at is not None and reload(sa).status == StoryStatus.IN_REVIEW
    db.session.execute(
        db.update(Story).where(Story.id == sa.id).values(publish_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    first = runner.invoke(args=["publish-due"])
    second = runner.invoke(args=["publish-due"])
    assert "Đã đăng 1 bài" in first.output and "Đã đăng 0 bài" in second.output
    assert reload(sa).status == StoryStatus.PUBLISHED
    assert (
        len(db.session.scalars(db.select(AuditLog).filter_by(action="publish", object_id=sa.id)).all()) == 1
    )


def test_workflow_service_refuses_unknown_and_past_schedule(stories, people):
    sa = stories["a"]
    with pytest.raises(ServiceError):
        workflow.transition(sa, "launch", by=people["editor"])
    sa.status = StoryStatus.IN_REVIEW
    with pytest.raises(ServiceError, match="tương lai"):
        workflow.transition(sa, "schedule", by=people["editor"], when=utcnow() - timedelta(hours=1))


# --- CSRF, redirects, escaping ----------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "sai-ma"])
def test_posts_without_a_valid_token_are_refused(as_role, make_world, stories, token):
    client = as_role("editor")
    world = make_world()
    extra = {} if token is None else {"csrf_token": token}
    posts = [
        ("/admin/stories/new/", story_form(world)),
        (f"/admin/stories/edit/?id={stories['a'].id}", story_form(world, title="Đổi")),
        ("/admin/stories/delete/", {"id": stories["a"].id}),
        ("/admin/stories/action/", {"action": "archive", "rowid": [stories["p"].id]}),
        (f"/admin/stories/workflow/{stories['p'].id}/archive", {}),
        ("/admin/fields/new/", {"name": "X"}),
    ]
    for url, data in posts:
        assert client.post(url, data=data | extra).status_code == 400, url
    assert reload(stories["a"]).title == "Nháp của A"
    assert reload(stories["p"]).status == StoryStatus.PUBLISHED
    assert db.session.scalar(db.select(db.func.count(Field.id))) == 1  # only make_world's


@pytest.mark.parametrize(
    "target",
    ["http://evil.example/", "http:evil.example", "//evil.example", "https:/evil.example", "/\\evil.example"],
)
def test_admin_return_url_stays_on_site(as_role, stories, make_world, target, csrf):
    client = as_role("editor")
    sa = stories["a"]
    data = story_form(make_world(), title="Đổi tiêu đề", csrf_token=csrf(client, "/admin/"))
    response = client.post("/admin/stories/edit/", query_string={"id": sa.id, "url": target}, data=data)
    assert response.status_code == 400
    assert "Địa chỉ quay lại không hợp lệ" in response.get_data(as_text=True)
    assert reload(sa).title == "Nháp của A"
    ok = client.post(f"/admin/stories/edit/?id={sa.id}&url=/admin/stories/", data=data)
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/admin/stories/")


def test_behind_a_tls_proxy(tmp_path):
    """With PROXY_FIX set, the forwarded host and scheme are the request's: redirects stay on it."""
    from tests.support import Database, build_app

    database = Database(tmp_path)
    try:
        app = build_app(tmp_path, database)
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
        with app.app_context():
            accounts.create_user("p@haiphong.test", "Proxy Editor", "editor", PASSWORD)
            db.session.commit()
        client = app.test_client()
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "guongsang.example",
            "Referer": "https://guongsang.example/dang-nhap",
        }
        page = client.get("/dang-nhap", headers=headers)
        token = TOKEN.search(page.get_data(as_text=True))
        response = client.post(
            "/dang-nhap",
            headers=headers,
            data={
                "email": "p@haiphong.test",
                "password": PASSWORD,
                "next": "//evil.example/",
                "csrf_token": token.group(1) or token.group(2),
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"] in ("/admin/", "https://guongsang.example/admin/")
        evil = client.get("/admin/stories/?url=https://evil.example/", headers=headers)
        assert evil.status_code == 400
        with app.app_context():
            db.engine.dispose()
    finally:
        database.drop()


def test_xss_is_escaped_in_admin_lists(as_role, make_story, people):
    evil = '<script>alert("x")</script>'
    make_story(title=f"Tiêu đề {evil}", author=people["editor"], status=StoryStatus.DRAFT)
    html = as_role("editor").get("/admin/stories/").get_data(as_text=True)
    assert evil not in html and "&lt;script&gt;" in html


def test_admin_pages_are_not_cached_and_use_a_nonce(as_role):
    response = as_role("editor").get("/admin/stories/")
    assert response.headers["Cache-Control"] == "no-store"
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)


# --- preview ----------------------------------------------------------------------------------


def test_preview_for_editor_and_author_only(as_role, stories):
    sa = stories["a"]
    for role, code in [(None, 302), ("b", 404), ("a", 200), ("editor", 200)]:
        response = as_role(role).get(f"/admin/stories/preview/{sa.id}")
        assert response.status_code == code, role
    page = as_role("a").get(f"/admin/stories/preview/{sa.id}")
    assert "<h1>Nháp của A</h1>" in page.get_data(as_text=True) and "Bản xem trước" in page.get_data(
        as_text=True
    )
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow" and page.headers["Cache-Control"] == "no-store"


def test_signed_preview_link_works_without_account_and_expires(app, client, stories, as_role):
    sa = stories["a"]
    edit = as_role("editor").get(f"/admin/stories/edit/?id={sa.id}").get_data(as_text=True)
    link = re.search(r'value="(http://localhost/xem-truoc/[^"]+)"', edit).group(1)
    response = client.get(link.replace("http://localhost", ""))
    assert response.status_code == 200 and "<h1>Nháp của A</h1>" in response.get_data(as_text=True)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(f"/bai-viet/{sa.slug}").status_code == 404  # still not public
    token = link.rsplit("/", 1)[1]
    tampered = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
    assert client.get("/xem-truoc/" + tampered).status_code == 404  # tampered
    from showcase.services import preview

    with app.test_request_context():
        old = preview.MAX_AGE
        preview.MAX_AGE = -1
        try:
            assert preview.story_for(token) is None  # expired
        finally:
            preview.MAX_AGE = old


# --- nothing is lost: revisions, restore, stale edits -------------------------------------------------


def edit_story(client, story, world, **values):
    page = client.get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True)
    seen = re.search(
        r'id="seen" name="seen" type="hidden" value="([^"]*)"|name="seen" type="hidden" value="([^"]*)"', page
    )
    data = story_form(world, csrf_token=csrf_token(client, "/admin/"), **values)
    if seen:
        data["seen"] = seen.group(1) or seen.group(2)
    return data


def test_revisions_diff_and_restore(as_role, stories, make_world, csrf):
    sa = stories["a"]
    world = make_world()
    client = as_role("editor")
    for title in ("Phiên bản hai", "Phiên bản ba"):
        client.post(f"/admin/stories/edit/?id={sa.id}", data=edit_story(client, sa, world, title=title))
    assert reload(sa).title == "Phiên bản ba"
    history = client.get(f"/admin/stories/history/{sa.id}").get_data(as_text=True)
    select = re.search(r'<select id="rev-b".*?</select>', history, re.S).group(0)
    ids = [int(i) for i in re.findall(r'<option value="(\d+)"', select)]  # newest first
    # the story was made without a revision: its first edit also kept what it was before
    assert len(ids) == 3 and "Khôi phục phiên bản này" in history
    assert re.findall(r"<td>(Bản \d+)", history) == ["Bản 3", "Bản 2", "Bản 1"]  # numbers, not ids
    diff = client.get(f"/admin/stories/history/{sa.id}/diff?a={ids[1]}&b={ids[0]}").get_data(as_text=True)
    diff = re.sub(r"<[^>]+>", "", diff)  # the changed words are marked <del>/<ins>
    assert "Phiên bản hai" in diff and "Phiên bản ba" in diff
    first = client.get(f"/admin/stories/history/{sa.id}/diff?a={ids[2]}&b={ids[1]}").get_data(as_text=True)
    assert "Nháp của A" in re.sub(r"<[^>]+>", "", first)
    response = client.post(
        f"/admin/stories/history/{sa.id}/restore/{ids[1]}", data={"csrf_token": csrf(client, "/admin/")}
    )
    assert response.status_code == 302
    assert reload(sa).title == "Phiên bản hai"
    again = client.get(f"/admin/stories/history/{sa.id}").get_data(as_text=True)
    assert re.findall(r"<td>(Bản \d+)", again)[0] == "Bản 4"  # restoring made a new revision
    assert db.session.scalar(db.select(AuditLog).filter_by(action="restore", object_id=sa.id))


def test_history_is_for_editors(as_role, stories):
    sa = stories["a"]
    assert as_role("a").get(f"/admin/stories/history/{sa.id}").status_code == 403
    assert as_role("editor").get(f"/admin/stories/history/{sa.id}").status_code == 200
    assert as_role("editor").get(f"/admin/stories/history/{sa.id}/diff?a=1&b=x").status_code == 400


def test_second_save_is_refused_and_text_kept(as_role, stories, make_world):
    sa = stories["a"]
    world = make_world()
    first, second = as_role("editor"), as_role("admin")
    form_first = edit_story(first, sa, world, title="Bản của người thứ nhất")
    form_second = edit_story(second, sa, world, title="Bản của người thứ hai", body_md="Đoạn viết công phu.")
    assert first.post(f"/admin/stories/edit/?id={sa.id}", data=form_first).status_code == 302
    stale = second.post(f"/admin/stories/edit/?id={sa.id}", data=form_second)
    html = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "Người khác đã lưu bản ghi này" in html
    assert "(đã đổi: Tiêu đề" in html  # what the other person changed is named
    assert "Đoạn viết công phu." in html  # their text is shown back
    assert reload(sa).title == "Bản của người thứ nhất"
    fresh = re.search(r'name="seen" type="hidden" value="([^"]*)"', html).group(1)
    again = second.post(f"/admin/stories/edit/?id={sa.id}", data=form_second | {"seen": fresh})
    assert again.status_code == 302 and reload(sa).title == "Bản của người thứ hai"


def test_delete_goes_to_trash_editor_restores_admin_purges(as_role, stories, client, csrf):
    from showcase.models import TrashItem

    sp = stories["p"]
    story_id, slug = sp.id, sp.slug
    editor = as_role("editor")
    editor.post("/admin/stories/delete/", data={"id": story_id, "csrf_token": csrf(editor, "/admin/")})
    db.session.expire_all()
    assert db.session.get(Story, story_id) is None
    assert client.get(f"/bai-viet/{slug}").status_code == 404
    item = db.session.scalar(db.select(TrashItem))
    assert item.object_id == story_id and item.label == "Bài đã đăng"
    assert "Khôi phục" in editor.get("/admin/trash/").get_data(as_text=True)
    # an editor cannot purge
    editor.post("/admin/trash/delete/", data={"id": item.id, "csrf_token": csrf(editor, "/admin/")})
    db.session.expire_all()
    assert db.session.get(TrashItem, item.id) is not None
    editor.post(f"/admin/trash/restore/{item.id}", data={"csrf_token": csrf(editor, "/admin/")})
    db.session.expire_all()
    restored = db.session.get(Story, story_id)
    assert restored is not None and restored.status == StoryStatus.PUBLISHED and restored.slug == slug
    assert client.get(f"/bai-viet/{slug}").status_code == 200
    assert db.session.scalar(db.select(db.func.count(TrashItem.id))) == 0
    # delete again, and the admin purges it for good
    editor.post("/admin/stories/delete/", data={"id": story_id, "csrf_token": csrf(editor, "/admin/")})
    admin = as_role("admin")
    item = db.session.scalar(db.select(TrashItem))
    admin.post("/admin/trash/delete/", data={"id": item.id, "csrf_token": csrf(admin, "/admin/")})
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(TrashItem.id))) == 0
    actions = [
        a.action for a in db.session.scalars(db.select(AuditLog).order_by(AuditLog.id)) if a.action != "login"
    ]
    assert actions[-4:] == ["delete", "restore", "delete", "purge"]


def test_exemplar_with_commendations_comes_back_from_trash(
    as_role, make_story, make_exemplar, make_commendation, client, csrf
):
    from showcase.models import Commendation, Exemplar, TrashItem

    person = make_exemplar(name="Bà Mẹ Việt Nam Anh Hùng Thử")
    story = make_story(exemplars=[person])
    make_commendation(exemplar=person, decision_no="55/QĐ-CTN")
    person_id, slug = person.id, person.slug
    editor = as_role("editor")
    editor.post("/admin/exemplars/delete/", data={"id": person_id, "csrf_token": csrf(editor, "/admin/")})
    db.session.expire_all()
    assert db.session.get(Exemplar, person_id) is None
    assert db.session.scalar(db.select(db.func.count(Commendation.id))) == 0
    item = db.session.scalar(db.select(TrashItem))
    editor.post(f"/admin/trash/restore/{item.id}", data={"csrf_token": csrf(editor, "/admin/")})
    db.session.expire_all()
    back = db.session.get(Exemplar, person_id)
    assert back.slug == slug and [c.decision_no for c in back.commendations] == ["55/QĐ-CTN"]
    assert back in db.session.get(Story, story.id).exemplars
    assert client.get(f"/dien-hinh/{slug}").status_code == 200


def test_deleting_a_field_in_use_is_refused_not_an_error(as_role, stories, csrf):
    field_id = stories["a"].field_id
    editor = as_role("editor")
    response = editor.post(
        "/admin/fields/delete/", data={"id": field_id, "csrf_token": csrf(editor, "/admin/")}
    )
    assert response.status_code == 302
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "vẫn đang được dùng" in page
    db.session.expire_all()
    assert db.session.get(Field, field_id) is not None


def test_duplicate_slug_is_refused_not_an_error(as_role, make_world, csrf):
    make_world()
    editor = as_role("editor")
    token = csrf(editor, "/admin/fields/new/")
    response = editor.post(
        "/admin/fields/new/", data={"name": "Y tế khác", "slug": "y-te", "csrf_token": token}
    )
    assert response.status_code == 200 and "đã có bản ghi khác dùng" in response.get_data(as_text=True)
