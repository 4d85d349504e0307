"""The press pack of a published story: text, 60-second read-out, facts with decision
numbers, full-resolution photos (metadata already stripped at upload) and their credits."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

from flask import current_app

from showcase.dates import format_date
from showcase.models import Story
from showcase.search.schema import plain_text

CONTACT = (
    "Ban Thi đua – Khen thưởng, Sở Nội vụ thành phố Hải Phòng\n"
    "Bộ phận báo chí: bao-chi@thiduakhenthuong.haiphong.gov.vn (dữ liệu mẫu)\n"
    "Điện thoại: 0225 3 000 000 (dữ liệu mẫu)\n"
)


def version(story: Story) -> str:
    """Changes whenever anything in the pack changes: the story, its exemplars, its images."""
    parts = [story.updated_at.isoformat()] + [e.updated_at.isoformat() for e in story.exemplars]
    parts += [str(story.cover_id)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


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
    slug = story.slug
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        pack.writestr(f"{slug}/{slug}.md", f"# {story.title}\n\n*{story.summary}*\n\n{story.body_md}")
        pack.writestr(
            f"{slug}/{slug}.txt", f"{story.title}\n\n{story.summary}\n\n{plain_text(story.body_html)}"
        )
        if story.broadcast_summary:
            pack.writestr(f"{slug}/ban-tin-60-giay.txt", story.broadcast_summary + "\n")
        pack.writestr(f"{slug}/thong-tin.txt", _facts(story))
        credits = []
        images = [story.cover] + [e.portrait for e in story.exemplars]
        for n, asset in enumerate([a for a in images if a is not None], start=1):
            name = f"anh/{n:02d}-{asset.original_name or Path(asset.file).name}"
            pack.writestr(f"{slug}/{name}", storage.read(asset.file), compress_type=zipfile.ZIP_STORED)
            credits.append(
                f"{name} ({asset.width}×{asset.height})\n  Chú thích: {asset.caption or asset.alt_text}\n"
                f"  Nguồn ảnh: {asset.credit or 'Ban Thi đua – Khen thưởng'}\n"
                f"  Giấy phép: {asset.licence or 'Được dùng kèm bài viết này, ghi rõ nguồn'}\n"
            )
        pack.writestr(f"{slug}/nguon-anh.txt", "\n".join(credits) or "Bài viết không có ảnh.\n")
        pack.writestr(f"{slug}/lien-he.txt", CONTACT)


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
