"""Import and export the content/ format (seed, bulk loading, backup and restore).

A directory holds fields.yaml, movements.yaml, localities.yaml, commendations.yaml,
site.yaml, exemplars/<slug>.md, stories/<slug>.md and images/. Every file is optional;
references may point at rows already in the database. Import reads and checks everything
first, then applies it in one transaction: either all of it lands or nothing does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import select

from showcase.dates import from_local, to_local
from showcase.extensions import db
from showcase.media.images import ImageRejected, add_image, inspect
from showcase.models import (
    Commendation,
    CommendationLevel,
    Exemplar,
    ExemplarKind,
    Field,
    Locality,
    LocalityKind,
    MediaAsset,
    Movement,
    Setting,
    Story,
    StoryStatus,
)
from showcase.services import snapshots

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.S)
SAMPLE_DATA = "sample_data"

# key -> required? for each kind of record
FIELD_KEYS = {"slug": True, "name": True, "description": False}
MOVEMENT_KEYS = {
    "slug": True,
    "name": True,
    "launched_by": True,
    "start_year": True,
    "end_year": False,
    "description": False,
}
LOCALITY_KEYS = {"slug": True, "name": True, "kind": True, "parent": False, "replaced_by": False}
COMMENDATION_KEYS = {
    "exemplar": True,
    "form": True,
    "level": True,
    "issuer": True,
    "decision_no": True,
    "decision_date": True,
    "reason": False,
    "movement": False,
    "revoked": False,
}
REVOCATION_KEYS = {"decision_no": True, "date": True, "reason": True}
EXEMPLAR_KEYS = {
    "name": True,
    "kind": True,
    "locality": True,
    "role": False,
    "organisation": False,
    "portrait": False,
    "portrait_alt": False,
}
STORY_KEYS = {
    "title": True,
    "summary": True,
    "exemplars": True,
    "movements": True,
    "field": True,
    "locality": True,
    "published_at": False,
    "status": False,
    "featured": False,
    "byline": False,
    "broadcast_summary": False,
    "cover": False,
    "cover_alt": False,
    "cover_credit": False,
    "cover_caption": False,
    "cover_licence": False,
}
SITE_KEYS = {"sample_data": False}
# The longest text each key may hold (the database columns' lengths).
MAX_LENGTH = {
    "slug": 120,
    "name": 200,
    "title": 300,
    "launched_by": 200,
    "role": 300,
    "organisation": 300,
    "byline": 200,
    "form": 300,
    "issuer": 300,
    "cover_credit": 300,
    "cover_licence": 300,
    "decision_no": 100,
    "parent": 120,
    "replaced_by": 120,
    "exemplar": 120,
    "movement": 120,
    "field": 120,
    "locality": 120,
    "cover": 200,
    "portrait": 200,
}
TEXT_KEYS = {
    "slug",
    "name",
    "title",
    "summary",
    "description",
    "launched_by",
    "kind",
    "parent",
    "replaced_by",
    "role",
    "organisation",
    "byline",
    "broadcast_summary",
    "form",
    "issuer",
    "reason",
    "level",
    "exemplar",
    "movement",
    "field",
    "locality",
    "status",
    "cover",
    "cover_alt",
    "cover_credit",
    "cover_caption",
    "cover_licence",
    "portrait",
    "portrait_alt",
}


class ContentError(Exception):
    """A problem in one file of a content directory; str() is one line naming the file."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass
class Entry:
    """One record read from a file: its values, Markdown body and where it came from."""

    path: str
    data: dict[str, Any]
    body: str = ""


@dataclass
class Bundle:
    """Everything read from a content directory, checked, before touching the database."""

    root: Path
    site: dict[str, Any] = field(default_factory=dict)
    fields: list[Entry] = field(default_factory=list)
    movements: list[Entry] = field(default_factory=list)
    localities: list[Entry] = field(default_factory=list)
    commendations: list[Entry] = field(default_factory=list)
    exemplars: dict[str, Entry] = field(default_factory=dict)
    stories: dict[str, Entry] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


# --- reading -------------------------------------------------------------------------


def _text(path: Path, rel: str) -> str:
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContentError(rel, "tệp không phải UTF-8") from None
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n"))


def _yaml(text: str, rel: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng {mark.line + 1})" if mark else ""
        raise ContentError(rel, f"YAML không hợp lệ{where}") from None


def _check_keys(data: Any, keys: dict[str, bool], rel: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ContentError(rel, "mỗi mục phải là một bảng khóa: giá trị")
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise ContentError(rel, f"khóa không được hỗ trợ: {', '.join(map(str, unknown))}")
    for key, required in keys.items():
        value = data.get(key)
        if required and (value is None or value == ""):
            raise ContentError(rel, f"thiếu trường bắt buộc '{key}'")
        if key in TEXT_KEYS and value is not None and not isinstance(value, str):
            raise ContentError(rel, f"'{key}' phải là chuỗi văn bản (nhận '{value}')")
        if key in MAX_LENGTH and value is not None and len(str(value)) > MAX_LENGTH[key]:
            raise ContentError(rel, f"'{key}' dài quá {MAX_LENGTH[key]} ký tự")
        if isinstance(value, str) and "\x00" in value:
            raise ContentError(rel, f"'{key}' chứa ký tự NUL")
    return data


def _check_slug(slug: Any, rel: str) -> str:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise ContentError(rel, f"slug không hợp lệ '{slug}' (chỉ a-z, 0-9 và dấu gạch nối)")
    return slug


def _check_enum(value: Any, enum_cls: type, key: str, rel: str) -> None:
    allowed = [m.value for m in enum_cls]
    if value not in allowed:
        raise ContentError(rel, f"'{key}' phải là một trong: {', '.join(allowed)} (nhận '{value}')")


def _check_date(value: Any, key: str, rel: str) -> date:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            pass
    raise ContentError(rel, f"'{key}' phải là ngày dạng YYYY-MM-DD (nhận '{value}')")


def _check_year(value: Any, key: str, rel: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
        raise ContentError(rel, f"'{key}' phải là năm (nhận '{value}')")
    return value


def _yaml_list(root: Path, name: str, keys: dict[str, bool]) -> list[Entry]:
    path = root / name
    if not path.exists():
        return []
    data = _yaml(_text(path, name), name)
    if data is None:
        return []
    if not isinstance(data, list):
        raise ContentError(name, "tệp phải là một danh sách các mục")
    entries = []
    for i, item in enumerate(data, start=1):
        rel = f"{name} (mục {i})"
        entries.append(Entry(rel, _check_keys(item, keys, rel)))
    return entries


def _markdown_files(root: Path, folder: str, keys: dict[str, bool]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    directory = root / folder
    if not directory.is_dir():
        return entries
    for path in sorted(directory.glob("*.md")):
        rel = f"{folder}/{path.name}"
        _check_slug(path.stem, rel)
        match = FRONT_MATTER.match(_text(path, rel))
        if not match:
            raise ContentError(rel, "thiếu phần đầu YAML giữa hai dòng '---'")
        data = _check_keys(_yaml(match.group(1), rel), keys, rel)
        entries[path.stem] = Entry(rel, data, match.group(2).strip("\n") + "\n")
    return entries


def _unique(entries: list[Entry], kind: str) -> set[str]:
    seen: set[str] = set()
    for entry in entries:
        slug = _check_slug(entry.data["slug"], entry.path)
        if slug in seen:
            raise ContentError(entry.path, f"{kind} '{slug}' bị trùng")
        seen.add(slug)
    return seen


def _existing(model: type) -> set[str]:
    return set(db.session.scalars(select(model.slug)))


def read_bundle(root: Path) -> Bundle:
    """Read and check a content directory without changing anything."""
    if not root.is_dir():
        raise ContentError(str(root), "không tìm thấy thư mục nội dung")
    bundle = Bundle(root)
    if (root / "site.yaml").exists():
        site = _yaml(_text(root / "site.yaml", "site.yaml"), "site.yaml") or {}
        bundle.site = _check_keys(site, SITE_KEYS, "site.yaml")
    bundle.fields = _yaml_list(root, "fields.yaml", FIELD_KEYS)
    bundle.movements = _yaml_list(root, "movements.yaml", MOVEMENT_KEYS)
    bundle.localities = _yaml_list(root, "localities.yaml", LOCALITY_KEYS)
    bundle.commendations = _yaml_list(root, "commendations.yaml", COMMENDATION_KEYS)
    bundle.exemplars = _markdown_files(root, "exemplars", EXEMPLAR_KEYS)
    bundle.stories = _markdown_files(root, "stories", STORY_KEYS)

    fields = _unique(bundle.fields, "lĩnh vực") | _existing(Field)
    movements = _unique(bundle.movements, "phong trào") | _existing(Movement)
    localities = _unique(bundle.localities, "địa phương") | _existing(Locality)
    exemplars = set(bundle.exemplars) | _existing(Exemplar)

    def ref(value: Any, known: set[str], what: str, rel: str) -> None:
        if value not in known:
            raise ContentError(rel, f"{what} '{value}' không tồn tại")

    def image(name: Any, rel: str) -> None:
        if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
            raise ContentError(rel, f"tên ảnh không hợp lệ '{name}'")
        if name not in bundle.images:
            path = root / "images" / name
            if not path.is_file():
                raise ContentError(rel, f"không tìm thấy ảnh images/{name}")
            data = path.read_bytes()
            try:
                inspect(data)
            except ImageRejected as exc:
                raise ContentError(f"images/{name}", str(exc)) from None
            bundle.images[name] = data

    for e in bundle.movements:
        _check_year(e.data["start_year"], "start_year", e.path)
        if e.data.get("end_year") is not None:
            _check_year(e.data["end_year"], "end_year", e.path)
    for e in bundle.localities:
        _check_enum(e.data["kind"], LocalityKind, "kind", e.path)
        for key in ("parent", "replaced_by"):
            if e.data.get(key) is not None:
                ref(e.data[key], localities, "địa phương", e.path)
                if e.data[key] == e.data["slug"]:
                    raise ContentError(e.path, f"'{key}' không thể trỏ tới chính nó")
    for e in bundle.exemplars.values():
        _check_enum(e.data["kind"], ExemplarKind, "kind", e.path)
        ref(e.data["locality"], localities, "địa phương", e.path)
        if e.data.get("portrait"):
            image(e.data["portrait"], e.path)
    for e in bundle.commendations:
        ref(e.data["exemplar"], exemplars, "điển hình", e.path)
        _check_enum(e.data["level"], CommendationLevel, "level", e.path)
        e.data["decision_date"] = _check_date(e.data["decision_date"], "decision_date", e.path)
        if e.data.get("movement") is not None:
            ref(e.data["movement"], movements, "phong trào", e.path)
        revoked = e.data.get("revoked")
        if revoked is not None:
            _check_keys(revoked, REVOCATION_KEYS, e.path)
            revoked["date"] = _check_date(revoked["date"], "revoked.date", e.path)
    seen: set[tuple[str, str]] = set()
    for e in bundle.commendations:
        key = (e.data["exemplar"], str(e.data["decision_no"]))
        if key in seen:
            raise ContentError(e.path, f"khen thưởng '{key[1]}' của '{key[0]}' bị trùng")
        seen.add(key)
    for e in bundle.stories.values():
        d = e.data
        for key in ("exemplars", "movements"):
            if not isinstance(d[key], list) or not d[key]:
                raise ContentError(e.path, f"'{key}' phải là danh sách có ít nhất một slug")
        for value in d["exemplars"]:
            ref(value, exemplars, "điển hình", e.path)
        for value in d["movements"]:
            ref(value, movements, "phong trào", e.path)
        ref(d["field"], fields, "lĩnh vực", e.path)
        ref(d["locality"], localities, "địa phương", e.path)
        _check_enum(d.get("status", "published"), StoryStatus, "status", e.path)
        if d.get("published_at") is not None:
            d["published_at"] = _check_date(d["published_at"], "published_at", e.path)
        elif d.get("status", "published") == "published":
            raise ContentError(e.path, "thiếu trường bắt buộc 'published_at'")
        if not isinstance(d.get("featured", False), bool):
            raise ContentError(e.path, "'featured' phải là true hoặc false")
        if d.get("cover"):
            image(d["cover"], e.path)
    return bundle


# --- applying ------------------------------------------------------------------------


def _upsert(model: type, slug: str, values: dict[str, Any], report: Report) -> Any:
    record = db.session.scalar(select(model).filter_by(slug=slug))
    created = record is None
    if created:
        record = model(slug=slug)
        db.session.add(record)
    changed = snapshots.apply(record, values)
    report.count(created, changed)
    return record


def _by_slug(model: type) -> dict[str, Any]:
    return {r.slug: r for r in db.session.scalars(select(model))}


def _asset(bundle: Bundle, name: str | None, meta: dict[str, Any]) -> MediaAsset | None:
    if not name:
        return None
    asset = add_image(bundle.images[name], original_name=name)
    snapshots.apply(asset, {k: v for k, v in meta.items() if v is not None})
    return asset


def apply_bundle(bundle: Bundle) -> Report:
    """Write a checked bundle into the session (the caller commits or rolls back)."""
    report = Report()
    for e in bundle.fields:
        d = e.data
        _upsert(Field, d["slug"], {"name": d["name"], "description": d.get("description") or ""}, report)
    for e in bundle.movements:
        d = e.data
        values = {
            "name": d["name"],
            "launched_by": d["launched_by"],
            "start_year": d["start_year"],
            "end_year": d.get("end_year"),
            "description": d.get("description") or "",
        }
        _upsert(Movement, d["slug"], values, report)
    # Localities point at each other: create the missing ones first, then set everything.
    known = _existing(Locality)
    for e in bundle.localities:
        d = e.data
        if d["slug"] not in known:
            db.session.add(Locality(slug=d["slug"], name=d["name"], kind=LocalityKind(d["kind"])))
            report.created += 1
    db.session.flush()
    localities = _by_slug(Locality)
    for e in bundle.localities:
        d = e.data
        values = {
            "name": d["name"],
            "kind": LocalityKind(d["kind"]),
            "parent": localities.get(d.get("parent")),
            "replaced_by": localities.get(d.get("replaced_by")),
        }
        changed = snapshots.apply(localities[d["slug"]], values)
        if d["slug"] in known:
            report.count(False, changed)
    fields, movements = _by_slug(Field), _by_slug(Movement)
    for slug, e in bundle.exemplars.items():
        d = e.data
        portrait = _asset(bundle, d.get("portrait"), {"alt_text": d.get("portrait_alt") or d["name"]})
        values = {
            "name": d["name"],
            "kind": ExemplarKind(d["kind"]),
            "locality": localities[d["locality"]],
            "role": d.get("role") or "",
            "organisation": d.get("organisation") or "",
            "portrait": portrait,
            "bio_md": e.body,
        }
        _upsert(Exemplar, slug, values, report)
    db.session.flush()
    exemplars = _by_slug(Exemplar)
    for e in bundle.commendations:
        d = e.data
        exemplar = exemplars[d["exemplar"]]
        decision_no = str(d["decision_no"])
        record = db.session.scalar(
            select(Commendation).filter_by(exemplar_id=exemplar.id, decision_no=decision_no)
        )
        created = record is None
        if created:
            record = Commendation(exemplar=exemplar, decision_no=decision_no)
            db.session.add(record)
        revoked = d.get("revoked") or {}
        values = {
            "form": d["form"],
            "level": CommendationLevel(d["level"]),
            "issuer": d["issuer"],
            "decision_date": d["decision_date"],
            "reason": d.get("reason") or "",
            "movement": movements.get(d.get("movement")),
            "revoked_decision_no": str(revoked["decision_no"]) if revoked else None,
            "revoked_on": revoked.get("date"),
            "revoked_reason": revoked.get("reason"),
        }
        report.count(created, snapshots.apply(record, values))
    for slug, e in bundle.stories.items():
        d = e.data
        cover = _asset(
            bundle,
            d.get("cover"),
            {
                "alt_text": d.get("cover_alt"),
                "credit": d.get("cover_credit"),
                "caption": d.get("cover_caption"),
                "licence": d.get("cover_licence"),
            },
        )
        values = {
            "title": d["title"],
            "summary": d["summary"],
            "body_md": e.body,
            "status": StoryStatus(d.get("status", "published")),
            "published_at": from_local(d["published_at"]) if d.get("published_at") else None,
            "featured": bool(d.get("featured", False)),
            "byline": d.get("byline") or "",
            "broadcast_summary": d.get("broadcast_summary") or "",
            "field": fields[d["field"]],
            "locality": localities[d["locality"]],
            "cover": cover,
            "exemplars": [exemplars[s] for s in d["exemplars"]],
            "movements": [movements[s] for s in d["movements"]],
        }
        _upsert(Story, slug, values, report)
    if "sample_data" in bundle.site:
        set_sample_data(bool(bundle.site["sample_data"]))
    return report


def import_content(root: Path) -> Report:
    """Import a content directory all-or-nothing; raise ContentError naming the bad file."""
    try:
        bundle = read_bundle(root)
        report = apply_bundle(bundle)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


def set_sample_data(on: bool) -> None:
    """Record whether the loaded content is sample data (every page then says so)."""
    setting = db.session.get(Setting, SAMPLE_DATA)
    if on and setting is None:
        db.session.add(Setting(key=SAMPLE_DATA, value="1"))
    elif not on and setting is not None:
        db.session.delete(setting)


def is_sample_data() -> bool:
    """Tell whether sample data is loaded."""
    return db.session.get(Setting, SAMPLE_DATA) is not None


def database_is_empty() -> bool:
    """Tell whether no story has been loaded yet."""
    return db.session.scalar(select(Story.id).limit(1)) is None


# --- exporting -----------------------------------------------------------------------


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _front_matter(data: dict[str, Any], body: str) -> str:
    clean = {k: v for k, v in data.items() if v not in (None, "", [], False)}
    return f"---\n{_dump(clean)}---\n{body.rstrip()}\n"


def _local_date(value: datetime) -> date | datetime:
    local = to_local(value).replace(tzinfo=None)
    return local.date() if local.time() == datetime.min.time() else local


class _ImageNames:
    """Give every exported asset a unique file name under images/."""

    def __init__(self, images: Path) -> None:
        self.images = images
        self.names: dict[int, str] = {}

    def __call__(self, asset: MediaAsset | None) -> str | None:
        if asset is None:
            return None
        if asset.id not in self.names:
            name = asset.original_name or Path(asset.file).name
            if name in self.names.values():
                name = f"{asset.sha256[:12]}-{name}"
            storage = current_app.extensions["storage"]
            (self.images / name).write_bytes(storage.read(asset.file))
            self.names[asset.id] = name
        return self.names[asset.id]


def export_content(root: Path) -> int:
    """Write the whole database in the content format; return the number of stories."""
    for folder in ("exemplars", "stories", "images"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    image_name = _ImageNames(root / "images")
    (root / "site.yaml").write_text(_dump({"sample_data": is_sample_data()}), "utf-8")
    fields = [
        {"slug": f.slug, "name": f.name, "description": f.description}
        for f in db.session.scalars(select(Field).order_by(Field.slug))
    ]
    (root / "fields.yaml").write_text(_dump(fields), "utf-8")
    movements = []
    for m in db.session.scalars(select(Movement).order_by(Movement.slug)):
        item = {"slug": m.slug, "name": m.name, "launched_by": m.launched_by, "start_year": m.start_year}
        if m.end_year is not None:
            item["end_year"] = m.end_year
        item["description"] = m.description
        movements.append(item)
    (root / "movements.yaml").write_text(_dump(movements), "utf-8")
    localities = []
    for loc in db.session.scalars(select(Locality).order_by(Locality.slug)):
        item = {"slug": loc.slug, "name": loc.name, "kind": loc.kind.value}
        if loc.parent:
            item["parent"] = loc.parent.slug
        if loc.replaced_by:
            item["replaced_by"] = loc.replaced_by.slug
        localities.append(item)
    (root / "localities.yaml").write_text(_dump(localities), "utf-8")
    commendations = []
    query = select(Commendation).join(Exemplar).order_by(Exemplar.slug, Commendation.decision_no)
    for c in db.session.scalars(query):
        item: dict[str, Any] = {
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
    (root / "commendations.yaml").write_text(_dump(commendations), "utf-8")
    for e in db.session.scalars(select(Exemplar).order_by(Exemplar.slug)):
        data = {
            "name": e.name,
            "kind": e.kind.value,
            "locality": e.locality.slug,
            "role": e.role,
            "organisation": e.organisation,
            "portrait": image_name(e.portrait),
            "portrait_alt": e.portrait.alt_text if e.portrait else None,
        }
        (root / "exemplars" / f"{e.slug}.md").write_text(_front_matter(data, e.bio_md), "utf-8")
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
        (root / "stories" / f"{s.slug}.md").write_text(_front_matter(data, s.body_md), "utf-8")
    return len(stories)
