"""Flask commands: thin click wrappers over content_io and the services."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from showcase import content_io

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


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(content)
