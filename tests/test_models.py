"""The domain model: relations, enums, localities as a tree with successors."""

import unicodedata
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from showcase.extensions import db
from showcase.models import (
    Commendation,
    CommendationLevel,
    Exemplar,
    Locality,
    Story,
    StoryStatus,
)
from showcase.services import snapshots


def test_story_links_and_rendered_body(make_story, make_exemplar):
    a, b = make_exemplar(name="Trần Thị A"), make_exemplar(name="Lê Văn B")
    story = make_story(exemplars=[a, b], body_md="Xin chào **Hải Phòng**")
    db.session.expire_all()
    story = db.session.get(Story, story.id)
    assert [e.name for e in story.exemplars] == ["Lê Văn B", "Trần Thị A"]
    assert story.body_html == "<p>Xin chào <strong>Hải Phòng</strong></p>\n"
    assert story.movements[0].slug == "nong-thon-moi"
    assert story in a.stories


def test_apply_bumps_updated_at_only_on_change(make_story):
    story = make_story()
    before = story.updated_at
    assert snapshots.apply(story, {"title": story.title}) is False
    assert story.updated_at == before
    assert snapshots.apply(story, {"title": "Tiêu đề mới"}) is True
    assert story.updated_at > before


def test_apply_normalises_to_nfc(make_story):
    story = make_story(title=unicodedata.normalize("NFD", "Đồ Sơn"))
    assert story.title == "Đồ Sơn"
    assert unicodedata.is_normalized("NFC", story.title)


def test_locality_tree_and_successor(make_world):
    world = make_world()
    db.session.commit()
    old = db.session.scalar(db.select(Locality).filter_by(slug="quan-do-son"))
    assert old.replaced_by.slug == "phuong-do-son"
    assert old.full_name == "Quận Đồ Sơn" and not old.is_current
    assert world["ward"].replaced == [old]
    assert {c.slug for c in world["city"].children} == {"phuong-do-son", "quan-do-son"}


def test_enum_values_stored_as_text(make_story):
    story = make_story(status=StoryStatus.IN_REVIEW)
    raw = db.session.execute(db.text("SELECT status FROM story WHERE id = :id"), {"id": story.id}).scalar()
    assert raw == "in_review"
    assert StoryStatus.IN_REVIEW.label == "Chờ duyệt"


def test_unknown_enum_value_refused(make_world):
    make_world()
    db.session.add(Locality(slug="x", name="X", kind="galaxy"))
    with pytest.raises((StatementError, LookupError)):
        db.session.flush()
    db.session.rollback()


def test_commendation_revocation(make_commendation):
    c = make_commendation(level=CommendationLevel.STATE)
    assert not c.is_revoked
    c.revoked_decision_no, c.revoked_on, c.revoked_reason = "9/QĐ-UBND", date(2024, 1, 2), "Trùng"
    db.session.commit()
    assert c.is_revoked


def test_slug_is_unique(make_story):
    story = make_story()
    db.session.add(Story(slug=story.slug, title="x", field_id=story.field_id, locality_id=story.locality_id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_deleting_exemplar_removes_its_commendations(make_commendation):
    c = make_commendation()
    exemplar_id = c.exemplar_id
    db.session.delete(db.session.get(Exemplar, exemplar_id))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Commendation.id))) == 0
