"""Read and check a content directory into a Bundle. Nothing here writes: the database is
only asked which slugs already exist, images are checked but not stored."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import aliased

from showcase import codes
from showcase.content_io.spec import (
    CANDIDATE_KEYS,
    COMMENDATION_KEYS,
    COMMENDATION_REF_KEYS,
    CONSENT_KEYS,
    CONSULTATION_COVERAGE_KEYS,
    CONSULTATION_KEYS,
    EXEMPLAR_KEYS,
    FIELD_KEYS,
    FRONT_MATTER,
    GUARDIAN_KEYS,
    LOCALITY_KEYS,
    MAX_LENGTH,
    MOVEMENT_KEYS,
    REVOCATION_KEYS,
    SITE_KEYS,
    SLUG,
    STORY_KEYS,
    TEXT_KEYS,
    ContentError,
)
from showcase.extensions import db
from showcase.media.images import ImageRejected, inspect
from showcase.models import (
    CollectiveSize,
    Commendation,
    CommendationLevel,
    ConsentMethod,
    ConsultationStatus,
    CoverageMedium,
    Exemplar,
    ExemplarKind,
    Field,
    Gender,
    Locality,
    LocalityKind,
    Movement,
    Sector,
    Story,
    StoryStatus,
    WorkRole,
)

# the balance's attributes: their values, and the kind of exemplar each belongs to (None: both)
BALANCE_KEYS: dict[str, tuple[type[enum.Enum], ExemplarKind | None]] = {
    "gender": (Gender, ExemplarKind.INDIVIDUAL),
    "work_role": (WorkRole, ExemplarKind.INDIVIDUAL),
    "sector": (Sector, None),
    "collective_size": (CollectiveSize, ExemplarKind.COLLECTIVE),
}


@dataclass
class Entry:
    """One record read from a file: its values, Markdown body and where it came from."""

    path: str
    data: dict[str, Any]
    body: str = ""


@dataclass
class ImageFile:
    """An image read from images/ and checked (decoded once), not stored anywhere yet."""

    data: bytes
    extension: str
    content_type: str
    width: int
    height: int


@dataclass
class Bundle:
    """Everything read from a content directory, checked, before touching the database."""

    root: Path
    site: dict[str, Any] = field(default_factory=dict)
    fields: list[Entry] = field(default_factory=list)
    movements: list[Entry] = field(default_factory=list)
    localities: list[Entry] = field(default_factory=list)
    commendations: list[Entry] = field(default_factory=list)
    consultations: list[Entry] = field(default_factory=list)
    exemplars: dict[str, Entry] = field(default_factory=dict)
    stories: dict[str, Entry] = field(default_factory=dict)
    images: dict[str, ImageFile] = field(default_factory=dict)


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


def _check_enum(value: Any, enum_cls: type[enum.Enum], key: str, rel: str) -> None:
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


def _check_consent(slug: str, e: Entry) -> None:
    """An exemplar's `consent`, `minor` and `guardian`: whole records of known methods; a minor
    shown by initials has a slug that does not spell the name (checked on every import)."""
    for key, keys in (("consent", CONSENT_KEYS), ("guardian", GUARDIAN_KEYS)):
        record = e.data.get(key)
        if record is None:
            continue
        _check_keys(record, keys, e.path)
        _check_enum(record["method"], ConsentMethod, f"{key}.method", e.path)
        record["date"] = _check_date(record["date"], f"{key}.date", e.path)
    minor = e.data.get("minor", False)
    if not isinstance(minor, bool):
        raise ContentError(e.path, f"'minor' phải là true hoặc false (nhận '{minor}')")
    if minor and e.data.get("guardian") is None and slugify(e.data["name"]) in slug:
        raise ContentError(
            e.path,
            "người chưa thành niên chưa có đồng ý của người giám hộ: tên tệp (đường dẫn) không được "
            "chứa họ tên đầy đủ; hãy đặt tên như dien-hinh-n-v-a",
        )


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


def _existing(model: Any) -> set[str]:
    return set(db.session.scalars(select(model.slug)))


def _check_no_loop(entries: list[Entry]) -> None:
    """Refuse localities whose parent and replaced_by links lead back to where they started
    (counting the links already stored for localities the files do not mention)."""
    links: dict[str, set[str]] = {}
    parent, successor = aliased(Locality), aliased(Locality)
    stored = (
        select(Locality.slug, parent.slug, successor.slug)
        .outerjoin(parent, Locality.parent)
        .outerjoin(successor, Locality.replaced_by)
    )
    for slug, *targets in db.session.execute(stored):
        links[slug] = {t for t in targets if t}
    for e in entries:
        links[e.data["slug"]] = {e.data[k] for k in ("parent", "replaced_by") if e.data.get(k)}
    done: set[str] = set()

    def visit(slug: str, trail: list[str], entry: Entry) -> None:
        if slug in trail:
            loop = " → ".join(trail[trail.index(slug) :] + [slug])
            raise ContentError(entry.path, f"'parent'/'replaced_by' tạo thành vòng: {loop}")
        if slug in done:
            return
        for target in sorted(links.get(slug, ())):
            visit(target, trail + [slug], entry)
        done.add(slug)

    for e in entries:
        visit(e.data["slug"], [], e)


def _check_codes(entries: list[Entry]) -> None:
    """Normalise each commendation's public code; refuse a malformed one, one used twice in the
    files, and one the database already gives to another commendation (codes never move)."""
    stored = {
        code: (slug, decision_no)
        for code, slug, decision_no in db.session.execute(
            select(Commendation.code, Exemplar.slug, Commendation.decision_no).join(Commendation.exemplar)
        )
    }
    seen: dict[str, Entry] = {}
    for e in entries:
        raw = e.data.get("code")
        if raw is None or raw == "":
            e.data.pop("code", None)
            continue
        code = codes.normalise(raw)
        if code is None:
            raise ContentError(
                e.path,
                f"'code' không hợp lệ '{raw}' (8 ký tự trong {codes.ALPHABET}, không có 0, O, 1, I, L)",
            )
        if code in seen:
            raise ContentError(e.path, f"mã '{code}' trùng với {seen[code].path}")
        seen[code] = e
        owner = stored.get(code)
        if owner is not None and owner != (e.data["exemplar"], str(e.data["decision_no"])):
            raise ContentError(
                e.path, f"mã '{code}' đã là mã của khen thưởng '{owner[1]}' của '{owner[0]}' (cơ sở dữ liệu)"
            )
        e.data["code"] = code


def _check_consultations(bundle: Bundle, localities: set[str], exemplars: set[str]) -> None:
    """Each consultation's dates, status, decision, candidates (with their references) and
    coverage, checked before anything is written; a candidate's commendation is either a public
    code or the (exemplar, decision_no) of a commendation in the files or the database."""
    stored = {
        (slug, decision_no): code
        for code, slug, decision_no in db.session.execute(
            select(Commendation.code, Exemplar.slug, Commendation.decision_no).join(Commendation.exemplar)
        )
    }
    by_pair = {(e.data["exemplar"], str(e.data["decision_no"])) for e in bundle.commendations} | set(stored)
    by_code = {e.data["code"] for e in bundle.commendations if e.data.get("code")} | set(stored.values())
    for e in bundle.consultations:
        d = e.data
        d["opens_on"] = _check_date(d["opens_on"], "opens_on", e.path)
        if isinstance(d["opens_on"], datetime):
            raise ContentError(e.path, f"'opens_on' phải là ngày dạng YYYY-MM-DD (nhận '{d['opens_on']}')")
        days = d.get("working_days", 10)
        if not isinstance(days, int) or isinstance(days, bool):
            raise ContentError(e.path, f"'working_days' phải là số ngày làm việc (nhận '{days}')")
        status = d.get("status", "draft")
        _check_enum(status, ConsultationStatus, "status", e.path)
        decided = status == ConsultationStatus.DECIDED.value
        has_pair = d.get("decision_no") is not None or d.get("decision_date") is not None
        if decided and not has_pair and not d.get("decision"):
            raise ContentError(
                e.path, "đợt 'decided' phải có 'decision_no' và 'decision_date' (hoặc 'decision')"
            )
        if not decided and (has_pair or d.get("decision")):
            raise ContentError(e.path, "chỉ đợt có status 'decided' mới ghi quyết định khen thưởng")
        if has_pair:
            if d.get("decision"):
                raise ContentError(
                    e.path, "ghi 'decision_no' và 'decision_date', hoặc 'decision', không ghi cả hai"
                )
            if d.get("decision_no") in (None, "") or d.get("decision_date") is None:
                raise ContentError(e.path, "cần cả 'decision_no' và 'decision_date'")
            d["decision_date"] = _check_date(d["decision_date"], "decision_date", e.path)
        candidates = d.get("candidates") or []
        if not isinstance(candidates, list):
            raise ContentError(e.path, "'candidates' phải là danh sách người, tập thể được đề nghị")
        if status != ConsultationStatus.DRAFT.value and not candidates:
            raise ContentError(
                e.path, "đợt đã công bố phải có ít nhất một người hoặc tập thể trong 'candidates'"
            )
        for i, item in enumerate(candidates, start=1):
            rel = f"{e.path}, người/tập thể thứ {i}"
            _check_keys(item, CANDIDATE_KEYS, rel)
            _check_enum(item.get("kind", "individual"), ExemplarKind, "kind", rel)
            if item["locality"] not in localities:
                raise ContentError(rel, f"địa phương '{item['locality']}' không tồn tại")
            if item.get("exemplar") is not None and item["exemplar"] not in exemplars:
                raise ContentError(rel, f"điển hình '{item['exemplar']}' không tồn tại")
            link = item.get("commendation")
            if link is None:
                continue
            if not decided:
                raise ContentError(rel, "chỉ gắn 'commendation' khi đợt đã có quyết định (status: decided)")
            if isinstance(link, str):
                code = codes.normalise(link)
                if code is None or code not in by_code:
                    raise ContentError(rel, f"không có khen thưởng mang mã '{link}'")
                item["commendation"] = code
            else:
                _check_keys(link, COMMENDATION_REF_KEYS, f"{rel}, 'commendation'")
                pair = (link["exemplar"], str(link["decision_no"]))
                if pair not in by_pair:
                    raise ContentError(rel, f"không có khen thưởng '{pair[1]}' của '{pair[0]}'")
        coverage = d.get("coverage") or []
        if not isinstance(coverage, list):
            raise ContentError(e.path, "'coverage' phải là danh sách tin bài đã đăng, phát")
        for i, item in enumerate(coverage, start=1):
            rel = f"{e.path}, tin bài thứ {i}"
            _check_keys(item, CONSULTATION_COVERAGE_KEYS, rel)
            _check_enum(item["medium"], CoverageMedium, "medium", rel)
            item["date"] = _check_date(item["date"], "date", rel)


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
    bundle.consultations = _yaml_list(root, "consultations.yaml", CONSULTATION_KEYS)
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
                bundle.images[name] = ImageFile(data, *inspect(data))
            except ImageRejected as exc:
                raise ContentError(f"images/{name}", str(exc)) from None

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
    _check_no_loop(bundle.localities)
    for slug, e in bundle.exemplars.items():
        _check_enum(e.data["kind"], ExemplarKind, "kind", e.path)
        ref(e.data["locality"], localities, "địa phương", e.path)
        for key, (enum_cls, owner) in BALANCE_KEYS.items():
            if e.data.get(key) is None:
                continue
            _check_enum(e.data[key], enum_cls, key, e.path)
            if owner is not None and e.data["kind"] != owner.value:
                raise ContentError(e.path, f"'{key}' chỉ dùng cho kind: {owner.value}")
        _check_consent(slug, e)
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
        pair = (e.data["exemplar"], str(e.data["decision_no"]))
        if pair in seen:
            raise ContentError(e.path, f"khen thưởng '{pair[1]}' của '{pair[0]}' bị trùng")
        seen.add(pair)
    _check_codes(bundle.commendations)
    _unique(bundle.consultations, "đợt lấy ý kiến")
    _check_consultations(bundle, localities, exemplars)
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


def database_is_empty() -> bool:
    """Tell whether no story has been loaded yet."""
    return db.session.scalar(select(Story.id).limit(1)) is None
