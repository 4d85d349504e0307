"""Backups that restore: one zip archive holding every table, every media file and a manifest.

`create` reads every table of the metadata (so a new table is included without touching this
module) in one read transaction, the media folder (less the `packs/` cache) and writes
`manifest.json` last, with the sha256 of every member. The archive is written to a temporary
file and renamed, so a crash never leaves half an archive under the final name.

`restore` fills an empty database (schema made by `flask db upgrade`) and an empty media folder.
It checks everything first (the archive is whole and ours, every checksum, the schema revision,
the database and the media folder are empty) and writes nothing until all of that passes; the
rows go in in one transaction, and the media files it wrote are removed again if that fails.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    Numeric,
    Table,
    Time,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from showcase.extensions import db
from showcase.search import indexing
from showcase.services.errors import ServiceError

FORMAT = "guong-sang-hai-phong-backup"
FORMAT_VERSION = 1
APP_NAME = "Gương sáng Hải Phòng"
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
MEDIA_DIR = "media"
# Derived files under the media root, rebuilt on demand: never archived.
SKIPPED_MEDIA = frozenset({"packs"})
# Columns blanked unless the backup is made with `with_private=True` (contacts of citizens).
PRIVATE_COLUMNS: dict[str, frozenset[str]] = {
    "nomination": frozenset({"contact_name", "contact_phone", "contact_email"}),
    "info_request": frozenset({"requester_name", "contact_phone", "contact_email"}),
    "consultation_comment": frozenset({"name", "phone", "email", "ip_hash"}),
}
BATCH = 500
log = logging.getLogger(__name__)
CHUNK = 1 << 20
NOTHING_CHANGED = " — không có gì được thay đổi."


class BackupError(ServiceError):
    """A backup that cannot be made or restored; the message is one Vietnamese line."""


@dataclass
class Summary:
    """What a backup holds, or what a restore wrote."""

    tables: int
    rows: int
    files: int
    bytes: int
    with_private: bool
    documents: int | None = None  # search documents indexed after a restore


# --- values ------------------------------------------------------------------------------


def _encode(column: Column, value: Any) -> Any:
    """Make a column value JSON-safe in a way `_decode` reverses exactly."""
    if value is None or isinstance(column.type, JSON):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return getattr(value, "value", value)  # an enum member is stored as its value


def _decode(column: Column, value: Any) -> Any:
    """Turn a value read from an archive back into what the column takes."""
    if value is None or isinstance(column.type, JSON):
        return value
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Time):
        return time.fromisoformat(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column.type, Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


def _blank(column: Column) -> Any:
    return None if column.nullable else ""


# --- the database ------------------------------------------------------------------------


def _tables() -> list[Table]:
    """Every table, parents before children (not the search tables: `search rebuild` derives them)."""
    return [t for t in db.metadata.sorted_tables if not t.info.get("derived")]


def _revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at (None when it was not made by migrations)."""
    heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) or None


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(current_app.extensions["migrate"].directory)


def _check_revision(archived: str | None, current: str | None) -> None:
    """Refuse an archive whose schema is not exactly the database's."""
    upgrade = "`flask --app showcase db upgrade`"
    if current is None:
        raise BackupError(f"cơ sở dữ liệu chưa được tạo bằng {upgrade}; hãy chạy lệnh đó trước.")
    if archived is None:
        raise BackupError("bản sao lưu không ghi phiên bản lược đồ cơ sở dữ liệu nên không khôi phục được.")
    if archived == current:
        return
    scripts = _scripts()
    try:
        scripts.get_revision(archived)
        known = True
        older = archived in {r.revision for r in scripts.iterate_revisions(current, "base")}
    except CommandError:  # a revision this software does not know: made by a newer version
        known = older = False
    if older:
        raise BackupError(
            f"bản sao lưu có lược đồ cũ hơn ({archived}) so với cơ sở dữ liệu ({current}): hãy tạo một "
            f"cơ sở dữ liệu mới bằng `flask --app showcase db upgrade {archived}`, khôi phục vào đó, "
            f"rồi chạy {upgrade}."
        )
    then = f"hãy chạy {upgrade} trước" if known else f"hãy cập nhật phần mềm rồi chạy {upgrade}"
    raise BackupError(
        f"bản sao lưu có lược đồ mới hơn ({archived}) so với cơ sở dữ liệu ({current}): {then}."
    )


def _rows(conn: Connection, table: Table, with_private: bool) -> Iterator[dict[str, Any]]:
    private: set[str] = set() if with_private else set(PRIVATE_COLUMNS.get(table.name, set()))
    columns = list(table.columns)
    query = table.select().order_by(*table.primary_key)
    result = conn.execute(query, execution_options={"yield_per": BATCH})
    for row in result:
        yield {
            c.name: _blank(c) if c.name in private else _encode(c, value)
            for c, value in zip(columns, row, strict=True)
        }


def _read_snapshot(conn: Connection) -> None:
    """Make every following read of this connection see one state of the database."""
    if conn.dialect.name == "postgresql":
        conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for the transaction
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")  # pysqlite leaves reads outside a transaction otherwise


# --- files ---------------------------------------------------------------------------------


def _media_root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def _media_files(root: Path) -> list[tuple[str, Path]]:
    """(key, path) of every stored file, skipping the derived folders and temporary files."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if key.split("/")[0] in SKIPPED_MEDIA or path.name.startswith(".tmp-"):
            continue
        if path.is_file() and not path.is_symlink():
            found.append((key, path))
    return found


def _write_member(archive: zipfile.ZipFile, name: str, chunks, compress: int) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
    info.compress_type = compress
    info.external_attr = 0o600 << 16
    with archive.open(info, "w", force_zip64=True) as out:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _jsonl(rows: Iterator[dict[str, Any]], counter: list[int]) -> Iterator[bytes]:
    for row in rows:
        counter[0] += 1
        yield (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# --- create --------------------------------------------------------------------------------


def create(path: Path | str, with_private: bool = False) -> Summary:
    """Write one archive of the whole site (every table, every media file, a manifest)."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} là một thư mục; hãy cho tên tệp sao lưu, ví dụ {path / 'sao-luu.zip'}.")
    if not path.parent.is_dir():
        raise BackupError(f"thư mục {path.parent} không tồn tại.")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackupError(f"không ghi được vào {path.parent} ({exc.strerror}).") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            summary = _write_archive(raw, with_private)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"không ghi được {path} ({exc.strerror or exc}).") from exc
    except SQLAlchemyError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"không đọc được cơ sở dữ liệu ({_reason(exc)}).") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return summary


def _write_archive(raw: IO[bytes], with_private: bool) -> Summary:
    members: dict[str, dict[str, Any]] = {}
    tables: list[dict[str, Any]] = []
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app": APP_NAME,
        "created_at": datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z",
    }
    with zipfile.ZipFile(raw, "w", allowZip64=True) as archive:
        with db.engine.connect() as conn:
            _read_snapshot(conn)
            manifest["database"] = {"dialect": conn.dialect.name, "alembic_revision": _revision(conn)}
            for table in _tables():
                member, counter = f"{TABLES_DIR}/{table.name}.jsonl", [0]
                rows = _jsonl(_rows(conn, table, with_private), counter)
                members[member] = _write_member(archive, member, rows, zipfile.ZIP_DEFLATED)
                columns = [c.name for c in table.columns]
                tables.append({"name": table.name, "member": member, "columns": columns, "rows": counter[0]})
            conn.rollback()
        files = size = 0
        for key, file in _media_files(_media_root()):
            member = f"{MEDIA_DIR}/{key}"
            try:  # opened before the member is begun: a file gone by now leaves no empty member
                handle = file.open("rb")
            except FileNotFoundError:  # deleted since the listing: no longer part of the site
                continue
            with handle:  # images are compressed already: stored as they are
                chunks = iter(partial(handle.read, CHUNK), b"")
                members[member] = _write_member(archive, member, chunks, zipfile.ZIP_STORED)
            files += 1
            size += members[member]["size"]
        manifest |= {
            "with_private": with_private,
            "private_columns": {t: sorted(c) for t, c in sorted(PRIVATE_COLUMNS.items())},
            "tables": tables,
            "media": {"files": files, "bytes": size},
            "members": members,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1), zipfile.ZIP_DEFLATED)
    rows = sum(t["rows"] for t in tables)
    return Summary(len(tables), rows, files, size, with_private)


# --- restore -------------------------------------------------------------------------------


def _reason(exc: BaseException) -> str:
    """The first line of an error, short enough for one line of output."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _open(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise BackupError(f"không tìm thấy tệp {path}.")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise BackupError(
            f"{path} hỏng, không trọn vẹn hoặc không phải bản sao lưu của trang ({_reason(exc)})."
        ) from exc


def _manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    foreign = f"{path} không phải bản sao lưu của {APP_NAME}"
    names = archive.namelist()
    if MANIFEST not in names:
        raise BackupError(f"{foreign} (thiếu {MANIFEST}).")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError) as exc:
        raise BackupError(f"{path} hỏng: không đọc được {MANIFEST} ({_reason(exc)}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{foreign} (định dạng lạ).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} có định dạng sao lưu phiên bản {manifest.get('format_version')!s}; phần mềm này "
            f"chỉ đọc được phiên bản {FORMAT_VERSION}."
        )
    members, tables = manifest.get("members"), manifest.get("tables")
    if not (
        isinstance(members, dict)
        and isinstance(tables, list)
        and isinstance(manifest.get("database"), dict)
        and all(
            isinstance(t, dict)
            and all(isinstance(t.get(key), str) for key in ("name", "member"))
            and isinstance(t.get("columns"), list)
            and all(isinstance(c, str) for c in t["columns"])
            for t in tables
        )
        and all(
            isinstance(m, dict) and isinstance(m.get("sha256"), str) and isinstance(m.get("size"), int)
            for m in members.values()
        )
    ):
        raise BackupError(f"{path} hỏng: {MANIFEST} không đúng cấu trúc.")
    if len(names) != len(set(names)):
        raise BackupError(f"{path} hỏng: có tệp trùng tên trong bản sao lưu.")
    listed, present = set(members), set(names) - {MANIFEST}
    if listed - present:
        raise BackupError(f"{path} không trọn vẹn: thiếu {sorted(listed - present)[0]}.")
    if present - listed:
        raise BackupError(f"{path} có tệp lạ không ghi trong {MANIFEST}: {sorted(present - listed)[0]}.")
    for name in listed:
        if not _safe_member(name):
            raise BackupError(f"{path} có tên tệp không hợp lệ: {name[:100]}.")
    return manifest


def _safe_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if name.startswith("/") or "\\" in name or ".." in parts or len(parts) < 2:
        return False
    if parts[0] == MEDIA_DIR:
        return parts[1] not in SKIPPED_MEDIA and not parts[-1].startswith(".tmp-")
    return parts[0] == TABLES_DIR and len(parts) == 2


def _check_tables(manifest: dict[str, Any], path: Path) -> list[tuple[Table, dict[str, Any]]]:
    """Pair each table of the database with its entry; the two must have the same columns."""
    archived = {t["name"]: t for t in manifest["tables"]}
    plan = []
    for table in _tables():
        entry = archived.pop(table.name, None)
        if entry is None:
            raise BackupError(f"{path} không có bảng {table.name} mà cơ sở dữ liệu có.")
        if sorted(entry["columns"]) != sorted(c.name for c in table.columns):
            raise BackupError(f"bảng {table.name} trong {path} không cùng các cột với cơ sở dữ liệu.")
        if not entry["member"].startswith(f"{TABLES_DIR}/") or entry["member"] not in manifest["members"]:
            raise BackupError(f"{path} không trọn vẹn: thiếu dữ liệu của bảng {table.name}.")
        plan.append((table, entry))
    if archived:
        raise BackupError(f"{path} có bảng {sorted(archived)[0]} mà cơ sở dữ liệu không có.")
    return plan


def _check_empty_database(conn: Connection) -> None:
    full = [t.name for t in _tables() if conn.execute(select(1).select_from(t).limit(1)).first()]
    if full:
        raise BackupError(
            f"cơ sở dữ liệu không trống (bảng {', '.join(full[:3])}{'…' if len(full) > 3 else ''} đã có "
            f"dữ liệu); chỉ khôi phục vào một cơ sở dữ liệu mới."
        )


def _check_empty_media(root: Path) -> None:
    if root.is_dir() and any(p.is_file() or p.is_symlink() for p in root.rglob("*")):
        raise BackupError(f"thư mục ảnh {root} không trống; chỉ khôi phục vào một thư mục ảnh trống.")


def _verify(archive: zipfile.ZipFile, manifest: dict[str, Any], path: Path) -> None:
    """Read every member whole and compare its size and sha256 with the manifest."""
    for name, expected in manifest["members"].items():
        if archive.getinfo(name).file_size != expected["size"]:
            raise BackupError(f"{path} hỏng: {name} không đúng kích thước ghi trong {MANIFEST}.")
        if _digest(archive, name, path) != expected["sha256"]:
            raise BackupError(f"{path} hỏng: {name} không khớp mã kiểm tra sha256 (tệp đã bị sửa).")


def _digest(archive: zipfile.ZipFile, name: str, path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with archive.open(name) as member:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError) as exc:
        raise BackupError(
            f"{path} hỏng hoặc không trọn vẹn: không đọc được {name} ({_reason(exc)})."
        ) from exc
    return digest.hexdigest()


def _deferred(table: Table, done: set[str]) -> list[Column]:
    """Nullable foreign keys to this table itself or to one not filled yet: set after every insert."""
    return [
        fk.parent
        for fk in table.foreign_keys
        if fk.parent.nullable and (fk.column.table is table or fk.column.table.name not in done)
    ]


def _read_rows(archive: zipfile.ZipFile, table: Table, member: str) -> Iterator[dict[str, Any]]:
    columns = {c.name: c for c in table.columns}
    with archive.open(member) as lines:
        for line in lines:
            row = json.loads(line)
            yield {name: _decode(columns[name], row[name]) for name in columns}


def _insert(conn: Connection, archive: zipfile.ZipFile, plan: list[tuple[Table, dict[str, Any]]]) -> int:
    """Insert every row in dependency order; fill deferred references afterwards."""
    done: set[str] = set()
    later: list[tuple[Table, list[Column], list[dict[str, Any]]]] = []
    total = 0
    for table, entry in plan:
        deferred = _deferred(table, done)
        count, batch, updates = 0, [], []
        for row in _read_rows(archive, table, entry["member"]):
            if deferred and any(row[c.name] is not None for c in deferred):
                updates.append(
                    {f"pk_{c.name}": row[c.name] for c in table.primary_key}
                    | {f"v_{c.name}": row[c.name] for c in deferred}
                )
                row = row | {c.name: None for c in deferred}
            batch.append(row)
            count += 1
            if len(batch) >= BATCH:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
        if count != entry.get("rows"):
            raise BackupError(
                f"bảng {table.name} có {count} dòng thay vì {entry.get('rows')} như {MANIFEST}."
            )
        if updates:
            later.append((table, deferred, updates))
        done.add(table.name)
        total += count
    for table, deferred, updates in later:
        where = [c == bindparam(f"pk_{c.name}") for c in table.primary_key]
        values: dict[str, Any] = {c.name: bindparam(f"v_{c.name}") for c in deferred}
        conn.execute(table.update().where(*where).values(values), updates)
    return total


def _reset_sequences(conn: Connection) -> None:
    """After explicit ids, make PostgreSQL hand out the next id after the largest one."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in _tables():
        column = table.autoincrement_column
        if column is None:
            continue
        highest = conn.execute(select(func.max(column))).scalar()
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, :column), :value, :called)"),
            {
                "table": quote(table.name),
                "column": column.name,
                "value": highest or 1,
                "called": highest is not None,
            },
        )


def _write_media(archive: zipfile.ZipFile, manifest: dict[str, Any], root: Path, written: list[Path]) -> int:
    """Extract every media member under `root` (atomically per file), checking its sha256 again."""
    count = 0
    for name, expected in sorted(manifest["members"].items()):
        if not name.startswith(f"{MEDIA_DIR}/"):
            continue
        target = root.joinpath(*PurePosixPath(name).parts[1:])
        if root.resolve() not in target.resolve().parents:
            raise BackupError(f"tên tệp không hợp lệ: {name[:100]}.")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, archive.open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected["sha256"]:
                raise BackupError(f"{name} thay đổi trong lúc khôi phục.")
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
        count += 1
    return count


def _remove(root: Path, written: list[Path]) -> None:
    """Take back the files a failed restore wrote, and the folders it made for them."""
    for file in written:
        file.unlink(missing_ok=True)
        folder = file.parent
        while folder != root and root in folder.parents and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def restore(path: Path | str) -> Summary:
    """Fill an empty database and media folder from an archive, exactly; refuse, changing
    nothing, an archive that is damaged, tampered with, foreign or from a newer schema."""
    try:
        return _restore(Path(path))
    except BackupError as exc:
        raise BackupError(f"{str(exc).rstrip('.')}{NOTHING_CHANGED}") from exc


def _restore(path: Path) -> Summary:
    root = _media_root()
    with _open(path) as archive:
        manifest = _manifest(archive, path)
        plan = _check_tables(manifest, path)
        with db.engine.connect() as conn:
            try:
                _check_revision(manifest["database"].get("alembic_revision"), _revision(conn))
                _check_empty_database(conn)
            finally:
                conn.rollback()
        _check_empty_media(root)
        _verify(archive, manifest, path)
        # every check passed: write
        written: list[Path] = []
        try:
            files = _write_media(archive, manifest, root, written)
            with db.engine.begin() as conn:  # one transaction; the files go again if it fails
                _check_empty_database(conn)
                rows = _insert(conn, archive, plan)
                _reset_sequences(conn)
        except BaseException as exc:
            _remove(root, written)
            if isinstance(exc, SQLAlchemyError):
                raise BackupError(f"cơ sở dữ liệu từ chối dữ liệu ({_reason(exc)})") from exc
            if isinstance(
                exc,
                OSError | zipfile.BadZipFile | zlib.error | EOFError | LookupError | ValueError | TypeError,
            ):
                raise BackupError(f"không khôi phục được {path} ({_reason(exc)})") from exc
            raise
    db.session.remove()  # nothing cached from before the restore
    size = sum(m["size"] for n, m in manifest["members"].items() if n.startswith(f"{MEDIA_DIR}/"))
    summary = Summary(len(plan), rows, files, size, bool(manifest.get("with_private")))
    try:
        summary.documents = indexing.rebuild()
    except Exception:  # the restore stands; `flask search rebuild` (or the first search) repairs it
        log.exception("search index rebuild after restore failed")
    return summary
