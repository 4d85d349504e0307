"""A second process for the concurrency test: publish N stories, one commit each.

python -m tests.index_worker DATABASE_URL INDEX_DIR PREFIX COUNT WRITE_TIMEOUT
"""

from __future__ import annotations

import sys
from datetime import datetime

from showcase import create_app
from showcase.extensions import db
from showcase.models import Exemplar, Field, Locality, Movement, Story, StoryStatus
from showcase.services import snapshots


def main(url: str, index_dir: str, prefix: str, count: int, timeout: float) -> None:
    app = create_app(
        {
            "SECRET_KEY": "worker",
            "SQLALCHEMY_DATABASE_URI": url,
            "SEARCH_INDEX_DIR": index_dir,
            "SEARCH_WRITE_TIMEOUT": timeout,
            "MEDIA_ROOT": index_dir + "-media",
        }
    )
    with app.app_context():
        field = db.session.scalar(db.select(Field))
        locality = db.session.scalar(db.select(Locality))
        movement = db.session.scalar(db.select(Movement))
        exemplar = db.session.scalar(db.select(Exemplar))
        for i in range(count):
            story = Story(slug=f"{prefix}-{i}")
            snapshots.apply(
                story,
                {
                    "title": f"Tiến trình {prefix} bài số {i}",
                    "summary": "Viết đồng thời.",
                    "body_md": "Nội dung.",
                    "status": StoryStatus.PUBLISHED,
                    "published_at": datetime(2024, 1, 1),
                    "field": field,
                    "locality": locality,
                    "movements": [movement],
                    "exemplars": [exemplar],
                },
            )
            db.session.add(story)
            db.session.commit()
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
