"""Apply a checked Bundle through the services: every record created or changed gets an
audit row (detail source=import) and, for stories, exemplars, commendations and photos, a
revision an editor can restore. A story that already exists keeps its workflow state
(status, publication date, featured, schedule, retraction): differences are reported as
left alone, never applied. A dry run is the same code in a transaction that is rolled back,
with new images described instead of stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from showcase.content_io.reader import BALANCE_KEYS, Bundle, Entry, read_bundle
from showcase.content_io.spec import ContentError
from showcase.dates import format_date, format_datetime, from_local
from showcase.extensions import db
from showcase.models import (
    Commendation,
    CommendationLevel,
    ConsentMethod,
    ConsultationStatus,
    Exemplar,
    ExemplarKind,
    Field,
    Locality,
    LocalityKind,
    MediaAsset,
    Movement,
    Story,
    StoryStatus,
)
from showcase.services import consultations, importing, site_settings
from showcase.services.errors import ServiceError

KINDS = {
    "site": "Cài đặt",
    "fields": "Lĩnh vực",
    "movements": "Phong trào",
    "localities": "Địa phương",
    "images": "Ảnh",
    "exemplars": "Điển hình",
    "commendations": "Khen thưởng",
    "consultations": "Lấy ý kiến",
    "stories": "Bài viết",
}
WHY_LEFT_ALONE = {
    "stories": "bài đã có, việc nhập không đổi trạng thái quy trình; "
    "hãy dùng các nút quy trình trong trang quản trị",
    "commendations": "mã công khai của một khen thưởng đã có không bao giờ đổi (mã QR đã in vẫn dẫn đúng)",
    "consultations": "việc nhập không đổi trạng thái một đợt lấy ý kiến đã có; "
    "hãy dùng các nút trong trang quản trị",
}


@dataclass
class Outcome:
    """What an import did (or, in a dry run, would do) to one kind of record."""

    label: str
    created: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # key -> changed field names
    unchanged: list[str] = field(default_factory=list)
    left_alone: dict[str, list[str]] = field(default_factory=dict)  # key -> workflow differences kept

    def __len__(self) -> int:
        return len(self.created) + len(self.changed) + len(self.unchanged)

    def summary(self) -> str:
        changed = f"thay đổi {len(self.changed)}"
        if self.changed:
            changed += " (" + "; ".join(f"{k}: {', '.join(v)}" for k, v in self.changed.items()) + ")"
        return f"{self.label}: tạo mới {len(self.created)}, {changed}, giữ nguyên {len(self.unchanged)}"


@dataclass
class Report:
    """Per kind of record: created, changed (with the field names), unchanged, left alone."""

    dry_run: bool = False
    kinds: dict[str, Outcome] = field(default_factory=lambda: {k: Outcome(v) for k, v in KINDS.items()})

    @property
    def created(self) -> int:
        return sum(len(o.created) for o in self.kinds.values())

    @property
    def updated(self) -> int:
        return sum(len(o.changed) for o in self.kinds.values())

    @property
    def unchanged(self) -> int:
        return sum(len(o.unchanged) for o in self.kinds.values())

    def lines(self) -> list[str]:
        """The report in Vietnamese, one line per kind, then one per story left alone."""
        out = []
        for kind, outcome in self.kinds.items():
            if not len(outcome):
                continue
            out.append(outcome.summary())
            for key, notes in outcome.left_alone.items():
                out.append(f"  {key}: giữ nguyên {'; '.join(notes)} — {WHY_LEFT_ALONE.get(kind, '')}.")
        return out


def _by_slug(model: Any) -> dict[str, Any]:
    return {r.slug: r for r in db.session.scalars(select(model))}


def _when(value: datetime | None, other: datetime | None) -> str:
    """A publication time in words: the date, with the hour when the other one is the same day."""
    if value is None:
        return "chưa có"
    return (
        format_datetime(value) if other and format_date(other) == format_date(value) else format_date(value)
    )


def _workflow_notes(story: Story, wanted: dict[str, Any]) -> list[str]:
    """How the file's workflow values differ from the story's, in words."""
    notes = []
    if story.status != wanted["status"]:
        notes.append(f"trạng thái «{story.status.label}» (tệp ghi «{wanted['status'].label}»)")
    if story.published_at != wanted["published_at"]:
        stored, wanted_at = story.published_at, wanted["published_at"]
        notes.append(f"ngày đăng {_when(stored, wanted_at)} (tệp ghi {_when(wanted_at, stored)})")
    if story.featured != wanted["featured"]:
        yes_no = {True: "có", False: "không"}
        notes.append(f"nổi bật: {yes_no[story.featured]} (tệp ghi {yes_no[wanted['featured']]})")
    return notes


class Importer:
    """Apply one bundle in the current transaction (the caller commits or rolls back)."""

    def __init__(self, bundle: Bundle, dry_run: bool = False) -> None:
        self.bundle = bundle
        self.dry_run = dry_run
        self.report = Report(dry_run=dry_run)
        self.assets: dict[str, MediaAsset] = {}

    def run(self) -> Report:
        self.fields()
        self.movements()
        self.localities()
        self.images()
        self.exemplars()
        self.commendations()
        self.consultations()
        self.stories()
        self.site()
        return self.report

    def save(self, kind: str, key: str, record: Any, values: dict[str, Any], created: bool) -> None:
        changed = importing.save(record, values, created)
        outcome = self.report.kinds[kind]
        if created:
            outcome.created.append(key)
        elif changed:
            outcome.changed[key] = changed
        else:
            outcome.unchanged.append(key)

    def upsert(self, kind: str, model: type, slug: str, values: dict[str, Any]) -> None:
        record = db.session.scalar(select(model).filter_by(slug=slug))
        self.save(kind, slug, record or model(), {"slug": slug} | values, created=record is None)

    def fields(self) -> None:
        for e in self.bundle.fields:
            d = e.data
            self.upsert(
                "fields", Field, d["slug"], {"name": d["name"], "description": d.get("description") or ""}
            )

    def movements(self) -> None:
        for e in self.bundle.movements:
            d = e.data
            values = {
                "name": d["name"],
                "launched_by": d["launched_by"],
                "start_year": d["start_year"],
                "end_year": d.get("end_year"),
                "description": d.get("description") or "",
            }
            self.upsert("movements", Movement, d["slug"], values)

    def localities(self) -> None:
        """Localities point at each other: a new one is created after the new ones it points
        at (the reader refused loops), so every record is saved once."""
        known = _by_slug(Locality)
        existing = set(known)

        def values(e: Entry) -> dict[str, Any]:
            d = e.data
            return {
                "slug": d["slug"],
                "name": d["name"],
                "kind": LocalityKind(d["kind"]),
                "parent": known.get(d.get("parent") or ""),
                "replaced_by": known.get(d.get("replaced_by") or ""),
            }

        waiting = {e.data["slug"]: e for e in self.bundle.localities if e.data["slug"] not in existing}
        while waiting:
            entry = next(
                e
                for e in waiting.values()
                if not {e.data.get("parent"), e.data.get("replaced_by")} & set(waiting)
            )
            del waiting[entry.data["slug"]]
            record = Locality()
            self.save("localities", entry.data["slug"], record, values(entry), created=True)
            known[entry.data["slug"]] = record
        for e in self.bundle.localities:
            if e.data["slug"] in existing:
                self.save("localities", e.data["slug"], known[e.data["slug"]], values(e), created=False)

    def images(self) -> None:
        """Store each image once, with the text its uses give it (a later use wins)."""
        uses: dict[str, dict[str, Any]] = {}
        for e in self.bundle.exemplars.values():
            if e.data.get("portrait"):
                alt = e.data.get("portrait_alt") or e.data["name"]
                uses.setdefault(e.data["portrait"], {})["alt_text"] = alt
        for e in self.bundle.stories.values():
            d = e.data
            if d.get("cover"):
                meta = {
                    "alt_text": d.get("cover_alt"),
                    "credit": d.get("cover_credit"),
                    "caption": d.get("cover_caption"),
                    "licence": d.get("cover_licence"),
                }
                uses.setdefault(d["cover"], {}).update({k: v for k, v in meta.items() if v is not None})
        for name, meta in uses.items():
            image = self.bundle.images[name]
            asset = importing.find_image(image.data)
            created = asset is None
            if asset is None:
                checked = (image.extension, image.content_type, image.width, image.height)
                asset = importing.new_image(image.data, name, checked, self.dry_run)
            self.save("images", name, asset, meta, created)
            self.assets[name] = asset

    def exemplars(self) -> None:
        localities = _by_slug(Locality)
        for slug, e in self.bundle.exemplars.items():
            d = e.data
            values = {
                "name": d["name"],
                "kind": ExemplarKind(d["kind"]),
                "locality": localities[d["locality"]],
                "role": d.get("role") or "",
                "organisation": d.get("organisation") or "",
                "portrait": self.assets.get(d.get("portrait") or ""),
                "bio_md": e.body,
            }
            for key, (enum_cls, _owner) in BALANCE_KEYS.items():
                values[key] = enum_cls(d[key]) if d.get(key) is not None else None
            values |= consent_values(d)
            record = db.session.scalar(select(Exemplar).filter_by(slug=slug))
            target = record or Exemplar()
            try:
                values = importing.exemplar_values(target, values)
            except ServiceError as exc:
                raise ContentError(e.path, str(exc)) from None
            self.save("exemplars", slug, target, {"slug": slug} | values, created=record is None)

    def commendations(self) -> None:
        exemplars, movements = _by_slug(Exemplar), _by_slug(Movement)
        for e in self.bundle.commendations:
            d = e.data
            exemplar = exemplars[d["exemplar"]]
            decision_no = str(d["decision_no"])
            record = db.session.scalar(
                select(Commendation).filter_by(exemplar_id=exemplar.id, decision_no=decision_no)
            )
            revoked = d.get("revoked") or {}
            values = {
                "exemplar": exemplar,
                "decision_no": decision_no,
                "form": d["form"],
                "level": CommendationLevel(d["level"]),
                "issuer": d["issuer"],
                "decision_date": d["decision_date"],
                "reason": d.get("reason") or "",
                "movement": movements.get(d.get("movement") or ""),
                "revoked_decision_no": str(revoked["decision_no"]) if revoked else None,
                "revoked_on": revoked.get("date"),
                "revoked_reason": revoked.get("reason"),
            }
            key = f"{exemplar.slug} {decision_no}"
            code = d.get("code")  # normalised by the reader; absent: the service makes one
            if record is None:
                self.save("commendations", key, Commendation(code=code), values, created=True)
                continue
            if code and code != record.code:
                self.report.kinds["commendations"].left_alone[key] = [f"mã {record.code} (tệp ghi {code})"]
            self.save("commendations", key, record, values, created=False)

    def consultations(self) -> None:
        """Each consultation through services.consultations.import_consultation: built as an
        editor builds one, its status reached by the same rules (never closed early)."""
        localities, exemplars = _by_slug(Locality), _by_slug(Exemplar)
        outcome = self.report.kinds["consultations"]
        for e in self.bundle.consultations:
            d = e.data
            values = {
                "slug": d["slug"],
                "title": d["title"],
                "award": d["award"],
                "proposing_body": d["proposing_body"],
                "intro": d.get("intro") or "",
                "opens_on": d["opens_on"],
                "working_days": d.get("working_days", 10),
            }
            candidates = [
                {
                    "kind": ExemplarKind(c.get("kind", "individual")),
                    "name": c["name"],
                    "role": c.get("role") or "",
                    "locality": localities[c["locality"]],
                    "summary": c["summary"],
                    "exemplar": exemplars.get(c.get("exemplar") or ""),
                    "commendation": _commendation(c.get("commendation")),
                }
                for c in d.get("candidates") or []
            ]
            coverage = [
                {
                    "outlet": c["outlet"],
                    "medium": c["medium"],
                    "published_on": c["date"],
                    "url": c.get("url") or "",
                }
                for c in d.get("coverage") or []
            ]
            # a number and a date (checked as an editor's decision), or a stored decision's text
            decision = str(d.get("decision_no") or d.get("decision") or "")
            try:
                _record, created, changed, notes = consultations.import_consultation(
                    values,
                    candidates,
                    coverage,
                    ConsultationStatus(d.get("status", "draft")),
                    decision=decision,
                    decided_on=d.get("decision_date"),
                )
            except ServiceError as exc:
                raise ContentError(e.path, str(exc)) from None
            if created:
                outcome.created.append(d["slug"])
            elif changed:
                outcome.changed[d["slug"]] = changed
            else:
                outcome.unchanged.append(d["slug"])
            if notes:
                outcome.left_alone[d["slug"]] = notes

    def stories(self) -> None:
        fields, localities = _by_slug(Field), _by_slug(Locality)
        exemplars, movements = _by_slug(Exemplar), _by_slug(Movement)
        outcome = self.report.kinds["stories"]
        for slug, e in self.bundle.stories.items():
            d = e.data
            values = {
                "slug": slug,
                "title": d["title"],
                "summary": d["summary"],
                "body_md": e.body,
                "byline": d.get("byline") or "",
                "broadcast_summary": d.get("broadcast_summary") or "",
                "field": fields[d["field"]],
                "locality": localities[d["locality"]],
                "cover": self.assets.get(d.get("cover") or ""),
                "exemplars": [exemplars[s] for s in d["exemplars"]],
                "movements": [movements[s] for s in d["movements"]],
            }
            workflow = {
                "status": StoryStatus(d.get("status", "published")),
                "published_at": from_local(d["published_at"]) if d.get("published_at") else None,
                "featured": bool(d.get("featured", False)),
            }
            record = db.session.scalar(select(Story).filter_by(slug=slug))
            try:
                importing.check_story(record, values, StoryStatus(d.get("status", "published")))
            except ServiceError as exc:
                raise ContentError(e.path, str(exc)) from None
            if record is None:  # a new story takes its workflow state from the file
                self.save("stories", slug, Story(), values | workflow, created=True)
                continue
            notes = _workflow_notes(record, workflow)
            if notes:
                outcome.left_alone[slug] = notes
            self.save("stories", slug, record, values, created=False)

    def site(self) -> None:
        if "sample_data" not in self.bundle.site:
            return
        done = site_settings.set_sample_data(bool(self.bundle.site["sample_data"]), source=importing.SOURCE)
        outcome = self.report.kinds["site"]
        if done == "create":
            outcome.created.append("sample_data")
        elif done == "edit":
            outcome.changed["sample_data"] = ["value"]
        else:
            outcome.unchanged.append("sample_data")


def _commendation(link: Any) -> Commendation | None:
    """A candidate's commendation: by public code, or by (exemplar, decision_no) (the reader
    checked that it exists; the commendations were imported just before)."""
    if link is None:
        return None
    if isinstance(link, str):
        return db.session.scalar(select(Commendation).filter_by(code=link))
    return db.session.scalar(
        select(Commendation)
        .join(Commendation.exemplar)
        .where(Exemplar.slug == link["exemplar"], Commendation.decision_no == str(link["decision_no"]))
    )


def consent_values(d: dict[str, Any]) -> dict[str, Any]:
    """An exemplar file's `consent`, `minor` and `guardian` keys as the model's columns."""
    given, guardian = d.get("consent") or {}, d.get("guardian") or {}
    return {
        "consent_date": given.get("date"),
        "consent_method": ConsentMethod(given["method"]) if given.get("method") else None,
        "consent_by": given.get("by") or "",
        "is_minor": bool(d.get("minor", False)),
        "guardian_name": guardian.get("name") or "",
        "guardian_consent_date": guardian.get("date"),
        "guardian_consent_method": ConsentMethod(guardian["method"]) if guardian.get("method") else None,
    }


def import_content(root: Path, dry_run: bool = False) -> Report:
    """Import a content directory all or nothing (raise ContentError naming the bad file);
    with dry_run, compute the same report and change nothing."""
    with importing.transaction(dry_run):
        report = Importer(read_bundle(root), dry_run).run()
    return report
