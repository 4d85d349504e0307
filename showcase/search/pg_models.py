"""The tables of the PostgreSQL search backend (SEARCH_BACKEND=postgresql).

They exist on every database so the models and the migrations agree; on SQLite they stay
empty (the `tsv` and `facets` columns are plain text there, and the indexes ordinary ones).
Their rows are derived from the content tables: backups leave them out (`info["derived"]`)
and `flask search rebuild` makes them again.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, Index, String, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from showcase.extensions import Base, db

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

# No pending list: with it (GIN's default), every search also scans the entries not yet merged,
# which tripled a search's time after a rebuild. A write then costs a little more.
GIN = {"fastupdate": "off"}
TSVECTOR = Text().with_variant(postgresql.TSVECTOR(), "postgresql")
TEXT_ARRAY = Text().with_variant(postgresql.ARRAY(Text()), "postgresql")


class SearchDocument(Model):
    """One public document (story, exemplar, locality) as the search page shows and finds it."""

    __tablename__ = "search_document"
    __table_args__ = (
        Index("ix_search_document_tsv", "tsv", postgresql_using="gin", postgresql_with=GIN),
        Index("ix_search_document_facets", "facets", postgresql_using="gin", postgresql_with=GIN),
        Index("ix_search_document_date", "date"),
        {"info": {"derived": True}},
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "story:12", as in Whoosh
    type: Mapped[str] = mapped_column(String(20))
    updated: Mapped[str] = mapped_column(Text)  # the version of the rows it was built from
    label: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    meta: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)  # blocks one a line (highlight.snippet reads them)
    alias: Mapped[str] = mapped_column(Text)  # a locality's former units, one a line
    facets: Mapped[str] = mapped_column(TEXT_ARRAY)  # "type=story", "movement=nong-thon-moi", …
    date: Mapped[datetime] = mapped_column(DateTime)
    tsv: Mapped[str] = mapped_column(TSVECTOR)  # pre-analysed tokens, weighted A/B/C by field


class SearchWord(Model):
    """The site's own words: folded words for typo tolerance, written forms for "did you mean"."""

    __tablename__ = "search_word"
    __table_args__ = (
        Index(
            "ix_search_word_trgm",
            "folded",
            postgresql_using="gin",
            postgresql_ops={"folded": "gin_trgm_ops"},
            postgresql_with=GIN,
        ),
        Index("ix_search_word_folded", "folded"),
        {"info": {"derived": True}},
    )

    word: Mapped[str] = mapped_column(Text, primary_key=True)
    folded: Mapped[str] = mapped_column(Text)
