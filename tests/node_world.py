"""Make a small site on the database the environment names (`python -m tests.node_world`):
an editor account and a story waiting for review, for tests that run the site in real servers.
Prints the story's id and slug."""

from __future__ import annotations

from datetime import date

from showcase import create_app
from showcase.extensions import db
from showcase.models import (
    ConsentMethod,
    Exemplar,
    ExemplarKind,
    Field,
    Locality,
    LocalityKind,
    Movement,
    Story,
    StoryStatus,
)
from showcase.services import accounts, snapshots

EDITOR = "bien-tap@haiphong.test"
PASSWORD = "mat-khau-kiem-thu-dai-du-2026"


def make_world() -> Story:
    """An editor, a small taxonomy, an exemplar and a story about them waiting for review."""
    accounts.create_user(EDITOR, "Biên tập viên", "editor", PASSWORD, "Ban TĐ-KT")
    city = Locality(slug="hai-phong", name="Hải Phòng", kind=LocalityKind.CITY)
    ward = Locality(slug="phuong-do-son", name="Đồ Sơn", kind=LocalityKind.WARD, parent=city)
    field = Field(slug="y-te", name="Y tế", description="Khám chữa bệnh")
    movement = Movement(
        slug="nong-thon-moi", name="Nông thôn mới", launched_by="Thủ tướng Chính phủ", start_year=2011
    )
    exemplar = Exemplar(slug="bac-si-lan-toa")
    snapshots.apply(
        exemplar,
        {
            "name": "Bác sĩ Lan Tỏa",
            "kind": ExemplarKind.INDIVIDUAL,
            "locality": ward,
            "bio_md": "Bác sĩ",
            # her consent is on record: a story about a person without it is not published
            "consent_date": date(2024, 1, 15),
            "consent_method": ConsentMethod.WRITTEN,
            "consent_by": "Phóng viên Báo Hải Phòng",
        },
    )
    story = Story(slug="nguoi-thay-thuoc-lang-bien")
    snapshots.apply(
        story,
        {
            "title": "Người thầy thuốc làng biển",
            "summary": "Ba mươi năm khám bệnh miễn phí cho ngư dân.",
            "body_md": "Mỗi sáng, bác sĩ Lan Tỏa mở cửa trạm xá từ năm giờ.",
            "status": StoryStatus.IN_REVIEW,
            "byline": "Báo Hải Phòng",
            "broadcast_summary": "Bác sĩ làng biển.",
            "field": field,
            "locality": ward,
            "movements": [movement],
            "exemplars": [exemplar],
        },
    )
    db.session.add_all([city, ward, field, movement, exemplar, story])
    db.session.commit()
    return story


def main() -> None:
    with create_app().app_context():
        story = make_world()
        print(story.id, story.slug)


if __name__ == "__main__":
    main()
