"""`backup create` / `backup restore`: one archive that reproduces the whole site, and refusals
that change nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from flask_migrate import stamp

from showcase import create_app, search
from showcase.content_io import set_sample_data
from showcase.extensions import db
from showcase.models import (
    CoverageItem,
    CoverageMedium,
    Field,
    Locality,
    LocalityKind,
    Nomination,
    StoryStatus,
)
from showcase.services import accounts, audit, backup, records, trash, workflow
from showcase.services.media import add_image
from tests.support import Database, image_bytes, snapshot

CONTACTS = {
    "contact_name": "Trần Văn Báo",
    "contact_phone": "0912 345 678",
    "contact_email": "bao@example.vn",
}


# --- helpers ---------------------------------------------------------------------------------


class Site:
    """A second site on a database of its own, made by `flask db upgrade` like a new machine."""

    def __init__(self, directory: Path, revision: str = "head") -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.database = Database(directory)
        self.media = directory / "media"
        self.app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-backup",
                "SQLALCHEMY_DATABASE_URI": self.database.url,
                "MEDIA_ROOT": str(self.media),
                "SEARCH_INDEX_DIR": str(directory / "search_index"),
                "SERVER_NAME": "localhost",
            }
        )
        result = self.invoke("db", "upgrade", revision)
        assert result.exit_code == 0, result.output

    def invoke(self, *args: str):
        # in its own app context: a command run inside the shared app's context would use that app
        with self.app.app_context():
            return self.app.test_cli_runner().invoke(args=list(args))

    def snapshot(self) -> dict[str, list[tuple]]:
        with self.app.app_context():
            rows = snapshot()
            db.session.remove()
            return rows

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()
        self.database.drop()


@pytest.fixture
def new_site(tmp_path):
    """Make fresh sites (empty database at a revision, empty media folder); dropped afterwards."""
    made: list[Site] = []

    def make(revision: str = "head") -> Site:
        made.append(Site(tmp_path / f"site{len(made)}", revision))
        return made[-1]

    yield make
    for site in made:
        site.close()


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    """One fresh site that every refusal test tries to restore into (and must leave as it is)."""
    site = Site(tmp_path_factory.mktemp("empty-site"))
    yield site
    site.close()


def media_files(root: Path) -> dict[str, str]:
    """sha256 of every file under a media folder, by relative path."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def is_empty(site: Site) -> bool:
    return not any(site.snapshot().values()) and media_files(site.media) == {}


def refused(result, *fragments: str) -> None:
    """Exit code 1, nothing on stdout, one line on stderr starting with "Lỗi: "."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def rewrite(source: Path, target: Path, change) -> None:
    """Copy a zip member by member; `change(name, data)` returns new bytes or None to drop it."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)


def stamp_head(app) -> None:
    """The shared test database is made by create_all: record that it is at the newest revision."""
    with app.app_context():
        stamp(revision="head")


@pytest.fixture
def small_archive(app, make_story, runner, tmp_path):
    """An archive of one published story with a cover photo."""
    cover = add_image(image_bytes(400, 300), "bia.jpg")
    cover.alt_text = "Ảnh bìa"
    make_story(cover=cover, title="Người thợ lặn ở Cát Hải")
    stamp_head(app)
    path = tmp_path / "nho.zip"
    result = runner.invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    return path


# --- the whole site, there and back -----------------------------------------------------------


@pytest.fixture
def varied_site(app, people, make_story, make_exemplar, make_commendation, make_world):
    """Users of every role, stories in every state with revisions, the trash, the audit log,
    coverage, a locality tree with successors, a nomination, a setting and media assets."""
    world = make_world()
    editor, partner = people["editor"], people["a"]
    accounts.deactivate(people["b"], by=people["admin"])
    # a unit replaced by one made after it, and one whose parent was made after it
    huyen = Locality(slug="huyen-thuy-nguyen", name="Thủy Nguyên", kind=LocalityKind.RURAL_DISTRICT)
    thon = Locality(slug="xa-lap-le", name="Lập Lễ", kind=LocalityKind.COMMUNE)
    db.session.add_all([huyen, thon])
    db.session.commit()
    thanh_pho = Locality(
        slug="tp-thuy-nguyen", name="Thủy Nguyên", kind=LocalityKind.CITY, parent=world["city"]
    )
    db.session.add(thanh_pho)
    db.session.commit()
    huyen.replaced_by, huyen.parent, thon.parent = thanh_pho, world["city"], thanh_pho
    db.session.commit()

    cover = add_image(image_bytes(800, 600), "bia.jpg")
    cover.alt_text, cover.credit = "Anh Tuấn dưới biển", "Báo Hải Phòng"
    portrait = add_image(image_bytes(300, 400, "PNG", (20, 90, 160)), "chan-dung.png")
    add_image(image_bytes(64, 48, color=(10, 200, 10)), "x.jpg")  # used by nothing
    hero = make_exemplar(name="Phạm Văn Tuấn", portrait=portrait, locality=thanh_pho)
    make_commendation(
        exemplar=hero,
        revoked_decision_no="99/QĐ-UBND",
        revoked_on=date(2024, 1, 2),
        revoked_reason="Thu hồi để sửa sai sót.",
    )
    make_commendation(exemplar=hero, decision_date=date(2025, 7, 1))

    published = make_story(
        title="Người thợ lặn cứu ngư dân ở Cát Hải", exemplars=[hero], cover=cover, author=partner
    )
    records.save(published, {"summary": "Tóm tắt đã sửa."}, by=editor, created=False)
    workflow.transition(published, "feature", by=editor)
    draft = make_story(title="Bản nháp về hợp tác xã", status=StoryStatus.DRAFT, author=partner)
    workflow.transition(draft, "submit", by=partner)
    make_story(title="Bài chờ đăng", status=StoryStatus.DRAFT, publish_at=datetime(2030, 1, 1, 1, 2, 3))
    retracted = make_story(title="Bài đã thu hồi")
    workflow.transition(retracted, "retract", by=editor, text="Sai thông tin nhân vật.")
    trash.discard(make_story(title="Bài bị xóa"), by=editor)
    db.session.add(
        CoverageItem(
            story=published,
            outlet="Đài PT-TH Hải Phòng",
            title="Thời sự tối",
            url="https://thhp.vn/thoi-su",
            published_on=date(2024, 6, 1),
            medium=CoverageMedium.TV,
            created_by_id=partner.id,
            approved_at=datetime(2024, 6, 2, 8, 30, 15, 123456),
            approved_by_id=editor.id,
        )
    )
    db.session.add(
        Nomination(
            nominee_name="Bà Lê Thị Hoa", deed="Nấu cháo từ thiện.", locality=world["ward"], **CONTACTS
        )
    )
    audit.record("login", by=people["admin"], note="đăng nhập", nested={"a": [1, 2.5, None, True]})
    set_sample_data(True)
    db.session.commit()
    return {"published": published.id, "slug": published.slug}


def test_backup_restores_the_whole_site_exactly(app, ctx, runner, varied_site, new_site, tmp_path):
    media_root = Path(app.config["MEDIA_ROOT"])
    (media_root / "packs").mkdir(exist_ok=True)
    (media_root / "packs" / "1-abc.zip").write_bytes(b"press pack cache")
    stamp_head(app)
    before, files = snapshot(), media_files(media_root)
    files = {k: v for k, v in files.items() if not k.startswith("packs/")}
    assert all(before[t] for t in ("user", "revision", "audit_log", "trash_item", "coverage_item", "setting"))
    assert len(before["media_asset"]) == 3 and len(files) > 3  # originals and renditions

    path = tmp_path / "sao-luu.zip"
    result = runner.invoke(args=["backup", "create", str(path), "--with-private"])
    assert result.exit_code == 0, result.output
    rows = sum(len(r) for r in before.values())
    assert f"{rows} dòng trong {len(before)} bảng, {len(files)} tệp ảnh" in result.output
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert not any(n.startswith("media/packs/") for n in archive.namelist())
    assert manifest["format"] == backup.FORMAT and manifest["with_private"] is True
    assert manifest["database"]["alembic_revision"]
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {t: len(r) for t, r in before.items()}
    assert not list(tmp_path.glob(".*.tmp"))

    target = new_site()
    result = target.invoke("backup", "restore", str(path))
    assert result.exit_code == 0, result.output
    assert f"{rows} dòng trong {len(before)} bảng, {len(files)} tệp ảnh" in result.output

    assert target.snapshot() == before
    assert media_files(target.media) == files
    with target.app.app_context():
        found = search.search("tho lan cat hai", {}, "relevance", 1, 10)
        assert f"story:{varied_site['published']}" in found.ids
        # ids go on after the largest restored one (PostgreSQL sequences are reset)
        field = Field(slug="moi", name="Mới")
        db.session.add(field)
        db.session.commit()
        assert field.id == max(row[0] for row in before["field"]) + 1
        db.session.remove()
    client = target.app.test_client()
    page = client.get(f"/bai-viet/{varied_site['slug']}")
    assert page.status_code == 200 and "Người thợ lặn" in page.get_data(as_text=True)


def test_private_contacts_only_with_the_flag(app, ctx, runner, make_world, tmp_path):
    db.session.add(Nomination(nominee_name="Ông Vũ Văn Nam", deed="Cứu người đuối nước.", **CONTACTS))
    db.session.commit()
    stamp_head(app)

    def nominations(flag: list[str]) -> tuple[dict, list[dict]]:
        path = tmp_path / f"nom{len(flag)}.zip"
        result = runner.invoke(args=["backup", "create", str(path), *flag])
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(path) as archive:
            lines = archive.read("tables/nomination.jsonl").decode().splitlines()
            return json.loads(archive.read("manifest.json")), [json.loads(line) for line in lines]

    manifest, [row] = nominations([])
    assert manifest["with_private"] is False
    assert manifest["private_columns"]["nomination"] == sorted(CONTACTS)
    assert row["nominee_name"] == "Ông Vũ Văn Nam" and all(row[k] == "" for k in CONTACTS)
    assert "0912 345 678" not in json.dumps(row, ensure_ascii=False)
    manifest, [row] = nominations(["--with-private"])
    assert manifest["with_private"] is True and all(row[k] == v for k, v in CONTACTS.items())


# --- refusals: nothing changes ------------------------------------------------------------------


def truncated(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])


def tampered(source: Path, target: Path) -> None:
    """One byte of the story table changed; the manifest (and its checksums) kept."""

    def change(name: str, data: bytes) -> bytes:
        if name == "tables/story.jsonl":
            return data.replace("thợ lặn".encode(), "thợ lặm".encode(), 1)
        return data

    rewrite(source, target, change)


def tampered_image(source: Path, target: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name.startswith("media/") and name.endswith(".jpg"):
            return data[:100] + bytes([data[100] ^ 1]) + data[101:]
        return data

    rewrite(source, target, change)


def member_missing(source: Path, target: Path) -> None:
    rewrite(source, target, lambda name, data: None if name.startswith("media/") else data)


def foreign_zip(source: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("bao-cao.txt", "Báo cáo tổng kết")


def foreign_tar(source: Path, target: Path) -> None:
    with tarfile.open(target, "w") as archive:
        data = b"xin chao"
        info = tarfile.TarInfo("xin-chao.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


def other_manifest(source: Path, target: Path) -> None:
    rewrite(
        source, target, lambda name, data: b'{"format": "wordpress"}' if name == "manifest.json" else data
    )


def newer_format(source: Path, target: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            return json.dumps(json.loads(data) | {"format_version": 2}).encode()
        return data

    rewrite(source, target, change)


def odd_manifest(source: Path, target: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["tables"][0]["member"] = ["tables/field.jsonl"]
            return json.dumps(manifest).encode()
        return data

    rewrite(source, target, change)


def schema(revision: str):
    def change_schema(source: Path, target: Path) -> None:
        def change(name: str, data: bytes) -> bytes:
            if name == "manifest.json":
                return json.dumps(json.loads(data) | {"database": {"alembic_revision": revision}}).encode()
            return data

        rewrite(source, target, change)

    change_schema.__name__ = f"schema_{revision}"
    return change_schema


def garbled_manifest(source: Path, target: Path) -> None:
    rewrite(source, target, lambda name, data: data[:-40] if name == "manifest.json" else data)


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (truncated, "hỏng"),
        (tampered, "tables/story.jsonl không khớp mã kiểm tra sha256"),
        (tampered_image, "không khớp mã kiểm tra sha256"),
        (member_missing, "không trọn vẹn"),
        (foreign_zip, "không phải bản sao lưu"),
        (foreign_tar, "không phải bản sao lưu"),
        (other_manifest, "không phải bản sao lưu"),
        (newer_format, "phiên bản 2"),
        (odd_manifest, "không đúng cấu trúc"),
        (schema("0004"), "lược đồ cũ hơn (0004)"),
        (schema("0099"), "lược đồ mới hơn (0099)"),
        (garbled_manifest, "không đọc được manifest.json"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_a_bad_archive_is_refused_and_nothing_changes(small_archive, empty_site, tmp_path, damage, fragment):
    bad = tmp_path / "hong.zip"
    damage(small_archive, bad)
    refused(empty_site.invoke("backup", "restore", str(bad)), fragment, "không có gì được thay đổi")
    assert is_empty(empty_site)


def test_archive_from_a_newer_schema_is_refused(small_archive, new_site):
    older = new_site("0004")
    refused(older.invoke("backup", "restore", str(small_archive)), "lược đồ mới hơn", "db upgrade")
    assert media_files(older.media) == {}
    with older.app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM story").scalar() == 0
        db.engine.dispose()


def test_restore_into_a_database_with_rows_is_refused(app, ctx, small_archive, runner):
    before, files = snapshot(), media_files(Path(app.config["MEDIA_ROOT"]))
    refused(runner.invoke(args=["backup", "restore", str(small_archive)]), "cơ sở dữ liệu không trống")
    assert snapshot() == before
    assert media_files(Path(app.config["MEDIA_ROOT"])) == files


def test_restore_into_a_media_folder_with_files_is_refused(small_archive, empty_site):
    stray = empty_site.media / "ab" / "cu.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"old")
    try:
        refused(empty_site.invoke("backup", "restore", str(small_archive)), "thư mục ảnh")
        assert not any(empty_site.snapshot().values())
        assert media_files(empty_site.media) == {"ab/cu.jpg": hashlib.sha256(b"old").hexdigest()}
    finally:
        stray.unlink()
        stray.parent.rmdir()


def test_a_database_failure_takes_the_written_files_back(small_archive, empty_site, tmp_path):
    """Checksums fine, but a row the database refuses: no row stays, no file stays."""
    bad = tmp_path / "khong-hop-le.zip"
    fixed: dict[str, bytes] = {}

    def change(name: str, data: bytes) -> bytes:
        if name == "tables/story.jsonl":
            rows = [json.loads(line) for line in data.decode().splitlines()]
            rows[0]["field_id"] = 987654
            fixed[name] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
            return fixed[name]
        if name == "manifest.json":
            manifest = json.loads(data)
            new = fixed["tables/story.jsonl"]
            manifest["members"]["tables/story.jsonl"] = {
                "sha256": hashlib.sha256(new).hexdigest(),
                "size": len(new),
            }
            return json.dumps(manifest).encode()
        return data

    rewrite(small_archive, bad, change)  # the manifest is the last member
    refused(empty_site.invoke("backup", "restore", str(bad)), "cơ sở dữ liệu từ chối")
    assert is_empty(empty_site)
    assert not empty_site.media.exists() or not any(empty_site.media.iterdir())  # no folder left either


def test_missing_file_and_bad_destination(empty_site, runner, ctx, tmp_path):
    refused(empty_site.invoke("backup", "restore", str(tmp_path / "khong-co.zip")), "không tìm thấy")
    refused(runner.invoke(args=["backup", "create", str(tmp_path / "khong-co" / "a.zip")]), "không tồn tại")
    refused(runner.invoke(args=["backup", "create", str(tmp_path)]), "là một thư mục")


def test_a_failed_create_leaves_no_archive(app, ctx, runner, make_story, tmp_path, monkeypatch):
    make_story()
    add_image(image_bytes(), "a.jpg")
    db.session.commit()
    old = tmp_path / "hom-qua.zip"
    old.write_bytes(b"yesterday")

    def broken(root):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_media_files", broken)
    refused(runner.invoke(args=["backup", "create", str(old)]), "không ghi được")
    refused(runner.invoke(args=["backup", "create", str(tmp_path / "moi.zip")]), "không ghi được")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hom-qua.zip"]
    assert old.read_bytes() == b"yesterday"
