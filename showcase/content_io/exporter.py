"""Write the database in the content/ format (backup, moving to another machine).

Every file name is generated here: `images/<sha256[:16]>.<ext>` from the exported bytes and
the asset's content type (a name a client uploaded is display text only), and every path
written is checked to stay inside the export folder.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import select

from showcase.content_io.spec import ContentError
from showcase.dates import to_local
from showcase.extensions import db
from showcase.media.images import FORMATS
from showcase.models import (
    Commendation,
    Consultation,
    ConsultationStatus,
    Exemplar,
    Field,
    Locality,
    MediaAsset,
    Movement,
    Story,
    StoryStatus,
)
from showcase.services.site_settings import is_sample_data

EXTENSIONS = {content_type: extension for extension, content_type in FORMATS.values()}
# a decision as the importer writes it: "2135/QĐ-CTN ngày 24/10/2025"
DECISION = re.compile(r"^(?P<no>\S.*?) ngày (?P<d>\d{2})/(?P<m>\d{2})/(?P<y>\d{4})$")


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _consent(when: Any, method: Any, **who: str) -> dict[str, Any] | None:
    """A consent record as the file writes it (None: nothing recorded)."""
    if when is None or method is None:
        return None
    return who | {"date": when, "method": method.value}


def _front_matter(data: dict[str, Any], body: str) -> str:
    clean = {k: v for k, v in data.items() if v not in (None, "", [], False)}
    return f"---\n{_dump(clean)}---\n{body.rstrip()}\n"


def _local_date(value: datetime) -> date | datetime:
    local = to_local(value).replace(tzinfo=None)
    return local.date() if local.time() == datetime.min.time() else local


class Folder:
    """The export folder: writes only below its root, under names the exporter chose."""

    def __init__(self, root: Path) -> None:
        for sub in ("exemplars", "stories", "images"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()

    def write(self, relative: str, data: bytes | str) -> None:
        """Write one file, refusing any path that would land outside the folder."""
        path = (self.root / relative).resolve()
        if self.root not in path.parents:
            raise ContentError(relative, "đường dẫn nằm ngoài thư mục xuất; không ghi tệp này")
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)


class ImageNames:
    """Export each asset once, as images/<sha256[:16]>.<ext> of the bytes written."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self.names: dict[int, str] = {}
        self.digests: dict[str, str] = {}

    def __call__(self, asset: MediaAsset | None) -> str | None:
        if asset is None:
            return None
        if asset.id not in self.names:
            extension = EXTENSIONS.get(asset.content_type)
            if extension is None:
                raise ContentError(f"ảnh {asset.id}", f"kiểu ảnh không xuất được: {asset.content_type}")
            data = current_app.extensions["storage"].read(asset.file)
            digest = hashlib.sha256(data).hexdigest()
            name = f"{digest[:16]}.{extension}"
            if self.digests.setdefault(name, digest) != digest:  # 64 bits shared: not in this life
                raise ContentError(f"images/{name}", "hai ảnh khác nhau trùng tên rút gọn")
            self.folder.write(f"images/{name}", data)
            self.names[asset.id] = name
        return self.names[asset.id]


def _decision(text: str) -> dict[str, Any]:
    """A decided consultation's decision: number and date when it reads so, else the text."""
    match = DECISION.match(text)
    if match is None:
        return {"decision": text}
    try:
        when = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return {"decision": text}
    return {"decision_no": match["no"], "decision_date": when}


def _consultations() -> list[dict[str, Any]]:
    """Every consultation with its candidates and coverage; never the people's comments."""
    out = []
    for c in db.session.scalars(select(Consultation).order_by(Consultation.opens_on, Consultation.slug)):
        item: dict[str, Any] = {
            "slug": c.slug,
            "title": c.title,
            "award": c.award,
            "proposing_body": c.proposing_body,
        }
        if c.intro:
            item["intro"] = c.intro
        item |= {"opens_on": c.opens_on, "working_days": c.working_days, "status": c.status.value}
        if c.status == ConsultationStatus.DECIDED:
            item |= _decision(c.decision)
        candidates = []
        for person in c.candidates:
            entry: dict[str, Any] = {"kind": person.kind.value, "name": person.name}
            if person.role:
                entry["role"] = person.role
            entry |= {"locality": person.locality.slug, "summary": person.summary}
            if person.exemplar is not None:
                entry["exemplar"] = person.exemplar.slug
            if person.commendation is not None:
                given = person.commendation
                entry["commendation"] = {"exemplar": given.exemplar.slug, "decision_no": given.decision_no}
            candidates.append(entry)
        if candidates:
            item["candidates"] = candidates
        coverage = []
        for piece in sorted(c.coverage, key=lambda x: (x.published_on, x.id)):
            found: dict[str, Any] = {
                "outlet": piece.outlet,
                "medium": piece.medium.value,
                "date": piece.published_on,
            }
            if piece.url:
                found["url"] = piece.url
            coverage.append(found)
        if coverage:
            item["coverage"] = coverage
        out.append(item)
    return out


def export_content(root: Path) -> int:
    """Write the whole database in the content format; return the number of stories."""
    folder = Folder(root)
    image_name = ImageNames(folder)
    folder.write("site.yaml", _dump({"sample_data": is_sample_data()}))
    fields = [
        {"slug": f.slug, "name": f.name, "description": f.description}
        for f in db.session.scalars(select(Field).order_by(Field.slug))
    ]
    folder.write("fields.yaml", _dump(fields))
    movements = []
    for m in db.session.scalars(select(Movement).order_by(Movement.slug)):
        item: dict[str, Any] = {
            "slug": m.slug,
            "name": m.name,
            "launched_by": m.launched_by,
            "start_year": m.start_year,
        }
        if m.end_year is not None:
            item["end_year"] = m.end_year
        item["description"] = m.description
        movements.append(item)
    folder.write("movements.yaml", _dump(movements))
    localities = []
    for loc in db.session.scalars(select(Locality).order_by(Locality.slug)):
        item = {"slug": loc.slug, "name": loc.name, "kind": loc.kind.value}
        if loc.parent:
            item["parent"] = loc.parent.slug
        if loc.replaced_by:
            item["replaced_by"] = loc.replaced_by.slug
        localities.append(item)
    folder.write("localities.yaml", _dump(localities))
    commendations = []
    query = select(Commendation).join(Exemplar).order_by(Exemplar.slug, Commendation.decision_no)
    for c in db.session.scalars(query):
        item = {
            "code": c.code,
            "exemplar": c.exemplar.slug,
            "form": c.form,
            "level": c.level.value,
            "issuer": c.issuer,
            "decision_no": c.decision_no,
            "decision_date": c.decision_date,
        }
        if c.reason:
            item["reason"] = c.reason
        if c.movement:
            item["movement"] = c.movement.slug
        if c.is_revoked:
            item["revoked"] = {
                "decision_no": c.revoked_decision_no,
                "date": c.revoked_on,
                "reason": c.revoked_reason,
            }
        commendations.append(item)
    folder.write("commendations.yaml", _dump(commendations))
    folder.write("consultations.yaml", _dump(_consultations()))
    for e in db.session.scalars(select(Exemplar).order_by(Exemplar.slug)):
        data: dict[str, Any] = {
            "name": e.name,
            "kind": e.kind.value,
            "locality": e.locality.slug,
            "role": e.role,
            "organisation": e.organisation,
            "portrait": image_name(e.portrait),
            "portrait_alt": e.portrait.alt_text if e.portrait else None,
            "gender": e.gender.value if e.gender else None,
            "work_role": e.work_role.value if e.work_role else None,
            "sector": e.sector.value if e.sector else None,
            "collective_size": e.collective_size.value if e.collective_size else None,
            "consent": _consent(e.consent_date, e.consent_method, by=e.consent_by),
            "minor": True if e.is_minor else None,
            "guardian": _consent(e.guardian_consent_date, e.guardian_consent_method, name=e.guardian_name),
        }
        folder.write(f"exemplars/{e.slug}.md", _front_matter(data, e.bio_md))
    stories = list(db.session.scalars(select(Story).order_by(Story.slug)))
    for s in stories:
        cover = s.cover
        data = {
            "title": s.title,
            "summary": s.summary,
            "exemplars": [x.slug for x in s.exemplars],
            "movements": [m.slug for m in s.movements],
            "field": s.field.slug,
            "locality": s.locality.slug,
            "published_at": _local_date(s.published_at) if s.published_at else None,
            "status": None if s.status == StoryStatus.PUBLISHED else s.status.value,
            "featured": s.featured,
            "byline": s.byline,
            "broadcast_summary": s.broadcast_summary,
            "cover": image_name(cover),
            "cover_alt": cover.alt_text if cover else None,
            "cover_credit": cover.credit if cover else None,
            "cover_caption": cover.caption if cover else None,
            "cover_licence": cover.licence if cover else None,
        }
        folder.write(f"stories/{s.slug}.md", _front_matter(data, s.body_md))
    return len(stories)
