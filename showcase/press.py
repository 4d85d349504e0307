"""The press pack of a published story: text, 60-second read-out, facts with decision
numbers, full-resolution photos (metadata already stripped at upload) and their credits."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from flask import current_app

from showcase.dates import format_date
from showcase.media.images import EXTENSIONS
from showcase.media.names import archive_entry, slug_or
from showcase.models import MediaAsset, Story
from showcase.search.schema import plain_text

CONTACT = (
    "Ban Thi đua – Khen thưởng, Sở Nội vụ thành phố Hải Phòng\n"
    "Bộ phận báo chí: bao-chi@thiduakhenthuong.haiphong.gov.vn (dữ liệu mẫu)\n"
    "Điện thoại: 0225 3 000 000 (dữ liệu mẫu)\n"
)


def _stamp(record: Any) -> str:
    """One record's part of the pack version: its id, row version and last change."""
    if record is None:
        return "-"
    updated = getattr(record, "updated_at", None)
    return f"{type(record).__name__}:{record.id}:{record.version}:{updated.isoformat() if updated else ''}"


def version(story: Story) -> str:
    """Changes whenever anything in the pack changes: the story, its exemplars (commendations
    touch them), its place, field and movements, and every photo (cover and portraits: a new
    credit or caption bumps the photo's row version)."""
    records: list[Any] = [story, story.cover, story.locality, story.locality.replaced_by]
    records += [story.field, *story.movements]
    for exemplar in story.exemplars:
        records += [exemplar, exemplar.portrait, *exemplar.commendations]
    return hashlib.sha256("|".join(map(_stamp, records)).encode()).hexdigest()[:16]


def photos(story: Story) -> list[tuple[str, MediaAsset]]:
    """The pack's photos with the names we give them: `anh/01-anh-bia.jpg`, then
    `anh/NN-chan-dung-<exemplar>.jpg`; never a name a client sent."""
    named = [("anh-bia", story.cover)]
    named += [(f"chan-dung-{slug_or(e.slug, f'dien-hinh-{e.id}')}", e.portrait) for e in story.exemplars]
    present = [(label, asset) for label, asset in named if asset is not None]
    return [
        (f"anh/{n:02d}-{label}.{EXTENSIONS.get(asset.content_type, 'bin')}", asset)
        for n, (label, asset) in enumerate(present, start=1)
    ]


def _facts(story: Story) -> str:
    lines = [
        story.title,
        "=" * len(story.title),
        "",
        f"Ngày đăng: {format_date(story.published_at)}",
        f"Nguồn: {story.byline or 'Ban Thi đua – Khen thưởng'}",
        f"Địa phương: {story.locality.full_name}"
        + (f" (nay là {story.locality.replaced_by.full_name})" if story.locality.replaced_by else ""),
        f"Lĩnh vực: {story.field.name}",
        "Phong trào: " + "; ".join(m.name for m in story.movements),
        "",
    ]
    for e in story.exemplars:
        lines += [f"Điển hình: {e.name} ({e.kind.label})"]
        if e.role or e.organisation:
            lines.append(f"  {', '.join(x for x in (e.role, e.organisation) if x)}")
        for c in e.commendations:
            lines.append(
                f"  - {c.form}: Quyết định số {c.decision_no} ngày {format_date(c.decision_date)}"
                f" của {c.issuer}"
            )
            if c.is_revoked:
                lines.append(
                    f"    ĐÃ THU HỒI theo Quyết định số {c.revoked_decision_no} ngày "
                    f"{format_date(c.revoked_on)}: {c.revoked_reason}"
                )
        lines.append("")
    return "\n".join(lines)


def build(story: Story, path: Path) -> None:
    """Write the pack of a story to `path`."""
    storage = current_app.extensions["storage"]
    slug = slug_or(story.slug, f"bai-viet-{story.id}")

    def entry(name: str) -> str:
        return archive_entry(slug, name)  # refuses anything that would leave the pack's folder

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        pack.writestr(entry(f"{slug}.md"), f"# {story.title}\n\n*{story.summary}*\n\n{story.body_md}")
        pack.writestr(
            entry(f"{slug}.txt"), f"{story.title}\n\n{story.summary}\n\n{plain_text(story.body_html)}"
        )
        if story.broadcast_summary:
            pack.writestr(entry("ban-tin-60-giay.txt"), story.broadcast_summary + "\n")
        pack.writestr(entry("thong-tin.txt"), _facts(story))
        credits = []
        for name, asset in photos(story):
            pack.writestr(entry(name), storage.read(asset.file), compress_type=zipfile.ZIP_STORED)
            credits.append(
                f"{name} ({asset.width}×{asset.height})\n  Chú thích: {asset.caption or asset.alt_text}\n"
                f"  Nguồn ảnh: {asset.credit or 'Ban Thi đua – Khen thưởng'}\n"
                f"  Giấy phép: {asset.licence or 'Được dùng kèm bài viết này, ghi rõ nguồn'}\n"
            )
        pack.writestr(entry("nguon-anh.txt"), "\n".join(credits) or "Bài viết không có ảnh.\n")
        pack.writestr(entry("lien-he.txt"), CONTACT)


def pack_path(story: Story) -> Path:
    """The cached pack of this version of the story, built when missing."""
    folder = Path(current_app.config["MEDIA_ROOT"]) / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{story.id}-{version(story)}.zip"
    if not path.exists():
        for old in folder.glob(f"{story.id}-*.zip"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(fd)
        try:
            build(story, Path(tmp))
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return path
