"""Every channel asks visibility.py: nothing unpublished, scheduled, embargoed, retracted or
removed at the person's request leaves.

One walk over every public channel — pages, search, feeds, sitemap, API lists, details and
search, the widget, the open-data files — after making a draft, a story scheduled for later,
an embargoed one in review and a retracted one beside a public story.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from showcase.extensions import db
from showcase.models import Exemplar, StoryStatus, utcnow
from showcase.services import workflow


@pytest.fixture
def stories(ctx, make_story, make_exemplar, people):
    """The public story, then the hidden ones (each about an exemplar of its own)."""
    public = make_story(title="Gương sáng công khai", summary="Chuyện đã đăng về người tốt.")

    def hidden(title: str, **values):
        exemplar = make_exemplar(name=f"Nhân vật {title}")
        return make_story(title=title, summary=f"Tóm tắt {title}.", exemplars=[exemplar], **values)

    draft = hidden("Bản nháp bí mật", status=StoryStatus.DRAFT, published_at=None)
    scheduled = hidden("Bài hẹn giờ đăng", published_at=utcnow() + timedelta(days=2))
    embargoed = hidden(
        "Bài cấm đăng trước giờ",
        status=StoryStatus.IN_REVIEW,
        published_at=None,
        publish_at=utcnow() + timedelta(days=1),
    )
    retracted = hidden("Bài đã thu hồi")
    workflow.transition(retracted, "retract", by=people["editor"], text="Sai thông tin nhân vật.")
    removed = hidden("Bài gỡ theo yêu cầu")
    workflow.transition(removed, "hide", by=people["editor"])
    db.session.commit()
    return public, [draft, scheduled, embargoed, retracted, removed]


CHANNELS = [
    "/",
    "/bai-viet",
    "/dien-hinh",
    "/dia-phuong/phuong-do-son",
    "/phong-trao/nong-thon-moi",
    "/linh-vuc/y-te",
    "/bao-chi",
    "/tim-kiem?q=bai",
    "/tim-kiem?q=nhan+vat",
    "/tim-kiem?q=cong+khai",
    "/feed.xml",
    "/atom.xml",
    "/phong-trao/nong-thon-moi/feed.xml",
    "/linh-vuc/y-te/atom.xml",
    "/dia-phuong/phuong-do-son/feed.xml",
    "/sitemap.xml",
    "/api/v1/stories?per_page=100",
    "/api/v1/exemplars?per_page=100",
    "/api/v1/search?q=bai",
    "/api/v1/search?q=nhan+vat",
    "/api/v1/search?q=cong+khai",
    "/nhung/moi-nhat?so=20",
    "/du-lieu-mo/bai-viet.csv",
    "/du-lieu-mo/bai-viet.json",
    "/du-lieu-mo/khen-thuong.csv",
    "/du-lieu-mo/khen-thuong.json",
]


# the channels that list stories: the public one is there (so the walk can see a story at all)
LISTING = {
    "/",
    "/bai-viet",
    "/tim-kiem?q=cong+khai",
    "/feed.xml",
    "/atom.xml",
    "/phong-trao/nong-thon-moi/feed.xml",
    "/sitemap.xml",
    "/api/v1/stories?per_page=100",
    "/api/v1/search?q=cong+khai",
    "/nhung/moi-nhat?so=20",
    "/du-lieu-mo/bai-viet.csv",
    "/du-lieu-mo/bai-viet.json",
}


def test_no_channel_lets_a_hidden_story_out(client, stories):
    public, hidden = stories
    for url in CHANNELS:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        if url in LISTING:
            assert f"/bai-viet/{public.slug}" in text, (url, "the public story")
        for story in hidden:
            assert story.title not in text, (url, story.title)
            assert f"/bai-viet/{story.slug}" not in text, (url, story.slug)
            assert f"Nhân vật {story.title}" not in text, (url, "its exemplar")


def test_hidden_stories_have_no_page_nor_detail_nor_feed_of_their_own(client, stories):
    _public, hidden = stories
    draft, scheduled, embargoed, retracted, removed = hidden
    for story in (draft, scheduled, embargoed):
        assert client.get(f"/bai-viet/{story.slug}").status_code == 404
        assert client.get(f"/api/v1/stories/{story.slug}").status_code == 404
        assert client.get(f"/bai-viet/{story.slug}/bao-chi.zip").status_code == 404
        exemplar = db.session.scalar(db.select(Exemplar).filter_by(name=f"Nhân vật {story.title}"))
        assert client.get(f"/dien-hinh/{exemplar.slug}").status_code == 404
        assert client.get(f"/dien-hinh/{exemplar.slug}/feed.xml").status_code == 404
        assert client.get(f"/api/v1/exemplars/{exemplar.slug}").status_code == 404
    # a retracted story answers 410 with its public notice, on the site and in the API
    page = client.get(f"/bai-viet/{retracted.slug}")
    assert page.status_code == 410 and "Sai thông tin nhân vật." in page.get_data(as_text=True)
    detail = client.get(f"/api/v1/stories/{retracted.slug}")
    assert detail.status_code == 410 and "body_html" not in detail.get_json()
    # one removed at the person's request answers 410 too, naming nothing: not even its title
    page = client.get(f"/bai-viet/{removed.slug}")
    text = page.get_data(as_text=True)
    assert page.status_code == 410 and "gỡ theo yêu cầu" in text
    assert removed.title not in text and "Nhân vật" not in text
    detail = client.get(f"/api/v1/stories/{removed.slug}")
    assert detail.status_code == 410 and removed.title not in detail.get_data(as_text=True)
    assert detail.get_json()["error"]["title"] == ""
    assert client.get(f"/bai-viet/{removed.slug}/bao-chi.zip").status_code == 404
