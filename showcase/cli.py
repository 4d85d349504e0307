"""Flask commands: thin click wrappers over content_io and the services."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from showcase import content_io
from showcase.search import indexing

content = AppGroup("content", help="Nhập và xuất nội dung theo định dạng content/.")


def fail(message: str) -> None:
    """Print one Vietnamese line to stderr and exit non-zero."""
    click.echo(f"Lỗi: {message}", err=True)
    raise SystemExit(1)


@content.command("import")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--if-empty", is_flag=True, help="Chỉ nhập khi cơ sở dữ liệu chưa có bài viết nào.")
def import_command(directory: Path, if_empty: bool) -> None:
    """Nhập (cập nhật theo slug) một thư mục nội dung; lỗi thì không thay đổi gì."""
    if if_empty and not content_io.database_is_empty():
        click.echo("Cơ sở dữ liệu đã có nội dung: bỏ qua việc nhập.")
        return
    try:
        report = content_io.import_content(directory)
    except content_io.ContentError as exc:
        fail(f"{exc} — không có gì được thay đổi.")
    click.echo(
        f"Đã nhập {directory}: {report.created} mục mới, {report.updated} mục cập nhật, "
        f"{report.unchanged} mục không đổi."
    )


@content.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
def export_command(directory: Path) -> None:
    """Xuất toàn bộ nội dung ra một thư mục (sao lưu, chuyển máy)."""
    if directory.exists() and any(directory.iterdir()):
        fail(f"thư mục {directory} không trống; hãy chọn một thư mục mới.")
    count = content_io.export_content(directory)
    click.echo(f"Đã xuất {count} bài viết ra {directory}.")


search = AppGroup("search", help="Chỉ mục tìm kiếm (Whoosh).")


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


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(content)
    app.cli.add_command(search)
