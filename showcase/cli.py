"""Flask commands: thin click wrappers over content_io and the services."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from showcase import content_io
from showcase.extensions import db
from showcase.models import MediaAsset, User, UserRole
from showcase.search import indexing
from showcase.services import accounts, transaction, workflow
from showcase.services import backup as backups
from showcase.services import media as media_service
from showcase.services.errors import ServiceError

T = TypeVar("T")
content = AppGroup("content", help="Nhập và xuất nội dung theo định dạng content/.")


def change(work: Callable[[], T]) -> T:
    """Run one change through the services in one transaction; a refusal is one line, exit 1."""
    try:
        with transaction():
            return work()
    except ServiceError as exc:
        fail(str(exc))
        raise  # not reached: fail() exits


def fail(message: str) -> NoReturn:
    """Print one Vietnamese line to stderr and exit non-zero."""
    click.echo(f"Lỗi: {message}", err=True)
    raise SystemExit(1)


@content.command("import")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--if-empty", is_flag=True, help="Chỉ nhập khi cơ sở dữ liệu chưa có bài viết nào.")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra và cho biết sẽ thay đổi gì; không ghi gì cả.")
def import_command(directory: Path, if_empty: bool, dry_run: bool) -> None:
    """Nhập (cập nhật theo slug) một thư mục nội dung; lỗi thì không thay đổi gì.

    Bài viết đã có giữ nguyên trạng thái quy trình (đăng, thu hồi, nổi bật…); mọi thay đổi
    nội dung được ghi nhật ký và lưu phiên bản để khôi phục."""
    if if_empty and not content_io.database_is_empty():
        click.echo("Cơ sở dữ liệu đã có nội dung: bỏ qua việc nhập.")
        return
    try:
        report = content_io.import_content(directory, dry_run=dry_run)
    except content_io.ContentError as exc:
        fail(f"{exc} — không có gì được thay đổi.")
    except SQLAlchemyError as exc:  # what the checks did not foresee, refused by the database
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        fail(f"cơ sở dữ liệu từ chối nội dung ({reason}) — không có gì được thay đổi.")
    for line in report.lines():
        click.echo(line)
    counts = f"{report.created} mục mới, {report.updated} mục cập nhật, {report.unchanged} mục không đổi"
    if dry_run:
        click.echo(
            f"Chạy thử {directory}: sẽ có {counts}. Không có gì được ghi (chạy lại không có --dry-run)."
        )
    else:
        click.echo(f"Đã nhập {directory}: {counts}.")


@content.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
def export_command(directory: Path) -> None:
    """Xuất nội dung ra một thư mục (định dạng content/; bản sao lưu đầy đủ là `backup create`)."""
    if directory.exists() and any(directory.iterdir()):
        fail(f"thư mục {directory} không trống; hãy chọn một thư mục mới.")
    count = content_io.export_content(directory)
    click.echo(f"Đã xuất {count} bài viết ra {directory}.")


search = AppGroup("search", help="Chỉ mục tìm kiếm (Whoosh, hoặc PostgreSQL khi SEARCH_BACKEND=postgresql).")


@search.command("rebuild")
@click.option(
    "--procs",
    type=click.IntRange(1, 8),
    default=min(2, os.cpu_count() or 1),
    show_default=True,
    help="Số tiến trình ghi chỉ mục.",
)
def search_rebuild(procs: int) -> None:
    """Dựng lại chỉ mục từ cơ sở dữ liệu."""
    started = time.perf_counter()
    count = indexing.rebuild(procs=procs)
    click.echo(f"Đã dựng lại chỉ mục: {count} tài liệu trong {time.perf_counter() - started:.1f} giây.")


@search.command("catch-up")
def search_catch_up() -> None:
    """Đưa chỉ mục về khớp với cơ sở dữ liệu (sửa những gì bị lỡ)."""
    result = indexing.catch_up()
    click.echo(f"Đã cập nhật chỉ mục: thêm {result.added}, làm mới {result.updated}, xóa {result.deleted}.")
    if not result.complete:
        fail("chỉ mục đang bị tiến trình khác ghi; hãy chạy lại lệnh này sau.")


@search.command("status")
def search_status() -> None:
    """Số tài liệu trong chỉ mục so với số đã công bố trong cơ sở dữ liệu."""
    s = indexing.status()
    if not s["exists"]:
        click.echo("Chưa có chỉ mục: chạy `flask --app showcase search rebuild`.")
    click.echo(f"Bài viết: {s['indexed_stories']} trong chỉ mục / {s['published_stories']} đã đăng")
    click.echo(f"Điển hình: {s['indexed_exemplars']} trong chỉ mục / {s['public_exemplars']} công khai")
    click.echo(f"Mốc cập nhật (watermark): {s['watermark'] or 'chưa có'}")
    click.echo(f"Chênh lệch: {s['differences']}" + (" (chạy search catch-up)" if s["differences"] else ""))


users = AppGroup("users", help="Tài khoản quản trị (không có tài khoản mặc định nào).")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")
    return sys.stdin.readline().rstrip("\n")


def _user(email: str):
    user = accounts.find(email)
    if user is None:
        fail(f"không có tài khoản {email}.")
    return user


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in UserRole]), help="Vai trò.")
@click.option("--name", required=True, help="Tên hiển thị.")
@click.option("--org", default="", help="Đơn vị (ví dụ: Báo Hải Phòng).")
def users_create(email: str, role: str, name: str, org: str) -> None:
    """Tạo tài khoản; mật khẩu được hỏi (hoặc đọc từ stdin khi không phải terminal)."""
    user = change(lambda: accounts.create_user(email, name, role, _read_password(), organisation=org))
    click.echo(f"Đã tạo tài khoản {user.email} ({user.role.label}).")


@users.command("list")
def users_list() -> None:
    """Liệt kê tài khoản."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "hoạt động" if user.active else "đã khóa"
        click.echo(f"{user.email}\t{user.role.value}\t{state}\t{user.name}\t{user.organisation}")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in UserRole]))
def users_set_role(email: str, role: str) -> None:
    """Đổi vai trò của một tài khoản."""
    user = _user(email)
    change(lambda: accounts.set_role(user, role))
    click.echo(f"{user.email} nay là {user.role.label}.")


@users.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Khóa một tài khoản và kết thúc mọi phiên đăng nhập của nó (không xóa: nhật ký vẫn giữ tên)."""
    user = _user(email)
    change(lambda: accounts.deactivate(user))
    click.echo(f"Đã khóa {user.email}.")


@users.command("set-password")
@click.argument("email")
def users_set_password(email: str) -> None:
    """Đặt mật khẩu mới (hỏi hai lần, hoặc đọc một dòng từ stdin); mọi phiên đăng nhập kết thúc."""
    user = _user(email)
    change(lambda: accounts.set_password(user, _read_password()))
    click.echo(f"Đã đặt mật khẩu mới cho {user.email}; mọi phiên đăng nhập của tài khoản này đã kết thúc.")


@users.command("reset-link")
@click.argument("email")
def users_reset_link(email: str) -> None:
    """In liên kết đặt lại mật khẩu dùng một lần (theo SITE_URL) để gửi riêng cho người dùng."""
    from showcase.admin.auth import reset_url

    user = _user(email)
    token = change(lambda: accounts.reset_token(user))
    hours = f"{accounts.reset_hours():g}"
    click.echo(f"Liên kết đặt lại mật khẩu cho {user.email} (dùng một lần, hết hạn sau {hours} giờ):")
    click.echo(reset_url(token))


@click.command("publish-due")
def publish_due_command() -> None:
    """Đăng các bài đã hẹn giờ đến hạn (chạy hai lần cũng không sao)."""
    due = change(workflow.publish_due)
    click.echo(f"Đã đăng {len(due)} bài đến hạn.")


media = AppGroup("media", help="Ảnh và các bản thu nhỏ.")


@media.command("rebuild")
def media_rebuild() -> None:
    """Làm lại mọi bản thu nhỏ của ảnh từ ảnh gốc đã lưu."""
    skipped = change(media_service.rebuild_renditions)
    for asset, reason in skipped:
        click.echo(f"Bỏ qua ảnh {asset.id} ({asset.original_name}): {reason}", err=True)
    count = (db.session.scalar(select(func.count(MediaAsset.id))) or 0) - len(skipped)
    click.echo(f"Đã làm lại bản thu nhỏ của {count} ảnh.")


backup = AppGroup("backup", help="Sao lưu và khôi phục toàn bộ trang (cơ sở dữ liệu và ảnh).")


def _size(count: int) -> str:
    return f"{count / 1048576:.1f} MB" if count >= 1048576 else f"{count / 1024:.0f} KB"


@backup.command("create")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--with-private",
    is_flag=True,
    help="Giữ cả thông tin liên hệ riêng tư (người đề xuất, người góp ý); mặc định bỏ trống.",
)
def backup_create(file: Path, with_private: bool) -> None:
    """Ghi một tệp sao lưu: mọi bảng, mọi ảnh và bản kê (manifest) có mã kiểm tra."""
    try:
        summary = backups.create(file, with_private=with_private)
    except backups.BackupError as exc:
        fail(str(exc))
    private = "có" if summary.with_private else "không (bỏ trống)"
    click.echo(
        f"Đã sao lưu vào {file}: {summary.rows} dòng trong {summary.tables} bảng, {summary.files} tệp ảnh "
        f"({_size(summary.bytes)}); thông tin liên hệ riêng tư: {private}."
    )


@backup.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
def backup_restore(file: Path) -> None:
    """Khôi phục một tệp sao lưu vào cơ sở dữ liệu và thư mục ảnh còn trống."""
    try:
        summary = backups.restore(file)
    except backups.BackupError as exc:
        fail(str(exc))
    click.echo(
        f"Đã khôi phục từ {file}: {summary.rows} dòng trong {summary.tables} bảng, {summary.files} tệp ảnh "
        f"({_size(summary.bytes)})."
    )
    if summary.documents is None:
        click.echo(
            "Chưa dựng được chỉ mục tìm kiếm: hãy chạy `flask --app showcase search rebuild`.", err=True
        )
    else:
        click.echo(f"Đã dựng lại chỉ mục tìm kiếm: {summary.documents} tài liệu.")


privacy = AppGroup("privacy", help="Dữ liệu cá nhân của người dân gửi đến (Nghị định 13/2023/NĐ-CP).")


@privacy.command("purge")
def privacy_purge() -> None:
    """Xóa thông tin liên hệ của người đề xuất, người gửi yêu cầu gỡ bỏ / chỉnh sửa và người góp ý
    về danh sách khen thưởng khi đã đóng quá PRIVATE_DATA_DAYS ngày."""
    from showcase.services import consultations, info_requests, nominations

    count = change(nominations.purge)
    click.echo(f"Đã xóa thông tin liên hệ của {count} đề xuất đã đóng quá hạn lưu giữ.")
    count = change(info_requests.purge)
    click.echo(f"Đã xóa thông tin liên hệ của {count} yêu cầu gỡ bỏ, chỉnh sửa đã đóng quá hạn lưu giữ.")
    count = change(consultations.purge)
    click.echo(f"Đã xóa thông tin liên hệ của {count} ý kiến góp ý về danh sách khen thưởng quá hạn lưu giữ.")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(content)
    app.cli.add_command(search)
    app.cli.add_command(users)
    app.cli.add_command(publish_due_command)
    app.cli.add_command(media)
    app.cli.add_command(backup)
    app.cli.add_command(privacy)
