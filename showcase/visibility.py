"""What the public may see, as SQL conditions: used by the public site and by the search index."""

from __future__ import annotations

from sqlalchemy import and_, exists, select

from showcase.models import (
    Consultation,
    ConsultationStatus,
    Exemplar,
    Story,
    StoryStatus,
    story_exemplars,
    utcnow,
)


def is_published():
    """The SQL condition for a story a reader may see: published, and its time has come."""
    return and_(Story.status == StoryStatus.PUBLISHED, Story.published_at <= utcnow())


def is_retracted():
    """The SQL condition for a story withdrawn after publication: gone from every list, search
    and feed (is_published is false), its notice (title, date, public reason) answers 410."""
    return and_(Story.status == StoryStatus.RETRACTED, Story.published_at.is_not(None))


def is_hidden():
    """The SQL condition for a story removed at the request of the person concerned, once public:
    gone from every channel like a retraction, but its URL answers 410 with a notice that names
    neither the story nor anyone in it."""
    return and_(Story.status == StoryStatus.HIDDEN, Story.published_at.is_not(None))


def has_published_story():
    """The SQL condition for an exemplar with at least one published story (a public one)."""
    # nested, not a join: a planner then walks this exemplar's few links and looks each story
    # up by key (SQLite, without statistics, walked every published story for each exemplar)
    published = exists(select(Story.id).where(Story.id == story_exemplars.c.story_id, is_published()))
    return exists(
        select(story_exemplars.c.story_id).where(story_exemplars.c.exemplar_id == Exemplar.id, published)
    )


def story_is_public(story: Story) -> bool:
    """The same rule for a loaded story."""
    return (
        story.status == StoryStatus.PUBLISHED
        and story.published_at is not None
        and story.published_at <= utcnow()
    )


def consultation_is_public():
    """The SQL condition for a consultation the public may see: any but a draft (a closed or
    decided one stays public, as the record of what was asked)."""
    return Consultation.status != ConsultationStatus.DRAFT


def consultation_public(consultation: Consultation) -> bool:
    """The same rule for a loaded consultation."""
    return consultation.status != ConsultationStatus.DRAFT
