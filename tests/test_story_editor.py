"""The story editor: counts, the live preview, autosave, the cover grid and its alt text, the
workflow panel at the top, and the library photos a body may show."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from showcase.extensions import db
from showcase.markup import ALLOWED_TAGS, render_markdown
from showcase.models import AuditLog, MediaAsset, Story, StoryStatus, utcnow
from showcase.readout import READOUT_LIMIT_SECONDS, counts, readout_seconds, words
from showcase.services import revisions
from showcase.services.media import add_image
from tests.forms import as_post_data, form_fields
from tests.support import image_bytes

PREVIEW = "/admin/stories/preview-markdown"


def _elements(html: str) -> list[tuple[str, list]]:
    """Every element a browser would build from this HTML."""
    found: list[tuple[str, list]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


# --- counts ----------------------------------------------------------------------------------


def test_words_count_tokens_with_a_letter_or_digit():
    assert words("") == 0
    assert words("Ông **Sáu** gác đèn từ năm 1995.") == 7
    assert words("## Ánh đèn\n\n- một\n- hai\n\n> trích — dẫn") == 6  # ##, -, >, — are not words
    assert words("Hải\u00a0Phòng\tđẹp") == 3  # any space separates


def test_readout_seconds_at_two_and_a_half_syllables_a_second():
    assert readout_seconds("") == 0
    assert readout_seconds("một hai ba bốn năm") == 2  # 5 / 2.5
    assert readout_seconds(" ".join(["tiếng"] * 150)) == 60
    assert readout_seconds(" ".join(["tiếng"] * 151)) == 61  # rounded up: never promise less
    long, short = counts("a b", " ".join(["tiếng"] * 151)), counts("a b", " ".join(["tiếng"] * 150))
    assert long.words == 2 and long.readout_too_long and not short.readout_too_long
    assert READOUT_LIMIT_SECONDS == 60


def test_the_page_shows_the_counts_on_load(as_role, make_story, people):
    story = make_story(
        author=people["editor"],
        body_md="Một hai ba bốn.\n\n## Năm",
        broadcast_summary=" ".join(["tiếng"] * 160),
    )
    html = as_role("editor").get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True)
    assert '<span data-count="words">5</span> chữ' in html
    assert '<span data-count="seconds">64</span> giây' in html
    warning = re.search(r'<p class="readout-warning[^>]*>', html).group(0)
    assert "hidden" not in warning  # past 60 s the warning shows without any script
    short = make_story(author=people["editor"], broadcast_summary="Bản tin ngắn.")
    html = as_role("editor").get(f"/admin/stories/edit/?id={short.id}").get_data(as_text=True)
    assert "hidden" in re.search(r'<p class="readout-warning[^>]*>', html).group(0)


# --- live preview ----------------------------------------------------------------------------


def _token(client, url="/admin/stories/new/"):
    return dict(form_fields(client.get(url).get_data(as_text=True)))["csrf_token"]


@pytest.mark.parametrize("role", ["editor", "a"])
def test_preview_renders_like_the_public_page(as_role, role):
    client = as_role(role)
    body = "Ông **Sáu** gác đèn.\n\n# Ánh đèn"
    response = client.post(PREVIEW, data={"csrf_token": _token(client), "body_md": body})
    assert response.status_code == 200
    assert response.json["html"] == render_markdown(body)
    assert "<strong>Sáu</strong>" in response.json["html"] and "<h2>Ánh đèn</h2>" in response.json["html"]


def test_preview_is_sanitised(as_role):
    client = as_role("editor")
    body = '<script>alert(1)</script> chữ\n\n[bấm](javascript:alert(1)) và <a href="javascript:x">y</a>'
    html = client.post(PREVIEW, data={"csrf_token": _token(client), "body_md": body}).json["html"]
    elements = _elements(html)
    assert elements and all(tag in ALLOWED_TAGS for tag, _ in elements)
    assert not any(name == "href" or name.startswith("on") for _, attrs in elements for name, _ in attrs)
    assert "chữ" in html and "&lt;script&gt;" in html  # shown as text, never run


def test_preview_needs_csrf_staff_and_a_sane_size(as_role, client):
    editor = as_role("editor")
    assert editor.post(PREVIEW, data={"body_md": "x"}).status_code == 400
    anonymous = client.post(PREVIEW, data={"body_md": "x"})
    assert anonymous.status_code in (302, 400) and "html" not in (anonymous.get_json(silent=True) or {})
    big = editor.post(PREVIEW, data={"csrf_token": _token(editor), "body_md": "x" * 200_001})
    assert big.status_code == 413 and "dài quá" in big.json["error"]


# --- images in a body: only photos of our library ----------------------------------------------


def test_a_body_shows_library_photos_and_nothing_else():
    key = "ab/" + "0" * 64 + ".jpg"
    html = render_markdown(f"![Bà Lan bên bếp](/media/{key})")
    assert f'<img src="/media/{key}" alt="Bà Lan bên bếp" loading="lazy">' in html
    for src in ("https://evil.example/pixel.gif", "data:image/png;base64,AAAA", "/media/../secret.jpg"):
        html = render_markdown(f"![mô tả]({src})")
        assert "<img" not in html and "mô tả" in html, src


def test_the_picker_lists_photos_searched_without_diacritics(as_role, ctx):
    first = add_image(image_bytes(700, 500), "bep-an.jpg")
    first.alt_text = "Bà Lan nấu cơm cho công nhân"
    other = add_image(image_bytes(80, 60, color=(0, 90, 0)), "bien.jpg")
    other.alt_text = "Bờ biển Đồ Sơn"
    db.session.commit()
    items = as_role("a").get("/admin/stories/media-picker?q=cong nhan").json["items"]
    assert [i["id"] for i in items] == [first.id]
    smallest = min(first.renditions, key=lambda r: r["width"])
    assert items[0]["thumb"] == f"/media/{smallest['webp']}"
    assert re.fullmatch(r"/media/[0-9a-f]{2}/[0-9a-f]{64}\.jpg", items[0]["src"])
    assert render_markdown(f"![x]({items[0]['src']})").count("<img") == 1  # what it inserts is shown
    assert len(as_role("editor").get("/admin/stories/media-picker?q=").json["items"]) == 2


# --- autosave ------------------------------------------------------------------------------


def _edit_form(client, story):
    return form_fields(client.get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True))


def _with(fields, **changes):
    data = as_post_data(fields)
    data.update(changes)
    return data


@pytest.fixture
def draft(make_story, people):
    return make_story(title="Nháp của A", status=StoryStatus.DRAFT, author=people["a"], published_at=None)


def test_autosave_keeps_a_revision_and_returns_the_new_version(as_role, draft):
    client = as_role("a")
    fields = _edit_form(client, draft)
    version = draft.version
    kept = len(revisions.history(draft))
    response = client.post(f"/admin/stories/autosave/{draft.id}", data=_with(fields, body_md="Đoạn mới."))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["version"] == version + 1 and re.fullmatch(r"\d\d:\d\d", response.json["saved_at"])
    db.session.expire_all()
    story = db.session.get(Story, draft.id)
    assert story.body_md == "Đoạn mới." and story.status == StoryStatus.DRAFT
    assert len(revisions.history(story)) > kept
    assert db.session.scalar(db.select(AuditLog).filter_by(action="edit", object_id=draft.id)) is not None
    # the real save that follows, from the version autosave returned, is not refused as stale
    data = _with(fields, body_md="Đoạn mới, viết tiếp.", seen=str(response.json["version"]))
    saved = client.post(f"/admin/stories/edit/?id={draft.id}", data=data)
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Story, draft.id).body_md == "Đoạn mới, viết tiếp."


def test_autosave_refuses_a_stale_version(as_role, draft):
    client = as_role("a")
    fields = _edit_form(client, draft)
    assert (
        client.post(f"/admin/stories/autosave/{draft.id}", data=_with(fields, body_md="Một")).status_code
        == 200
    )
    stale = client.post(f"/admin/stories/autosave/{draft.id}", data=_with(fields, body_md="Hai"))
    assert stale.status_code == 409 and stale.json["stale"] and "Người khác đã lưu" in stale.json["error"]
    db.session.expire_all()
    assert db.session.get(Story, draft.id).body_md == "Một"


def test_autosave_refuses_what_the_person_may_not_edit(as_role, draft, make_story, people):
    fields = _edit_form(as_role("a"), draft)
    other = as_role("b")
    token = dict(_edit_form(other, make_story(status=StoryStatus.DRAFT, author=people["b"])))["csrf_token"]
    response = other.post(f"/admin/stories/autosave/{draft.id}", data=_with(fields, csrf_token=token))
    assert response.status_code == 404  # another partner's story does not exist for them
    published = make_story(author=people["a"])
    owner = as_role("a")
    fields = _edit_form(owner, draft)
    response = owner.post(f"/admin/stories/autosave/{published.id}", data=_with(fields, body_md="x"))
    assert response.status_code == 403 and response.json["stop"]
    db.session.expire_all()
    assert db.session.get(Story, draft.id).body_md == draft.body_md


def test_autosave_saves_drafts_only_and_never_workflow_fields(as_role, draft, make_story, people):
    editor = as_role("editor")
    review = make_story(
        status=StoryStatus.IN_REVIEW, author=people["a"], publish_at=utcnow() + timedelta(days=1)
    )
    fields = _edit_form(editor, review)
    response = editor.post(f"/admin/stories/autosave/{review.id}", data=_with(fields, body_md="Sửa"))
    assert response.status_code == 409 and response.json["stop"]  # in review: saved by «Lưu» only
    client = as_role("a")
    fields = _edit_form(client, draft)
    for extra in ({"status": "published"}, {"featured": "y"}, {"publish_at": "2030-01-01T00:00"}):
        response = client.post(
            f"/admin/stories/autosave/{draft.id}", data=_with(fields, body_md="Sửa", **extra)
        )
        assert response.status_code == 422, extra
    response = client.post(f"/admin/stories/autosave/{draft.id}", data=_with(fields, title=""))
    assert response.status_code == 422 and "Tiêu đề" in response.json["error"]
    db.session.expire_all()
    story = db.session.get(Story, draft.id)
    assert (
        story.status == StoryStatus.DRAFT and story.body_md == draft.body_md and story.title == "Nháp của A"
    )


def test_autosave_needs_csrf(as_role, draft):
    client = as_role("a")
    data = _with(_edit_form(client, draft), body_md="Sửa")
    del data["csrf_token"]
    assert client.post(f"/admin/stories/autosave/{draft.id}", data=data).status_code == 400


def test_only_a_draft_page_asks_for_autosave(as_role, draft, make_story, people):
    page = as_role("a").get(f"/admin/stories/edit/?id={draft.id}").get_data(as_text=True)
    assert f'data-autosave-url="/admin/stories/autosave/{draft.id}"' in page
    published = make_story(author=people["editor"])
    page = as_role("editor").get(f"/admin/stories/edit/?id={published.id}").get_data(as_text=True)
    assert 'data-autosave-url=""' in page and "Tự lưu chỉ dùng cho bản nháp" in page


# --- autosave of a story not saved yet ---------------------------------------------------------


def _new_story(world, **changes):
    values = {
        "title": "Người giữ rừng ngập mặn Tiên Lãng",
        "summary": "",
        "body_md": "Ba mươi năm trồng đước ven biển.",
        "field": world["field"],
        "locality": world["ward"],
    }
    return values | changes


def test_the_first_autosave_files_a_new_story_as_a_draft(make_world, people):
    from showcase.services import stories, transaction

    world = make_world()
    with transaction():
        story = stories.autosave(None, _new_story(world), by=people["a"])
    assert story.id and story.status == StoryStatus.DRAFT and story.author_id == people["a"].id
    assert story.slug == "nguoi-giu-rung-ngap-man-tien-lang" and len(revisions.history(story)) == 1
    with transaction():
        again = stories.autosave(story, _new_story(world, body_md="Ba mươi năm."), by=people["a"], seen=1)
    assert again is story and story.body_md == "Ba mươi năm." and len(revisions.history(story)) == 2
    assert db.session.scalar(db.select(db.func.count(Story.id))) == 1  # the same draft, not a second one


def test_autosave_is_refused_for_anything_but_a_draft(make_world, make_story, people):
    from showcase.services import stories
    from showcase.services.errors import ServiceError

    world = make_world()
    review = make_story(status=StoryStatus.IN_REVIEW, author=people["a"], published_at=None)
    published = make_story(author=people["editor"])
    assert stories.can_autosave(None, people["a"])
    assert not stories.can_autosave(review, people["a"]) and not stories.can_autosave(
        published, people["editor"]
    )
    for story, by in ((review, people["a"]), (published, people["editor"])):
        with pytest.raises(ServiceError, match="Chỉ bản nháp"):
            stories.autosave(story, _new_story(world, title="Sửa"), by=by)
    with pytest.raises(ServiceError, match="biểu mẫu"):  # a workflow field never comes in this way
        stories.autosave(None, _new_story(world, status="published"), by=people["a"])
    db.session.rollback()
    assert db.session.get(Story, review.id).title != "Sửa"


def _new_form(client):
    return form_fields(client.get("/admin/stories/new/").get_data(as_text=True))


def _choose(fields, world):
    return _with(fields, field=str(world["field"].id), locality=str(world["ward"].id))


def test_autosave_of_a_new_story_waits_for_what_a_draft_needs(as_role, make_world):
    world = make_world()
    client = as_role("a")
    fields = _new_form(client)
    early = client.post("/admin/stories/autosave", data=_with(fields, title="", body_md="Mở đầu."))
    assert early.status_code == 422 and early.json["pending"]
    assert early.json["error"] == (
        "Chưa tự lưu: bài được tự lưu thành bản nháp khi đã có tiêu đề, lĩnh vực và địa phương."
    )
    half = client.post("/admin/stories/autosave", data=_with(fields, title="Người giữ rừng", body_md="x"))
    assert half.status_code == 422 and half.json["error"].endswith("khi đã có lĩnh vực và địa phương.")
    no_token = _choose(fields, world) | {"title": "Người giữ rừng", "csrf_token": ""}
    assert client.post("/admin/stories/autosave", data=no_token).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Story.id))) == 0  # nothing filed


def test_autosave_of_a_new_story_files_it_and_the_page_goes_on_editing_it(as_role, make_world, people):
    world = make_world()
    client = as_role("a")
    page = client.get("/admin/stories/new/?url=/admin/").get_data(as_text=True)
    assert 'data-autosave-url="/admin/stories/autosave?url=/admin/"' in page
    fields = form_fields(page)
    data = _choose(fields, world) | {"title": "Người giữ rừng", "body_md": "Ba mươi năm trồng đước."}
    response = client.post("/admin/stories/autosave?url=/admin/", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    story = db.session.get(Story, response.json["id"])
    assert story.status == StoryStatus.DRAFT and story.author_id == people["a"].id
    assert story.body_md == "Ba mươi năm trồng đước." and len(revisions.history(story)) == 1
    assert response.json["autosave_url"] == f"/admin/stories/autosave/{story.id}"
    assert response.json["edit_url"] == f"/admin/stories/edit/?id={story.id}&url=/admin/"
    assert re.fullmatch(r"\d\d:\d\d", response.json["saved_at"])
    # the next autosave and «Lưu» go to the draft (from the version returned): still one story
    more = data | {"body_md": "Ba mươi năm trồng đước ven biển.", "seen": str(response.json["version"])}
    again = client.post(response.json["autosave_url"], data=more)
    assert again.status_code == 200, again.get_data(as_text=True)
    saved = client.post(
        response.json["edit_url"], data=more | {"body_md": "Viết xong.", "seen": str(again.json["version"])}
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/admin/")
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Story.id))) == 1
    assert db.session.get(Story, story.id).body_md == "Viết xong."


# --- the cover grid and its alt text ----------------------------------------------------------------


@pytest.fixture
def photos(ctx, people):
    chosen = add_image(image_bytes(900, 600), "bia.jpg")
    chosen.alt_text = "Ngọn hải đăng Hòn Dáu"
    mine = add_image(image_bytes(90, 60, color=(10, 10, 200)), "cua-a.jpg")
    mine.uploaded_by_id, mine.alt_text = people["a"].id, ""
    db.session.commit()
    return {"chosen": chosen, "mine": mine}


def _radios(html):
    return re.findall(r'<input type="radio" name="cover" value="([^"]+)"[^>]*?( checked)?>', html)


def test_the_cover_is_a_grid_of_thumbnails_with_the_stored_one_checked(as_role, make_story, people, photos):
    chosen = photos["chosen"]
    story = make_story(author=people["editor"], cover=chosen)
    html = as_role("editor").get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True)
    radios = _radios(html)
    assert ("__None", "") in radios and (str(chosen.id), " checked") in radios
    assert [value for value, checked in radios if checked] == [str(chosen.id)]
    assert '<select class="form-control" id="cover"' not in html  # no select of file names
    smallest = min(chosen.renditions, key=lambda r: r["width"])
    assert f'src="/media/{smallest["webp"]}"' in html
    assert "Không có ảnh bìa" in html and "Ngọn hải đăng Hòn Dáu" in html  # the chosen photo's alt text
    bare = make_story(author=people["editor"], cover=None)
    radios = _radios(as_role("editor").get(f"/admin/stories/edit/?id={bare.id}").get_data(as_text=True))
    assert [value for value, checked in radios if checked] == ["__None"]


@pytest.fixture
def library(ctx):
    """A library of 130 photos (rows only: paging reads the texts, not the images); the oldest
    is the one a search should find."""
    assets = []
    for n in range(130):
        alt = "Cầu Hoàng Văn Thụ lúc hoàng hôn" if n == 0 else f"Ảnh tư liệu số {n}"
        assets.append(
            MediaAsset(
                file=f"{n:02x}/{n:064x}.jpg"[-70:],
                sha256=f"{n:064x}",
                original_name=f"anh-{n:03d}.jpg",
                content_type="image/jpeg",
                width=800,
                height=600,
                alt_text=alt,
            )
        )
    db.session.add_all(assets)
    db.session.commit()
    return assets


def test_the_cover_grid_pages_through_a_large_library(as_role, library):
    from showcase.admin.editor import COVER_PAGE

    client = as_role("a")
    html = client.get("/admin/stories/new/").get_data(as_text=True)
    newest = sorted((a.id for a in library), reverse=True)
    assert [int(v) for v, _ in _radios(html) if v != "__None"] == newest[:COVER_PAGE]
    assert f"Đang hiện {COVER_PAGE} ảnh mới nhất; thư viện còn nhiều ảnh khác." in html
    assert f'data-offset="{COVER_PAGE}"' in html and "Cầu Hoàng Văn Thụ" not in html
    seen, offset, more = newest[:COVER_PAGE], COVER_PAGE, True
    while more:
        page = client.get(f"/admin/stories/cover-choices?offset={offset}").json
        assert len(page["items"]) <= COVER_PAGE
        seen += [item["id"] for item in page["items"]]
        offset, more = page["offset"], page["more"]
    assert seen == newest  # every photo once, newest first, nothing skipped or repeated
    found = client.get("/admin/stories/cover-choices?q=cau hoang van thu&offset=0").json
    assert [i["id"] for i in found["items"]] == [library[0].id] and not found["more"]
    assert found["items"][0]["alt"] == "Cầu Hoàng Văn Thụ lúc hoàng hôn"
    twelve = client.get("/admin/stories/cover-choices?q=tu lieu so 12").json["items"]
    assert [i["name"] for i in twelve] == [f"anh-{n}.jpg" for n in range(129, 119, -1)] + ["anh-012.jpg"]
    assert client.get("/admin/stories/cover-choices?offset=x").status_code == 400


def test_the_chosen_cover_shows_first_however_old(as_role, make_story, people, library):
    from showcase.admin.editor import COVER_PAGE

    story = make_story(author=people["editor"], cover=library[0])
    radios = _radios(as_role("editor").get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True))
    assert radios[1] == (str(library[0].id), " checked") and len(radios) == COVER_PAGE + 2


def test_choosing_a_cover_from_the_grid_saves_it(as_role, make_story, people, photos):
    client = as_role("editor")
    story = make_story(author=people["editor"], cover=None)
    fields = _edit_form(client, story)
    assert (
        client.post(
            f"/admin/stories/edit/?id={story.id}", data=_with(fields, cover=str(photos["chosen"].id))
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Story, story.id).cover_id == photos["chosen"].id
    fields = _edit_form(client, story)
    client.post(f"/admin/stories/edit/?id={story.id}", data=_with(fields, cover="__None"))
    db.session.expire_all()
    assert db.session.get(Story, story.id).cover_id is None


def test_the_covers_alt_text_is_edited_through_the_media_service(as_role, photos, people):
    mine, chosen = photos["mine"], photos["chosen"]
    partner = as_role("a")
    token = _token(partner)
    kept = len(revisions.history(mine))
    response = partner.post(
        "/admin/stories/photo-alt",
        data={
            "csrf_token": token,
            "asset": mine.id,
            "alt_text": "Chợ cá Hạ Long lúc sáng sớm",
            "seen": mine.version,
        },
    )
    assert response.status_code == 200 and response.json["alt"] == "Chợ cá Hạ Long lúc sáng sớm"
    db.session.expire_all()
    assert db.session.get(MediaAsset, mine.id).alt_text == "Chợ cá Hạ Long lúc sáng sớm"
    assert len(revisions.history(mine)) > kept
    # a partner edits only their own uploads: the service's rule answers
    refused = partner.post(
        "/admin/stories/photo-alt", data={"csrf_token": token, "asset": chosen.id, "alt_text": "x"}
    )
    assert refused.status_code == 422 and "chính mình tải lên" in refused.json["error"]
    stale = partner.post(
        "/admin/stories/photo-alt", data={"csrf_token": token, "asset": mine.id, "alt_text": "y", "seen": "1"}
    )
    assert stale.status_code == 409
    assert (
        partner.post("/admin/stories/photo-alt", data={"asset": mine.id, "alt_text": "z"}).status_code == 400
    )
    missing = partner.post(
        "/admin/stories/photo-alt", data={"csrf_token": token, "asset": "99999", "alt_text": "z"}
    )
    assert missing.status_code == 404
    db.session.expire_all()
    assert db.session.get(MediaAsset, chosen.id).alt_text == "Ngọn hải đăng Hòn Dáu"
    editor = as_role("editor")
    response = editor.post(
        "/admin/stories/photo-alt",
        data={"csrf_token": _token(editor), "asset": chosen.id, "alt_text": "Hải đăng"},
    )
    assert response.status_code == 200


# --- the workflow panel ----------------------------------------------------------------------


def _panel(html):
    return re.search(r'<section class="workflow.*?</section>', html, re.S).group(0)


def test_the_workflow_panel_comes_before_the_form(as_role, draft):
    html = as_role("a").get(f"/admin/stories/edit/?id={draft.id}").get_data(as_text=True)
    assert html.index('id="workflow-title"') < html.index('class="admin-form"')
    panel = _panel(html)
    assert "Bản nháp" in panel and "Gửi duyệt" in panel
    assert "Khi viết xong, bấm «Gửi duyệt»: biên tập viên Ban TĐ-KT sẽ đọc và đăng hoặc nhắn lại." in panel
    assert "Duyệt và đăng</button>" not in panel  # not a partner's button


def test_a_scheduled_story_says_so_with_its_time(as_role, make_story, people):
    from datetime import datetime

    story = make_story(
        status=StoryStatus.IN_REVIEW, author=people["a"], publish_at=datetime(2030, 5, 20, 1, 0)
    )
    panel = _panel(as_role("editor").get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True))
    badge = re.search(r'<span class="badge[^"]*workflow-status">(.*?)</span>', panel).group(1)
    assert badge == "Đã hẹn giờ: đăng lúc 08:00 ngày 20/05/2030"  # Vietnam time
    assert "Chờ duyệt" not in badge
    review = make_story(status=StoryStatus.IN_REVIEW, author=people["a"])
    panel = _panel(as_role("editor").get(f"/admin/stories/edit/?id={review.id}").get_data(as_text=True))
    assert "Chờ duyệt" in panel
    assert "Đọc lại rồi «Duyệt và đăng», «Hẹn giờ đăng» hoặc «Yêu cầu sửa» kèm nhận xét." in panel
    for label in ("Duyệt và đăng", "Hẹn giờ đăng", "Yêu cầu sửa"):
        assert f">{label}</button>" in panel


def test_the_authors_see_the_editors_comment(as_role, make_story, people):
    story = make_story(
        status=StoryStatus.DRAFT, author=people["a"], review_comment="Thêm tên đơn vị và năm nhận bằng khen."
    )
    panel = _panel(as_role("a").get(f"/admin/stories/edit/?id={story.id}").get_data(as_text=True))
    assert "Nhận xét của biên tập viên" in panel and "Thêm tên đơn vị và năm nhận bằng khen." in panel
    assert "Biên tập viên nhắn cần sửa" in panel


def test_the_editor_page_loads_its_script_with_the_nonce_and_no_inline_script(as_role, draft):
    html = as_role("a").get(f"/admin/stories/edit/?id={draft.id}").get_data(as_text=True)
    tag = re.search(r"<script[^>]*admin-editor\.[0-9a-f]{12}\.js[^>]*>", html).group(0)
    assert "nonce=" in tag
    assert "onclick=" not in _panel(html)
    new = as_role("a").get("/admin/stories/new/").get_data(as_text=True)
    assert "admin-editor." in new and 'data-autosave-url="/admin/stories/autosave"' in new
    assert [value for value, checked in _radios(new) if checked] == ["__None"]  # no cover chosen for them


def test_the_details_page_puts_the_workflow_panel_first(as_role, make_story, people):
    review = make_story(status=StoryStatus.IN_REVIEW, author=people["a"])
    html = as_role("editor").get(f"/admin/stories/details/?id={review.id}").get_data(as_text=True)
    assert html.index('id="workflow-title"') < html.index('class="table table-hover')
    panel = _panel(html)
    assert "Chờ duyệt" in panel and ">Duyệt và đăng</button>" in panel
    assert "Đọc lại rồi «Duyệt và đăng»" in panel
    assert f"/admin/stories/edit/?id={review.id}" in html  # an editor may edit it: the tab is there
    published = make_story(author=people["a"])
    html = as_role("a").get(f"/admin/stories/details/?id={published.id}").get_data(as_text=True)
    assert html.index('id="workflow-title"') < html.index('class="table table-hover')
    assert "Bài đã đăng. Muốn sửa gì, hãy nhắn biên tập viên Ban TĐ-KT." in _panel(html)
    assert f"/admin/stories/edit/?id={published.id}" not in html  # no tab to a page they may not open


def test_a_list_row_offers_only_the_buttons_this_person_may_use(as_role, make_story, people):
    draft = make_story(status=StoryStatus.DRAFT, author=people["a"], published_at=None)
    review = make_story(status=StoryStatus.IN_REVIEW, author=people["a"], published_at=None)
    published = make_story(author=people["a"])
    html = as_role("a").get("/admin/stories/").get_data(as_text=True)
    deletable = set(re.findall(r'<input id="id" name="id" type="hidden" value="(\d+)"', html))
    editable = set(re.findall(r'href="/admin/stories/edit/\?id=(\d+)', html))
    assert deletable == {str(draft.id)}  # a partner deletes only their own draft
    assert editable == {str(draft.id), str(review.id)}  # and edits drafts and stories in review
    assert f"/admin/stories/details/?id={published.id}" in html  # the rest they can still open
    html = as_role("editor").get("/admin/stories/").get_data(as_text=True)
    assert len(set(re.findall(r'<input id="id" name="id" type="hidden" value="(\d+)"', html))) == 3


def test_lists_say_scheduled_and_name_the_author_by_name(as_role, make_story, people):
    from datetime import datetime

    make_story(status=StoryStatus.IN_REVIEW, author=people["a"], publish_at=datetime(2030, 5, 20, 1, 0))
    make_story(status=StoryStatus.IN_REVIEW, author=people["a"], published_at=None)
    html = as_role("editor").get("/admin/stories/").get_data(as_text=True)
    statuses = re.findall(r'<td class="col-status">\s*(.*?)\s*</td>', html, re.S)
    assert sorted(statuses) == ["Chờ duyệt", "Đã hẹn giờ"]
    authors = re.findall(r'<td class="col-author">\s*(.*?)\s*</td>', html, re.S)
    assert authors == ["Người a (Báo Hải Phòng)"] * 2 and "a@haiphong.test" not in html
