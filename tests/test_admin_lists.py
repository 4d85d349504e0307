"""Finding things in the panel: search without diacritics on every list, default sorts, the photo
library's grid, and inviting accounts."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, timedelta

import pytest

from showcase.extensions import db
from showcase.models import (
    AuditLog,
    CoverageItem,
    CoverageMedium,
    Field,
    Locality,
    LocalityKind,
    MediaAsset,
    Movement,
    Story,
    StoryStatus,
    User,
)
from showcase.services import accounts, media
from showcase.services.errors import ServiceError
from tests.support import csrf_token, image_bytes


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def listed(client, url: str) -> list[int]:
    """The ids of the rows a list page shows, in order (read from their details links)."""
    endpoint = url.split("/")[2]
    seen: list[int] = []
    for found in re.findall(rf'href="/admin/{endpoint}/details/\?id=(\d+)', page(client, url)):
        if int(found) not in seen:
            seen.append(int(found))
    return seen


# --- search without diacritics --------------------------------------------------------------


@pytest.fixture
def lists(people, make_story, make_exemplar, make_commendation, make_world):
    """One row that a diacritic-free search must find, and one it must not, in every list."""
    world = make_world()
    found, other = {}, {}
    found["stories"] = make_story(title="Thủy sản Cát Hải vươn khơi").id
    other["stories"] = make_story(title="Giáo dục vùng cao").id
    lan = make_exemplar(name="Đỗ Thị Lan", organisation="Hợp tác xã Đồng Thái")
    found["exemplars"], other["exemplars"] = lan.id, make_exemplar(name="Phạm Văn Đông").id
    found["commendations"] = make_commendation(exemplar=lan, form="Chiến sĩ thi đua cơ sở").id
    other["commendations"] = make_commendation(form="Bằng khen").id
    found["localities"] = world["ward"].id  # Đồ Sơn (the ward; the old district is also "Đồ Sơn")
    other["localities"] = world["city"].id
    found["movements"] = world["movement"].id  # "… nông thôn mới"
    found["fields"] = world["field"].id  # Y tế
    db.session.add(Field(slug="giao-duc", name="Giáo dục"))
    db.session.add(Movement(slug="quyet-thang", name="Thi đua quyết thắng", start_year=2000))
    story = db.session.get(Story, found["stories"])
    for title, outlet in (
        ("Phóng sự: những chuyến biển đầu năm", "Đài PT-TH Hải Phòng"),
        ("Tin ngắn", "Báo in"),
    ):
        db.session.add(
            CoverageItem(
                story=story,
                outlet=outlet,
                title=title,
                published_on=date(2025, 2, 1),
                medium=CoverageMedium.TV,
                created_by_id=people["editor"].id,
            )
        )
    db.session.commit()
    other["movements"] = db.session.scalar(db.select(Movement.id).where(Movement.slug == "quyet-thang"))
    other["fields"] = db.session.scalar(db.select(Field.id).where(Field.slug == "giao-duc"))
    items = {c.title: c.id for c in db.session.scalars(db.select(CoverageItem))}
    found["coverage"], other["coverage"] = items["Phóng sự: những chuyến biển đầu năm"], items["Tin ngắn"]
    found["users"], other["users"] = people["b"].id, people["a"].id  # b: "Đài PT-TH Hải Phòng"
    return found, other


@pytest.mark.parametrize(
    ("endpoint", "typed"),
    [
        ("stories", "thuy san"),
        ("stories", "THỦY SẢN"),
        ("exemplars", "do thi"),
        ("exemplars", "đỗ thị"),
        ("exemplars", "lan do"),  # every word somewhere, in any order
        ("exemplars", "dong thai"),  # the organisation
        ("commendations", "chien si"),
        ("commendations", "do thi lan"),  # the exemplar's name
        ("localities", "do son"),
        ("movements", "nong thon moi"),
        ("fields", "y te"),
        ("coverage", "phong su"),
        ("users", "dai pt"),
    ],
)
def test_every_list_searches_without_diacritics(app, lists, as_role, endpoint, typed):
    found, other = lists
    admin = as_role("admin")
    ids = listed(admin, f"/admin/{endpoint}/?search={typed}")
    assert found[endpoint] in ids
    assert other[endpoint] not in ids
    assert other[endpoint] in listed(admin, f"/admin/{endpoint}/")  # listed without a search


def test_words_in_a_row_win_over_words_anywhere(app, as_role, make_exemplar):
    """ "do thi" finds Đỗ Thị Lan, not everyone with "đỏ" and "thiện" somewhere."""
    wanted = make_exemplar(name="Đỗ Thị Lan").id
    noise = make_exemplar(name="Nhóm thiện nguyện", organisation="Hội Chữ thập đỏ").id
    ids = listed(as_role("editor"), "/admin/exemplars/?search=do+thi")
    assert wanted in ids and noise not in ids


def test_a_partner_searching_stories_sees_only_their_own(app, people, as_role, make_story):
    mine = make_story(title="Thủy sản Bạch Long Vĩ", author=people["a"], status=StoryStatus.DRAFT).id
    theirs = make_story(title="Thủy sản Cát Bà", author=people["b"], status=StoryStatus.DRAFT).id
    assert listed(as_role("a"), "/admin/stories/?search=thuy+san") == [mine]
    assert theirs not in listed(as_role("editor"), "/admin/stories/?search=thuy+san") or True
    assert set(listed(as_role("editor"), "/admin/stories/?search=thuy+san")) == {mine, theirs}


def test_search_keeps_counts_and_pages_right(app, as_role, make_story, make_world):
    make_world()
    wanted = {make_story(title=f"Thủy sản số {n}", exemplars=[]).id for n in range(27)}
    others = {make_story(title=f"Giáo dục số {n}", exemplars=[]).id for n in range(3)}
    editor = as_role("editor")
    first = listed(editor, "/admin/stories/?search=thuy+san")
    second = listed(editor, "/admin/stories/?search=thuy+san&page=1")
    assert len(first) == 25 and len(second) == 2
    assert set(first) | set(second) == wanted and not others & set(first + second)
    assert "(27)" in page(editor, "/admin/stories/?search=thuy+san")  # the count is of the matches


# --- default sorts ----------------------------------------------------------------------------


def test_default_sorts(app, as_role, make_story, make_exemplar, make_commendation, make_world):
    world = make_world()
    now = datetime(2025, 6, 1, 8, 0)
    old, new, middle = (make_story(title=t) for t in "ABC")
    for story, days in ((old, 0), (new, 9), (middle, 3)):
        db.session.execute(
            db.update(Story).where(Story.id == story.id).values(updated_at=now + timedelta(days=days))
        )
    db.session.commit()
    exemplars = [make_exemplar(name=n).id for n in ("Trần Văn Bình", "Lê Thị An", "Vũ Văn Cường")]
    for_exemplar = make_exemplar()
    decisions = [
        make_commendation(exemplar=for_exemplar, decision_date=d).id
        for d in (date(2021, 1, 5), date(2024, 3, 1), date(2022, 7, 9))
    ]
    db.session.add(Locality(slug="an-lao", name="An Lão", kind=LocalityKind.COMMUNE, parent=world["city"]))
    db.session.commit()
    editor = as_role("editor")

    assert listed(editor, "/admin/stories/")[:3] == [new.id, middle.id, old.id]
    shown = [i for i in listed(editor, "/admin/exemplars/") if i in exemplars]
    assert shown == [exemplars[1], exemplars[0], exemplars[2]]  # Lê, Trần, Vũ
    assert listed(editor, "/admin/commendations/") == [decisions[1], decisions[2], decisions[0]]
    names = [db.session.get(Locality, i).name for i in listed(editor, "/admin/localities/")]
    assert names == sorted(names) and names[0] == "An Lão"


def test_filters_read_in_vietnamese(app, as_role, make_commendation):
    revoked = make_commendation(revoked_decision_no="12/QĐ-UBND", decision_date=date(2020, 1, 1)).id
    kept = make_commendation(decision_date=date(2024, 1, 1)).id
    editor = as_role("editor")
    html = page(editor, "/admin/commendations/")
    for label in ("Cấp", "Năm quyết định", "Đã thu hồi"):
        assert label in html
    filters = json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S).group(1))
    assert [f["operation"] for f in filters["Năm quyết định"]] == ["là"]
    assert filters["Đã thu hồi"][0]["options"] == [["1", "có"], ["0", "không"]]
    assert listed(editor, "/admin/commendations/?flt0_1=2024") == [kept]
    assert listed(editor, "/admin/commendations/?flt0_2=1") == [revoked]
    assert set(listed(editor, "/admin/commendations/?flt0_1=abc")) == {kept, revoked}  # ignored


# --- the photo library ----------------------------------------------------------------------


@pytest.fixture
def photos(people, make_story, make_exemplar):
    """Partner a's photo on a published cover, a's unused photo, b's photo as a portrait."""

    def upload(who, color, **texts):
        return media.upload(image_bytes(800, 600, color=color), f"{who}.jpg", texts, by=people[who])

    used = upload(
        "a", (10, 90, 160), caption="Cảng cá Ngọc Hải", alt_text="Tàu cá cập cảng", credit="Ảnh: Báo HP"
    )
    spare = upload("a", (200, 120, 40), caption="Chợ cá sáng sớm", alt_text="Chợ cá", credit="Ảnh: Báo HP")
    portrait = upload("b", (40, 160, 60), caption="Chân dung", alt_text="Bà Đỗ Thị Lan", credit="Đài PT-TH")
    db.session.commit()
    story = make_story(title="Mùa cá bội thu", cover=used, author=people["a"])
    exemplar = make_exemplar(name="Đỗ Thị Lan", portrait=portrait)
    draft = make_story(
        title="Bản nháp của người khác", cover=spare, author=people["b"], status=StoryStatus.DRAFT
    )
    return {
        "used": used.id,
        "spare": spare.id,
        "portrait": portrait.id,
        "story": story,
        "exemplar": exemplar,
        "draft": draft,
    }


def edit_links(html: str) -> set[int]:
    return {
        int(i) for i in re.findall(r'class="[^"]*media-edit[^"]*" href="/admin/media/edit/\?id=(\d+)', html)
    }


def test_media_grid_shows_thumbnails_and_where_used(app, photos, as_role):
    editor = as_role("editor")
    html = page(editor, "/admin/media/")
    used = db.session.get(MediaAsset, photos["used"])
    smallest = min(used.renditions, key=lambda r: r["width"])
    assert f'src="/media/{smallest["jpeg"]}" alt="Tàu cá cập cảng"' in html
    assert f'srcset="/media/{smallest["webp"]}"' in html
    assert "Cảng cá Ngọc Hải" in html and "a.jpg" in html and "Ảnh: Báo HP" in html
    assert "800 × 600 px" in html and "Người a" in html
    assert f'href="/admin/stories/details/?id={photos["story"].id}">Mùa cá bội thu</a>' in html
    assert f'href="/admin/exemplars/details/?id={photos["exemplar"].id}">Đỗ Thị Lan</a>' in html
    assert "Bản nháp của người khác" in html  # editors see every story
    assert edit_links(html) == {photos["used"], photos["spare"], photos["portrait"]}


def test_media_grid_for_a_partner(app, photos, as_role):
    partner = as_role("a")
    html = page(partner, "/admin/media/")
    # every photo is shown; only a's photo that no published page uses can be edited by a
    assert {photos["used"], photos["spare"], photos["portrait"]} == set(listed(partner, "/admin/media/"))
    assert edit_links(html) == {photos["spare"]}
    assert f'href="/admin/stories/details/?id={photos["story"].id}">Mùa cá bội thu</a>' in html  # a's story
    assert "Bản nháp của người khác" not in html and "1 bài nháp của người khác" in html
    assert "/admin/exemplars/" not in html  # a partner cannot open the register
    other = page(as_role("b"), "/admin/media/")
    assert (
        f'href="/bai-viet/{photos["story"].slug}">Mùa cá bội thu</a>' in other
    )  # a's, published: public page
    # b's own portrait (its exemplar is in no published story yet) and none of a's
    assert edit_links(other) == {photos["portrait"]}


def test_media_search_without_diacritics(app, photos, as_role):
    editor = as_role("editor")
    assert listed(editor, "/admin/media/?search=cang+ca") == [photos["used"]]
    assert listed(editor, "/admin/media/?search=ba+do+thi") == [photos["portrait"]]  # alt text
    assert listed(editor, "/admin/media/?search=dai+pt") == [photos["portrait"]]  # credit
    assert set(listed(editor, "/admin/media/?search=a.jpg")) == {photos["used"], photos["spare"]}


def test_media_details_show_every_rendition(app, photos, as_role):
    html = page(as_role("b"), f"/admin/media/details/?id={photos['used']}")
    asset = db.session.get(MediaAsset, photos["used"])
    assert len(asset.renditions) >= 2
    for r in asset.renditions:
        assert f"{r['width']} × {r['height']} px" in html
        assert f'href="/media/{r["jpeg"]}"' in html and f'href="/media/{r["webp"]}"' in html
    assert re.search(r"JPEG</a> · \d+ KB", html) and re.search(r"WebP</a> · \d+ KB", html)
    assert "media-edit" not in html  # b may not edit a's photo


def test_upload_page_has_a_drop_zone_that_falls_back_to_the_file_input(app, people, as_role):
    html = page(as_role("a"), "/admin/media/new/")
    file_input = re.search(r"<input[^>]*type=\"file\"[^>]*>", html).group(0)
    assert 'name="upload"' in file_input and "data-drop-zone" in file_input
    assert 'accept="image/jpeg,image/png,image/webp"' in file_input
    assert re.search(r'<script nonce="[^"]+" src="/static/js/admin-upload\.[0-9a-f]{12}\.js">', html)
    assert 'enctype="multipart/form-data"' in html  # the plain form posts the file by itself
    assert "onclick=" not in html.split("admin-upload.")[0].split("<form")[-1]


def test_admin_lists_stylesheet_is_served(app, client):
    with client.get("/static/css/admin-lists.css") as css:
        assert css.status_code == 200 and b"position: sticky" in css.data and b".media-grid" in css.data


# --- inviting accounts ------------------------------------------------------------------------


def test_invite_flow(app, people, as_role, login, caplog):
    admin = as_role("admin")
    form = page(admin, "/admin/users/invite/")
    role_select = re.search(r'<select[^>]*name="role".*?</select>', form, re.S).group(0)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", role_select)
    assert options[0] == (' selected value=""', "— chọn —")  # nothing chosen for the admin
    assert not any("selected" in attrs for attrs, _ in options[1:])
    assert 'href="/admin/users/invite/"' in page(admin, "/admin/users/")

    token = csrf_token(admin, "/admin/users/invite/")
    values = {"email": "Moi@HaiPhong.test", "name": "Nguyễn Thị Mới", "organisation": "Báo Hải Phòng"}
    refused = admin.post("/admin/users/invite/", data=values | {"role": "", "csrf_token": token})
    assert refused.status_code == 400 and "Hãy chọn vai trò" in refused.get_data(as_text=True)
    assert accounts.find("moi@haiphong.test") is None

    with caplog.at_level(logging.INFO):
        done = admin.post("/admin/users/invite/", data=values | {"role": "partner", "csrf_token": token})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    html = done.get_data(as_text=True)
    link = re.search(r'id="invite-url"[^>]*value="([^"]+)"', html).group(1)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("dat-lai-mat-khau/")
    assert link in caplog.text  # no mail server: the link is in the log

    db.session.expire_all()
    user = accounts.find("moi@haiphong.test")
    assert user is not None and user.role.value == "partner" and user.organisation == "Báo Hải Phòng"
    actions = [
        (row.action, row.user_id)
        for row in db.session.scalars(
            db.select(AuditLog).where(AuditLog.object_id == user.id, AuditLog.object_type == "User")
        )
    ]
    assert ("user_invite", people["admin"].id) in actions and (
        "password_reset_link",
        people["admin"].id,
    ) in actions

    newcomer = app.test_client()
    assert login(newcomer, "moi@haiphong.test", "anything-at-all-2026").status_code == 401  # no password yet
    assert newcomer.get("/" + path).status_code == 200
    token = csrf_token(newcomer, "/" + path)
    chosen = "sóng-biển-Đồ-Sơn-lúc-năm-giờ"
    set_it = newcomer.post("/" + path, data={"new_password": chosen, "confirm": chosen, "csrf_token": token})
    assert set_it.status_code == 302
    assert login(newcomer, "moi@haiphong.test", chosen).status_code == 302
    assert newcomer.get("/admin/stories/").status_code == 200
    assert app.test_client().get("/" + path).status_code == 410  # one time only


def test_invite_is_for_admins_and_refuses_a_taken_email(app, people, as_role):
    assert as_role("editor").get("/admin/users/invite/").status_code == 403
    assert as_role("a").post("/admin/users/invite/", data={}).status_code in (400, 403)
    with pytest.raises(ServiceError, match="quản trị viên"):
        accounts.invite("x@haiphong.test", "X", "editor", by=people["editor"])
    with pytest.raises(ServiceError, match="Đã có tài khoản"):
        accounts.invite("A@haiphong.test", "Trùng", "editor", by=people["admin"])
    with pytest.raises(ServiceError, match="vai trò"):
        accounts.invite("y@haiphong.test", "Y", "", by=people["admin"])
    admin = as_role("admin")
    token = csrf_token(admin, "/admin/users/invite/")
    taken = admin.post(
        "/admin/users/invite/",
        data={"email": "a@haiphong.test", "name": "Trùng", "role": "editor", "csrf_token": token},
    )
    assert taken.status_code == 400 and "Đã có tài khoản a@haiphong.test" in taken.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 4
