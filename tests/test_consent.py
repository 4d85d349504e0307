"""Consent of the people in our stories (issue 12, part 5): a story about an adult without
recorded consent is not published — by the workflow, the admin, scheduled publishing or the
importer — and a minor without a guardian's consent appears by initials and without a portrait
on every public channel (pages, lists, search and its index, feeds, API, open data, structured
data, the widget, press packs, the register, statistics and the sitemap)."""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from showcase import content_io
from showcase.extensions import db
from showcase.media import images
from showcase.models import AuditLog, ConsentMethod, Exemplar, ExemplarKind, Story, StoryStatus, utcnow
from showcase.public_names import initials
from showcase.search.schema import exemplar_document, story_document
from showcase.services import checks, exemplars, stories, workflow
from showcase.services.errors import ServiceError
from tests.support import csrf_token, image_bytes
from tests.test_content_io import FILES, write_content

MINOR = "Trịnh Khánh Vy"
FOLDED = "Trinh Khanh Vy"
INITIALS = "T.K.V."
ADULT = "Lương Văn Đồng"
CONSENT = {
    "consent_date": date(2024, 3, 1),
    "consent_method": ConsentMethod.WRITTEN,
    "consent_by": "Phóng viên Báo Hải Phòng",
}
GUARDIAN = {
    "guardian_name": "Trịnh Văn Hải (bố)",
    "guardian_consent_date": date(2024, 3, 2),
    "guardian_consent_method": ConsentMethod.WRITTEN,
}


def reload(record):
    db.session.expire_all()
    return db.session.get(type(record), record.id)


def test_initials():
    assert initials("Nguyễn Văn An") == "N.V.A."
    assert initials("Đặng  thị   Ánh") == "Đ.T.Á."
    assert initials(MINOR) == INITIALS


# --- the publish gate: services ---------------------------------------------------------------


@pytest.fixture
def unconsented(make_exemplar):
    return make_exemplar(name=ADULT, consent=False)


def test_publish_refused_naming_the_person(ctx, editor, make_story, make_exemplar, unconsented):
    collective = make_exemplar(name="Tổ dân phố số 5", kind=ExemplarKind.COLLECTIVE, consent=False)
    story = make_story(status=StoryStatus.IN_REVIEW, published_at=None, exemplars=[unconsented, collective])
    with pytest.raises(ServiceError, match=f"chưa ghi nhận sự đồng ý của “{ADULT}”"):
        workflow.transition(story, "publish", by=editor)
    with pytest.raises(ServiceError, match=ADULT):
        workflow.transition(story, "schedule", by=editor, when=utcnow() + timedelta(days=1))
    db.session.rollback()
    story = reload(story)
    assert story.status == StoryStatus.IN_REVIEW and story.publish_at is None and story.published_at is None

    exemplars.save_exemplar(unconsented, dict(CONSENT), by=editor, created=False)
    workflow.transition(story, "publish", by=editor)  # a collective needs no personal consent
    db.session.commit()
    assert reload(story).status == StoryStatus.PUBLISHED


def test_a_minor_without_guardian_consent_does_not_block(ctx, editor, make_story, make_exemplar):
    minor = make_exemplar(name=MINOR, is_minor=True, consent=False)
    story = make_story(status=StoryStatus.IN_REVIEW, published_at=None, exemplars=[minor])
    workflow.transition(story, "publish", by=editor)
    db.session.commit()
    assert reload(story).status == StoryStatus.PUBLISHED


def test_adding_a_person_without_consent_to_a_public_story_is_refused(ctx, editor, make_story, unconsented):
    story = make_story()
    with pytest.raises(ServiceError, match=ADULT):
        stories.update(story, {"title": story.title, "exemplars": [*story.exemplars, unconsented]}, by=editor)
    db.session.rollback()
    assert unconsented not in reload(story).exemplars


def test_publish_due_leaves_a_story_without_consent_unpublished(ctx, editor, make_story, make_exemplar):
    person = make_exemplar(name=ADULT)
    story = make_story(status=StoryStatus.IN_REVIEW, published_at=None, exemplars=[person])
    workflow.transition(story, "schedule", by=editor, when=utcnow() + timedelta(hours=1))
    # consent withdrawn after scheduling (allowed: nothing about the person is public yet)
    exemplars.save_exemplar(
        person, {"consent_date": None, "consent_method": None, "consent_by": ""}, by=editor, created=False
    )
    db.session.commit()

    assert workflow.publish_due(now=utcnow() + timedelta(hours=2)) == []
    db.session.commit()
    story = reload(story)
    assert story.status == StoryStatus.IN_REVIEW and story.published_at is None
    assert story.publish_at is None  # not retried at every run
    assert ADULT in story.review_comment
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "publish_refused"))
    assert row is not None and row.object_id == story.id and row.detail["missing_consent"] == [person.id]
    assert workflow.publish_due(now=utcnow() + timedelta(hours=3)) == []  # safe to run twice


def test_withdrawing_consent_while_a_story_is_public_is_refused(ctx, editor, make_story):
    story = make_story()
    person = story.exemplars[0]
    with pytest.raises(ServiceError, match="đang có bài viết đã đăng"):
        exemplars.save_exemplar(
            person, {"consent_date": None, "consent_method": None, "consent_by": ""}, by=editor, created=False
        )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (CONSENT | {"consent_date": checks.today() + timedelta(days=1)}, "không thể ở tương lai"),
        ({"consent_date": date(2024, 1, 1)}, "cần đủ cả: Hình thức đồng ý, Người ghi nhận"),
        (GUARDIAN, "Chỉ ghi người giám hộ cho người chưa thành niên"),
        ({"is_minor": True, "guardian_name": "Bà nội"}, "sự đồng ý của người giám hộ cần đủ cả"),
        ({"kind": ExemplarKind.COLLECTIVE} | CONSENT, "Tập thể không cần"),
    ],
)
def test_consent_record_is_checked(ctx, editor, make_world, values, message):
    world = make_world()
    exemplar = Exemplar()
    base = {"name": ADULT, "kind": ExemplarKind.INDIVIDUAL, "locality": world["ward"]}
    with pytest.raises(ServiceError, match=message):
        exemplars.save_exemplar(exemplar, base | values, by=editor, created=True)


def test_minor_gets_a_neutral_slug(ctx, editor, make_world):
    world = make_world()
    minor = Exemplar()
    values = {"name": MINOR, "kind": ExemplarKind.INDIVIDUAL, "locality": world["ward"], "is_minor": True}
    exemplars.save_exemplar(minor, values | {"slug": "trinh-khanh-vy"}, by=editor, created=True)
    db.session.commit()
    assert minor.slug == "dien-hinh-t-k-v"
    other = Exemplar()
    exemplars.save_exemplar(other, values | {"name": "Trần Khắc Việt"}, by=editor, created=True)
    assert other.slug == "dien-hinh-t-k-v-2"
    # with the guardian's consent the editor may give the page a named link
    exemplars.save_exemplar(minor, GUARDIAN | {"slug": "trinh-khanh-vy"}, by=editor, created=False)
    assert minor.slug == "trinh-khanh-vy"


# --- the publish gate: the admin door ---------------------------------------------------------


def test_admin_publish_refused_and_says_why(as_role, ctx, make_story, unconsented):
    story = make_story(status=StoryStatus.IN_REVIEW, published_at=None, exemplars=[unconsented])
    client = as_role("editor")
    edit = client.get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True)
    assert f"chưa ghi nhận sự đồng ý của “{ADULT}”" in edit  # warned before pressing the button
    response = client.post(
        f"/admin/stories/workflow/{story.id}/publish",
        data={"csrf_token": csrf_token(client, "/admin/")},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert f"chưa ghi nhận sự đồng ý của “{ADULT}”" in response.get_data(as_text=True)
    assert reload(story).status == StoryStatus.IN_REVIEW


def test_admin_exemplar_form_and_consent_filter(as_role, ctx, make_exemplar, unconsented):
    make_exemplar(name="Người Đã Đồng Ý")
    make_exemplar(name=MINOR, is_minor=True, consent=False)
    client = as_role("editor")
    form = client.get("/admin/exemplars/new/").get_data(as_text=True)
    for label in ("Ngày đồng ý", "Hình thức đồng ý", "Người ghi nhận đồng ý", "Người chưa thành niên"):
        assert label in form
    assert "Tập thể không cần ghi sự đồng ý cá nhân" in form
    assert "Văn bản có chữ ký" in form
    listing = client.get("/admin/exemplars/").get_data(as_text=True)
    assert "Chưa có đồng ý" in listing and "Đồng ý 15/01/2024" in listing
    assert "Chưa thành niên, chỉ hiện tên viết tắt" in listing
    # the sixth filter (after kind, gender, work role, sector, collective size): consent
    missing = client.get("/admin/exemplars/", query_string={"flt0_5": "missing"}).get_data(as_text=True)
    assert ADULT in missing
    assert "Người Đã Đồng Ý" not in missing and MINOR not in missing


def test_admin_creates_an_exemplar_with_consent(as_role, ctx, make_world):
    world = make_world()
    client = as_role("editor")
    response = client.post(
        "/admin/exemplars/new/",
        data={
            "csrf_token": csrf_token(client, "/admin/exemplars/new/"),
            "name": "Hoàng Văn Bến",
            "kind": "individual",
            "locality": str(world["ward"].id),
            "consent_date": "2024-04-05",
            "consent_method": "electronic",
            "consent_by": "Chị Lan, cán bộ Ban TĐ-KT",
            "guardian_name": "",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    saved = db.session.scalar(select(Exemplar).filter_by(name="Hoàng Văn Bến"))
    assert saved is not None, response.get_data(as_text=True)[-3000:]
    assert saved.consent_method == ConsentMethod.ELECTRONIC
    assert saved.consent_by == "Chị Lan, cán bộ Ban TĐ-KT"


def test_admin_warns_when_the_text_names_a_minor(as_role, ctx, make_story, make_exemplar):
    minor = make_exemplar(name=MINOR, is_minor=True, consent=False)
    story = make_story(body_md=f"Em {MINOR} nhặt được chiếc ví.", exemplars=[minor])
    page = as_role("editor").get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True)
    assert f"Bài nhắc họ tên đầy đủ “{MINOR}”" in page and INITIALS in page


# --- the publish gate: the importer -----------------------------------------------------------


def test_importer_refuses_a_published_story_about_a_person_without_consent(ctx, tmp_path):
    files = dict(FILES)
    files["exemplars/nguyen-thi-hoa.md"] = re.sub(
        r"consent:\n\s+date: .*\n\s+method: .*\n\s+by: .*\n",
        "",
        textwrap.dedent(files["exemplars/nguyen-thi-hoa.md"]),
    )
    assert "consent" not in files["exemplars/nguyen-thi-hoa.md"]
    root = write_content(tmp_path / "c", files)
    with pytest.raises(content_io.ContentError, match="stories/nguoi-giu-lua.md: .*“Nguyễn Thị Hoa”"):
        content_io.import_content(root)
    assert db.session.scalar(select(Story)) is None  # all or nothing


def test_importer_refuses_a_minor_slug_spelling_the_name(ctx, tmp_path):
    files = dict(FILES)
    files["exemplars/trinh-khanh-vy.md"] = (
        f"---\nname: {MINOR}\nkind: individual\nlocality: phuong-do-son\nminor: true\n---\nx\n"
    )
    root = write_content(tmp_path / "c", files)
    with pytest.raises(content_io.ContentError, match="không được chứa họ tên đầy đủ"):
        content_io.import_content(root)


def test_consent_round_trips_through_export(ctx, runner, tmp_path, make_story, make_exemplar):
    adult = make_exemplar(name=ADULT, **CONSENT)
    minor = make_exemplar(name=MINOR, slug="dien-hinh-t-k-v", is_minor=True, consent=False)
    guarded = make_exemplar(name="Phạm Gia Bảo", is_minor=True, consent=False, **GUARDIAN)
    make_story(exemplars=[adult, minor, guarded])
    out = tmp_path / "out"
    assert runner.invoke(args=["content", "export", str(out)]).exit_code == 0
    text = (out / "exemplars" / "dien-hinh-t-k-v.md").read_text("utf-8")
    assert "minor: true" in text and "guardian" not in text
    before = {
        e.slug: (
            e.consent_date,
            e.consent_method,
            e.consent_by,
            e.is_minor,
            e.guardian_name,
            e.guardian_consent_date,
            e.guardian_consent_method,
        )
        for e in db.session.scalars(select(Exemplar))
    }
    from tests.support import empty_database

    empty_database()
    result = runner.invoke(args=["content", "import", str(out)])
    assert result.exit_code == 0, result.output
    after = {
        e.slug: (
            e.consent_date,
            e.consent_method,
            e.consent_by,
            e.is_minor,
            e.guardian_name,
            e.guardian_consent_date,
            e.guardian_consent_method,
        )
        for e in db.session.scalars(select(Exemplar))
    }
    assert after == before


# --- minors: initials and no portrait on every public channel ---------------------------------


@pytest.fixture
def minor_world(app, ctx, make_story, make_exemplar, make_commendation):
    portrait = images.store_image(image_bytes(400, 400, color=(10, 200, 90)), original_name="vy.jpg")
    portrait.alt_text = "Ảnh chân dung em học sinh"
    minor = make_exemplar(
        name=MINOR,
        slug="dien-hinh-t-k-v",
        is_minor=True,
        consent=False,
        portrait=portrait,
        role="Học sinh lớp 8",
        bio_md="Em là học sinh chăm ngoan.",
    )
    commendation = make_commendation(
        exemplar=minor, form="Giấy khen của Hiệu trưởng", decision_no="7/QĐ-THCS"
    )
    story = make_story(
        title="Em học sinh trả lại chiếc ví", body_md="Em nhặt được chiếc ví.", exemplars=[minor]
    )
    db.session.commit()
    return {"minor": minor, "portrait": portrait, "story": story, "commendation": commendation}


def assert_hidden(text: str, where: str, initials_expected: bool = True) -> None:
    assert MINOR not in text and FOLDED.lower() not in text.lower(), where
    assert "trinh-khanh-vy" not in text, where
    if initials_expected:
        assert INITIALS in text, where


def portrait_keys(portrait) -> list[str]:
    keys = [portrait.file]
    for r in portrait.renditions:
        keys += [r["jpeg"], r.get("webp") or r["jpeg"]]
    return keys


def test_pages_lists_and_structured_data_show_initials(client, minor_world):
    w = minor_world
    pages = {
        "exemplar page": f"/dien-hinh/{w['minor'].slug}",
        "story page": f"/bai-viet/{w['story'].slug}",
        "exemplar list": "/dien-hinh",
        "register": "/khen-thuong",
        "commendation": f"/khen-thuong/{w['commendation'].code}",
        "register csv": "/khen-thuong.csv",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        text = response.get_data(as_text=True)
        assert_hidden(text, where)
        for key in portrait_keys(w["portrait"]):
            assert key not in text, (where, key)
    page = client.get(f"/dien-hinh/{w['minor'].slug}").get_data(as_text=True)
    assert f"<h1>{INITIALS}</h1>" in page
    ld = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    assert ld and INITIALS in ld[0] and '"image"' not in ld[0]
    assert 'property="og:image"' not in page or w["portrait"].file not in page
    for url in ("/", "/bai-viet", "/thong-ke", "/nhung/moi-nhat"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hidden(response.get_data(as_text=True), url, initials_expected=False)


def test_feeds_api_and_open_data_show_initials(client, minor_world):
    w = minor_world
    for url in ("/feed.xml", "/atom.xml", f"/dien-hinh/{w['minor'].slug}/feed.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hidden(
            response.get_data(as_text=True),
            url,
            initials_expected=url.endswith("/feed.xml") and "dien-hinh" in url,
        )
    api = client.get(f"/api/v1/exemplars/{w['minor'].slug}").get_json()["data"]
    assert api["name"] == INITIALS and api["portrait"] is None
    for url in ("/api/v1/exemplars", f"/api/v1/stories/{w['story'].slug}", "/api/v1/stories"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hidden(response.get_data(as_text=True), url)
        for key in portrait_keys(w["portrait"]):
            assert key not in response.get_data(as_text=True), url
    for url in (
        "/du-lieu-mo/khen-thuong.csv",
        "/du-lieu-mo/khen-thuong.json",
        "/du-lieu-mo/bai-viet.csv",
        "/du-lieu-mo/bai-viet.json",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hidden(response.get_data(as_text=True), url)


def test_press_pack_has_no_name_and_no_portrait(client, minor_world):
    w = minor_world
    with client.get(f"/bai-viet/{w['story'].slug}/bao-chi.zip") as response:
        assert response.status_code == 200
        pack = zipfile.ZipFile(io.BytesIO(response.data))
    names = pack.namelist()
    assert not [n for n in names if "chan-dung" in n]
    portrait_bytes = images_bytes(w["portrait"])
    texts = []
    for name in names:
        data = pack.read(name)
        assert data != portrait_bytes, name
        if name.endswith((".txt", ".md", ".html", ".json", ".csv")):
            texts.append(data.decode("utf-8"))
    assert_hidden("\n".join(texts), "press pack")


def images_bytes(asset) -> bytes:
    from flask import current_app

    return current_app.extensions["storage"].read(asset.file)


def test_search_and_its_index_never_hold_the_full_name(client, minor_world):
    w = minor_world
    story_doc = story_document(w["story"])
    exemplar_doc = exemplar_document(w["minor"], [w["story"]])
    for doc in (story_doc, exemplar_doc):
        flat = " ".join(str(v) for v in doc.values())
        assert_hidden(flat, doc["id"])
    for q in (MINOR, FOLDED, "Khánh Vy"):
        page = client.get("/tim-kiem", query_string={"q": q}).get_data(as_text=True)
        assert not re.findall(r'class="hit-title"><a href="([^"]+)"', page), q
        assert_hidden(page.replace(q, ""), q, initials_expected=False)
    page = client.get("/tim-kiem", query_string={"q": "chiếc ví"}).get_data(as_text=True)
    assert f"/bai-viet/{w['story'].slug}" in page
    assert_hidden(page, "search results", initials_expected=False)


def test_sitemap_uses_the_neutral_slug(client, minor_world, app):
    w = minor_world
    root = client.get("/sitemap.xml").get_data(as_text=True)
    bodies = [root]
    if "<sitemapindex" in root:  # a large site: one part per 50,000 addresses
        site = app.config["SITE_URL"]
        bodies = [
            client.get(u.replace(site, "")).get_data(as_text=True)
            for u in re.findall(r"<loc>([^<]+)</loc>", root)
        ]
    found = []
    for body in bodies:
        assert_hidden(body, "sitemap", initials_expected=False)
        found += re.findall(r"<loc>([^<]+)</loc>", body)
    assert f"{app.config['SITE_URL']}/dien-hinh/{w['minor'].slug}" in found


def test_guardian_consent_shows_the_full_name_and_portrait(client, editor, minor_world):
    w = minor_world
    exemplars.save_exemplar(w["minor"], dict(GUARDIAN), by=editor, created=False)
    db.session.commit()
    page = client.get(f"/dien-hinh/{w['minor'].slug}").get_data(as_text=True)
    assert MINOR in page and INITIALS not in page
    assert any(key in page for key in portrait_keys(w["portrait"]))
    assert client.get(f"/api/v1/exemplars/{w['minor'].slug}").get_json()["data"]["name"] == MINOR


def test_admin_saves_a_minor_with_a_neutral_slug_and_warns_about_the_bio(as_role, ctx, make_world):
    world = make_world()
    client = as_role("editor")
    response = client.post(
        "/admin/exemplars/new/",
        data={
            "csrf_token": csrf_token(client, "/admin/exemplars/new/"),
            "name": MINOR,
            "slug": "trinh-khanh-vy",
            "kind": "individual",
            "locality": str(world["ward"].id),
            "is_minor": "y",
            "bio_md": f"Em {MINOR} học lớp 8.",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert f"Tiểu sử nhắc họ tên đầy đủ “{MINOR}”" in html
    saved = db.session.scalar(select(Exemplar).filter_by(name=MINOR))
    assert saved is not None and saved.is_minor and saved.slug == "dien-hinh-t-k-v"


# --- the publish gate: a minor's full name in the story's own text or address (fixpriv12) -----


def test_a_minor_named_in_the_text_or_slug_is_refused_at_every_door(ctx, editor, make_story, make_exemplar):
    minor = make_exemplar(name="Nguyễn Minh Khôi", is_minor=True, consent=False)
    story = make_story(
        status=StoryStatus.IN_REVIEW,
        published_at=None,
        title="Nguyễn Minh Khôi được tuyên dương",
        slug="nguyen-minh-khoi-duoc-tuyen-duong",
        body_md="Cậu học trò NGUYEN MINH KHOI trả lại chiếc ví.",  # folded and shouted: still the name
        exemplars=[minor],
    )
    for step, when in (("publish", None), ("schedule", utcnow() + timedelta(days=1))):
        with pytest.raises(ServiceError) as refused:
            workflow.transition(story, step, by=editor, when=when)
        message = str(refused.value)
        assert message.startswith("Chưa thể đăng: bài nhắc họ tên đầy đủ “Nguyễn Minh Khôi”"), message
        assert "ở tiêu đề, nội dung và đường dẫn, mà đây là người chưa thành niên" in message
        assert "Hãy viết tên viết tắt “N.M.K.” thay cho họ tên" in message and "“n-m-k-…”" in message
        assert "tóm tắt" not in message and "bản tin" not in message
    db.session.rollback()
    story = reload(story)
    assert story.status == StoryStatus.IN_REVIEW and story.publish_at is None

    # scheduled before the name was written in: the run refuses it, says why and does not retry
    story.publish_at = utcnow() + timedelta(minutes=5)
    story.broadcast_summary = "Em Nguyễn Minh Khôi, học sinh lớp 7."
    db.session.commit()
    assert workflow.publish_due(now=utcnow() + timedelta(hours=1)) == []
    db.session.commit()
    story = reload(story)
    assert story.status == StoryStatus.IN_REVIEW and story.publish_at is None
    assert "bản tin 60 giây" in story.review_comment and "N.M.K." in story.review_comment
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "publish_refused"))
    assert row is not None and row.detail["minor_named"] == [minor.id]

    # written by initials, with an address that does not spell the name: it goes through
    stories.update(
        story,
        {
            "title": "Em N.M.K. được tuyên dương",
            "slug": "em-n-m-k-duoc-tuyen-duong",
            "summary": story.summary,
            "body_md": "Cậu học trò N.M.K. trả lại chiếc ví.",
            "broadcast_summary": "Em N.M.K., học sinh lớp 7.",
        },
        by=editor,
    )
    workflow.transition(story, "publish", by=editor)
    db.session.commit()
    assert reload(story).status == StoryStatus.PUBLISHED


def test_a_published_story_cannot_be_edited_or_given_a_minor_it_names(ctx, editor, make_story, make_exemplar):
    minor = make_exemplar(name=MINOR, is_minor=True, consent=False)
    story = make_story(title="Bài về một em nhỏ", summary=f"Em {FOLDED.lower()} nhặt được ví.")
    with pytest.raises(ServiceError, match=r"ở tóm tắt, mà .*\(trang công khai chỉ hiện “T.K.V.”\)"):
        stories.update(story, {"title": story.title, "exemplars": [minor]}, by=editor)
    db.session.rollback()
    story = reload(story)
    assert minor not in story.exemplars
    story.summary = "Em nhặt được ví."
    db.session.commit()
    stories.update(story, {"title": story.title, "exemplars": [minor]}, by=editor)  # now it may
    with pytest.raises(ServiceError, match="Chưa lưu được bài đã đăng hoặc đã hẹn giờ: bài nhắc"):
        stories.update(story, {"title": f"Em {MINOR} được khen"}, by=editor)
    db.session.rollback()
    assert MINOR not in reload(story).title
    # a guardian's consent on record lifts the rule: the public may then see the full name
    exemplars.save_exemplar(minor, dict(GUARDIAN), by=editor, created=False)
    stories.update(reload(story), {"title": f"Em {MINOR} được khen"}, by=editor)


def test_importer_refuses_a_published_story_naming_a_minor(ctx, tmp_path):
    files = dict(FILES)
    files["exemplars/dien-hinh-t-k-v.md"] = (
        f"---\nname: {MINOR}\nkind: individual\nlocality: phuong-do-son\nminor: true\n---\nx\n"
    )
    files["stories/nguoi-giu-lua.md"] = (
        textwrap.dedent(files["stories/nguoi-giu-lua.md"])
        .replace("exemplars: [nguyen-thi-hoa]", "exemplars: [nguyen-thi-hoa, dien-hinh-t-k-v]")
        .replace("Đoạn một.", f"Em {MINOR} cùng bà Hoa dọn rác.")
    )
    root = write_content(tmp_path / "c", files)
    with pytest.raises(content_io.ContentError, match=f"stories/nguoi-giu-lua.md: .*“{MINOR}”.* ở nội dung"):
        content_io.import_content(root)
    assert db.session.scalar(select(Story)) is None


def test_the_warning_names_the_places_and_the_admin_flashes_read_plainly(
    as_role, ctx, make_story, make_exemplar
):
    minor = make_exemplar(name=MINOR, is_minor=True, consent=False)
    story = make_story(
        status=StoryStatus.IN_REVIEW, published_at=None, title=f"{MINOR} nhặt được ví", exemplars=[minor]
    )
    client = as_role("editor")
    edit = client.get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True)
    assert f"Bài nhắc họ tên đầy đủ “{MINOR}” ở tiêu đề, mà đây là người chưa thành niên" in edit
    token = csrf_token(client, "/admin/")
    page = client.post(
        f"/admin/stories/workflow/{story.id}/publish", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Chưa thể đăng: bài nhắc họ tên đầy đủ" in page and reload(story).status == StoryStatus.IN_REVIEW
    story = reload(story)
    story.title = "Em T.K.V. nhặt được ví"
    db.session.commit()
    page = client.post(
        f"/admin/stories/workflow/{story.id}/publish", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Đã duyệt và đăng bài “Em T.K.V. nhặt được ví”." in page and "Đã «" not in page


def test_refusal_tells_to_press_the_button_again(ctx, editor, make_story, unconsented):
    story = make_story(status=StoryStatus.IN_REVIEW, published_at=None, exemplars=[unconsented])
    with pytest.raises(ServiceError, match="rồi bấm “Duyệt và đăng” lại."):
        workflow.transition(story, "publish", by=editor)


def test_partners_pick_a_hidden_minor_by_initials(as_role, ctx, make_exemplar, make_story, people):
    make_exemplar(name=MINOR, is_minor=True, consent=False)
    consented = make_exemplar(name="Phạm Gia Bảo", is_minor=True, consent=False, **GUARDIAN)
    draft = make_story(status=StoryStatus.DRAFT, published_at=None, author=people["a"])
    for url in ("/admin/stories/new/", f"/admin/stories/edit/?id={draft.id}"):
        partner = as_role("a").get(url).get_data(as_text=True)
        assert INITIALS in partner and MINOR not in partner, url
        assert consented.name in partner  # a guardian consented: the public sees the name too
    assert MINOR in as_role("editor").get("/admin/stories/new/").get_data(as_text=True)


def test_sample_minor_biography_says_under_age():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "content" / "exemplars" / "dien-hinh-n-m-k.md").read_text()
    assert "chưa thành niên" in text and "16 tuổi" not in text
