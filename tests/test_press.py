"""The journalist's kit: clean text files in the press pack, a fact sheet with every
commendation's reason, embargoed packs that say so, and a press room a newsroom can use."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, timedelta

import pytest

from showcase import press
from showcase.extensions import db
from showcase.models import StoryStatus, utcnow
from showcase.services import workflow
from showcase.services.media import add_image
from tests.test_media import with_exif

BODY = (
    "Đoạn mở đầu   có  khoảng trắng thừa.\n\n"
    "## Một buổi sáng ở bến\n\n"
    "Đoạn thứ hai, dài hơn,\nxuống dòng giữa câu.\n\n"
    "- việc thứ nhất;\n- việc thứ hai.\n\n"
    "> Lời kể của người dân.\n"
)


def read_pack(response) -> dict[str, str]:
    """The text files of a pack, by name without the folder."""
    pack = zipfile.ZipFile(io.BytesIO(response.data))
    return {
        name.split("/", 1)[1]: pack.read(name).decode()
        for name in pack.namelist()
        if name.endswith((".txt", ".md"))
    }


def assert_clean(name: str, text: str) -> None:
    assert text.endswith("\n") and not text.endswith("\n\n"), name
    assert "\n\n\n" not in text, name  # one blank line between blocks, never two
    for line in text.splitlines():
        assert line == line.strip(), f"{name}: {line!r}"  # no leading or trailing spaces


@pytest.fixture
def commended(make_exemplar, make_commendation):
    """An exemplar with one standing and one revoked commendation."""
    person = make_exemplar(name="Bà Lái Đò", role="Chủ đò", organisation="Bến Bính")
    make_commendation(
        exemplar=person,
        form="Bằng khen của Chủ tịch UBND thành phố",
        decision_no="321/QĐ-UBND",
        decision_date=date(2024, 2, 3),
        reason="Cứu 3 người đuối nước trên sông Cấm.",
    )
    make_commendation(
        exemplar=person,
        form="Danh hiệu Chiến sĩ thi đua cơ sở",
        decision_no="88/QĐ-UBND",
        decision_date=date(2023, 1, 9),
        reason="",
        revoked_decision_no="654/QĐ-UBND",
        revoked_on=date(2025, 1, 1),
        revoked_reason="Trùng đối tượng",
    )
    return person


def test_pack_text_files_are_clean_and_facts_give_reasons(app, client, ctx, make_story, commended):
    story = make_story(exemplars=[commended], body_md=BODY, broadcast_summary="  Câu một.\n\n\n  Câu hai.  ")
    with client.get(f"/bai-viet/{story.slug}/bao-chi.zip") as response:
        assert response.status_code == 200
        files = read_pack(response)
    for name, text in files.items():
        assert_clean(name, text)
        assert "CẤM ĐĂNG" not in text  # a public story has no embargo

    body = files[f"{story.slug}.txt"]
    blocks = body.rstrip("\n").split("\n\n")
    assert blocks[:3] == [story.title, "Tóm tắt bài viết.", "Đoạn mở đầu có khoảng trắng thừa."]
    assert "Một buổi sáng ở bến" in blocks  # the heading is a block of its own
    assert "Đoạn thứ hai, dài hơn, xuống dòng giữa câu." in blocks
    assert "- việc thứ nhất;\n- việc thứ hai." in blocks
    assert "Lời kể của người dân." in blocks
    assert files["ban-tin-60-giay.txt"] == "Câu một.\n\nCâu hai.\n"

    facts = files["thong-tin.txt"]
    assert "Chức vụ, đơn vị: Chủ đò, Bến Bính" in facts
    standing, revoked = (block for block in facts.split("\n\n") if block.startswith("Hình thức:"))
    assert standing.splitlines() == [
        "Hình thức: Bằng khen của Chủ tịch UBND thành phố",
        "Tình trạng: còn hiệu lực",
        "Cấp khen thưởng: Thành phố",
        "Quyết định số 321/QĐ-UBND ngày 03/02/2024 của Chủ tịch UBND thành phố Hải Phòng",
        "Lý do khen thưởng: Cứu 3 người đuối nước trên sông Cấm.",
    ]
    assert revoked.splitlines()[1] == (
        "Tình trạng: ĐÃ THU HỒI theo Quyết định số 654/QĐ-UBND ngày 01/01/2025; "
        "lý do thu hồi: Trùng đối tượng"
    )
    assert "Lý do khen thưởng: quyết định không ghi lý do" in revoked
    for line in facts.splitlines():
        assert not line.endswith(":"), line  # every field has a value

    credits = files["nguon-anh.txt"]
    assert "Nguồn ảnh:" in credits or credits == "Bài viết không có ảnh.\n"
    contact = files["lien-he.txt"]
    assert "Thư điện tử: bao-chi@" in contact and "Điện thoại: 0225" in contact


def test_embargoed_pack_states_its_embargo_everywhere_and_fills_every_field(
    app, ctx, make_story, commended, as_role, people
):
    later = utcnow().replace(microsecond=0) + timedelta(days=2)
    story = make_story(
        title="Bài còn cấm đăng",
        status=StoryStatus.IN_REVIEW,
        published_at=None,
        movements=[],
        exemplars=[commended],
        body_md=BODY,
    )
    story.publish_at = later
    db.session.commit()
    local = later + timedelta(hours=7)  # Vietnam time
    stamp = f"CẤM ĐĂNG TRƯỚC {local:%H:%M} NGÀY {local:%d/%m/%Y} (GIỜ VIỆT NAM)"

    with as_role("a").get(f"/bao-chi/cam-dang/{story.id}.zip") as response:
        assert response.status_code == 200
        files = read_pack(response)
    assert len(files) >= 5
    for name, text in files.items():
        assert_clean(name, text)
        first = text.splitlines()[0].strip("*").strip()
        assert first == stamp, name  # the embargo opens every text file
    facts = files["thong-tin.txt"]
    assert f"Ngày đăng: dự kiến {local:%d/%m/%Y %H:%M} (giờ Việt Nam), cấm đăng trước giờ này" in facts
    assert "Phong trào: bài không gắn với phong trào thi đua nào" in facts
    for line in facts.splitlines():
        assert not line.rstrip().endswith(":"), line

    # once its time comes the public pack is an ordinary one
    workflow.publish_due(now=later + timedelta(minutes=1))
    db.session.commit()
    story.published_at = utcnow() - timedelta(minutes=1)  # the test cannot wait two days
    db.session.commit()
    with as_role(None).get(f"/bai-viet/{story.slug}/bao-chi.zip") as response:
        assert response.status_code == 200
        assert not any("CẤM ĐĂNG" in text for text in read_pack(response).values())


def test_human_size_is_written_the_vietnamese_way():
    assert press.human_size(4_200_000) == "4,2 MB"
    assert press.human_size(850_000) == "850 KB"
    assert press.human_size(12) == "1 KB"


def test_press_room_shows_each_story_with_thumbnail_date_movement_and_size(
    app, client, ctx, make_story, make_world
):
    world = make_world()
    cover = add_image(with_exif(800, 600), "bia.jpg")
    cover.alt_text = "Bến tàu"
    story = make_story(title="Chuyện bến tàu", cover=cover, published_at=datetime(2024, 5, 6, 3, 0))
    page = client.get("/bao-chi").get_data(as_text=True)
    item = re.search(r'<li class="press-item">(.*?)</li>', page, re.S)
    assert item is not None
    row = item.group(1)
    assert 'class="press-thumb"' in row and "<img " in row and 'alt="Bến tàu"' in row
    assert "Chuyện bến tàu" in row and "06/05/2024" in row and world["movement"].name in row
    assert f"/bai-viet/{story.slug}/bao-chi.zip" in row
    size = re.search(r"\(ZIP, (\d+(?:,\d)? (?:KB|MB))\)", row)
    assert size is not None and size.group(1) == press.human_size(press.pack_size(story))
    assert press.pack_size(story) > cover_bytes(app, cover)  # the photo is counted
    assert 'href="mailto:bao-chi@thiduakhenthuong.example"' in page
    assert 'href="tel:+842253000000"' in page


def cover_bytes(app, asset) -> int:
    return app.extensions["storage"].path(asset.file).stat().st_size


def test_press_room_filters_by_movement_and_year_with_plain_links(client, ctx, make_story, make_world):
    from showcase.models import Movement

    world = make_world()
    other = Movement(slug="dan-van-kheo", name="Dân vận khéo", launched_by="Ban Dân vận", start_year=2018)
    db.session.add(other)
    db.session.commit()
    old = make_story(title="Bài năm 2023", published_at=datetime(2023, 3, 1, 3, 0))
    # 31/12/2024 20:00 UTC is already 01/01/2025 in Vietnam
    new_year = make_story(
        title="Bài đêm giao thừa", published_at=datetime(2024, 12, 31, 20, 0), movements=[other]
    )
    page = client.get("/bao-chi").get_data(as_text=True)
    assert 'href="/bao-chi?phong-trao=dan-van-kheo"' in page and 'href="/bao-chi?nam=2025"' in page
    assert "<script" not in page.split('class="press-filter"')[1].split("</nav>")[0]  # links, no JS
    assert re.search(r'href="/bao-chi\?nam=2025"[^>]*>2025 <span class="count">\(1\)', page)

    by_movement = client.get("/bao-chi?phong-trao=dan-van-kheo").get_data(as_text=True)
    assert new_year.title in by_movement and old.title not in by_movement
    assert "1 bài thuộc phong trào “Dân vận khéo”" in by_movement
    by_year = client.get("/bao-chi?nam=2023").get_data(as_text=True)
    assert old.title in by_year and new_year.title not in by_year
    assert new_year.title in client.get("/bao-chi?nam=2025").get_data(as_text=True)
    both = client.get(f"/bao-chi?phong-trao={world['movement'].slug}&nam=2025").get_data(as_text=True)
    assert "Chưa có bài nào khớp bộ lọc này." in both

    bad_year = client.get("/bao-chi?nam=hai-nghin")
    assert bad_year.status_code == 400 and "không hợp lệ" in bad_year.get_data(as_text=True)
    assert client.get("/bao-chi?nam=99999999999999999999").status_code == 400
    assert client.get("/bao-chi?phong-trao=khong-co").status_code == 404


def test_press_room_lists_embargoed_titles_with_their_preview_for_the_press(
    app, ctx, make_story, as_role, people
):
    story = make_story(title="Tin hẹn giờ cho báo chí", status=StoryStatus.IN_REVIEW, published_at=None)
    story.publish_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert story.title not in as_role(None).get("/bao-chi").get_data(as_text=True)
    for role in ("a", "editor"):
        client = as_role(role)
        page = client.get("/bao-chi").get_data(as_text=True)
        link = re.search(r'<a href="(/xem-truoc/[^"]+)"><strong>Tin hẹn giờ cho báo chí</strong></a>', page)
        assert link is not None, role
        preview = client.get(link.group(1))
        assert preview.status_code == 200 and story.title in preview.get_data(as_text=True)
        assert preview.headers["Cache-Control"] == "no-store"
