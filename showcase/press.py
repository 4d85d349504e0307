"""The press pack of a story (published, or under embargo for the press): text, 60-second
read-out, facts with decision numbers, full-resolution photos (metadata already stripped at
upload) and their credits."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app

from showcase import plaintext
from showcase.dates import format_date, format_datetime, to_local
from showcase.media.images import EXTENSIONS
from showcase.media.names import archive_entry, slug_or
from showcase.models import Commendation, MediaAsset, Story
from showcase.plaintext import paragraphs
from showcase.public_names import public_name, public_portrait
from showcase.visibility import story_is_public

# Bumped when the files' layout changes, so packs built by an older release are rebuilt.
PACK_FORMAT = 2
NO_ISSUER = "Ban Thi đua – Khen thưởng"


@dataclass(frozen=True)
class Contact:
    """The press office: shown in the press room (clickable) and in every pack."""

    office: str
    email: str
    phone: str
    sample: bool  # the defaults of a fresh install, not a real address yet

    @property
    def tel(self) -> str:
        """The phone number for a tel: link, in international form (+84…)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return "+84" + digits[1:] if digits.startswith("0") else digits

    def text(self) -> str:
        """The contact as lines of plain text."""
        note = " (dữ liệu mẫu)" if self.sample else ""
        return f"{self.office}\nThư điện tử: {self.email}{note}\nĐiện thoại: {self.phone}{note}\n"


def contact() -> Contact:
    """The press contact from the settings (PRESS_EMAIL, PRESS_PHONE)."""
    config = current_app.config
    return Contact(
        office="Ban Thi đua – Khen thưởng, Sở Nội vụ thành phố Hải Phòng",
        email=config["PRESS_EMAIL"],
        phone=config["PRESS_PHONE"],
        sample=config["PRESS_CONTACT_SAMPLE"],
    )


def embargo(story: Story) -> datetime | None:
    """When a story not yet public may be published (its embargo), or None."""
    if story_is_public(story) or story.publish_at is None:
        return None
    return story.publish_at


def embargo_notice(story: Story) -> str:
    """The lines that open every text file of an embargoed pack ("" for a public story)."""
    when = embargo(story)
    if when is None:
        return ""
    local = to_local(when)
    return (
        f"CẤM ĐĂNG TRƯỚC {local:%H:%M} NGÀY {local:%d/%m/%Y} (GIỜ VIỆT NAM)\n"
        "Không đăng, phát sóng hay chia sẻ nội dung trong gói này trước thời điểm trên.\n"
    )


def human_size(size: int) -> str:
    """A file size as a Vietnamese reader writes it: "4,2 MB", "850 KB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1000))} KB"


# The compressed text files of a pack: a long story and its fact sheet stay well under this.
TEXT_ALLOWANCE = 20_000


def pack_size(story: Story) -> int:
    """About how many bytes the story's pack weighs: its photos, stored as they are, dominate;
    the text is an allowance, so a list never loads story bodies to show a size."""
    storage = current_app.extensions["storage"]
    size = TEXT_ALLOWANCE
    for _, asset in photos(story):
        try:
            size += storage.path(asset.file).stat().st_size
        except (OSError, ValueError):
            continue  # a missing file is left out of the pack's size, not a 500
    return size


def _stamp(record: Any) -> str:
    """One record's part of the pack version: its id, row version and last change."""
    if record is None:
        return "-"
    if isinstance(record, int):
        return str(record)
    updated = getattr(record, "updated_at", None)
    return f"{type(record).__name__}:{record.id}:{record.version}:{updated.isoformat() if updated else ''}"


def version(story: Story) -> str:
    """Changes whenever anything in the pack changes: the story, its exemplars (commendations
    touch them), its place, field and movements, and every photo (cover and portraits: a new
    credit or caption bumps the photo's row version)."""
    records: list[Any] = [PACK_FORMAT, story, story.cover, story.locality, story.locality.replaced_by]
    records += [story.field, *story.movements]
    for exemplar in story.exemplars:
        records += [exemplar, exemplar.portrait, *exemplar.commendations]
    return hashlib.sha256("|".join(map(_stamp, records)).encode()).hexdigest()[:16]


def photos(story: Story) -> list[tuple[str, MediaAsset]]:
    """The pack's photos with the names we give them: `anh/01-anh-bia.jpg`, then
    `anh/NN-chan-dung-<exemplar>.jpg`; never a name a client sent."""
    named = [("anh-bia", story.cover)]
    named += [
        (f"chan-dung-{slug_or(e.slug, f'dien-hinh-{e.id}')}", public_portrait(e)) for e in story.exemplars
    ]
    present = [(label, asset) for label, asset in named if asset is not None]
    return [
        (f"anh/{n:02d}-{label}.{EXTENSIONS.get(asset.content_type, 'bin')}", asset)
        for n, (label, asset) in enumerate(present, start=1)
    ]


def _commendation(c: Commendation) -> list[str]:
    lines = [f"Hình thức: {c.form}"]
    if c.is_revoked:
        lines.append(
            f"Tình trạng: ĐÃ THU HỒI theo Quyết định số {c.revoked_decision_no} ngày "
            f"{format_date(c.revoked_on) or 'chưa ghi'}; lý do thu hồi: {c.revoked_reason or 'chưa ghi'}"
        )
    else:
        lines.append("Tình trạng: còn hiệu lực")
    return [
        *lines,
        f"Cấp khen thưởng: {c.level.label}",
        f"Quyết định số {c.decision_no} ngày {format_date(c.decision_date)} của {c.issuer}",
        f"Lý do khen thưởng: {paragraphs(c.reason).replace(chr(10), ' ') or 'quyết định không ghi lý do'}",
    ]


def _facts(story: Story) -> str:
    when = embargo(story)
    if when is not None:
        date_line = f"Ngày đăng: dự kiến {format_datetime(when)} (giờ Việt Nam), cấm đăng trước giờ này"
    else:
        date_line = f"Ngày đăng: {format_date(story.published_at) or 'chưa đăng'}"
    place = story.locality.full_name
    if story.locality.replaced_by:
        place += f" (nay là {story.locality.replaced_by.full_name})"
    movements = "; ".join(m.name for m in story.movements) or "bài không gắn với phong trào thi đua nào"
    blocks = [
        [story.title, "=" * len(story.title)],
        [
            date_line,
            f"Nguồn: {story.byline or NO_ISSUER}",
            f"Địa phương: {place}",
            f"Lĩnh vực: {story.field.name}",
            f"Phong trào: {movements}",
            f"Đường dẫn: {current_app.config['SITE_URL']}/bai-viet/{story.slug}",
        ],
    ]
    if not story.exemplars:
        blocks.append(["Điển hình: bài không gắn với điển hình nào"])
    for e in story.exemplars:
        who = [f"Điển hình: {public_name(e)} ({e.kind.label})"]
        if e.role or e.organisation:
            who.append(f"Chức vụ, đơn vị: {', '.join(x for x in (e.role, e.organisation) if x)}")
        count = len(e.commendations)
        who.append(f"Khen thưởng: {count} quyết định" if count else "Khen thưởng: chưa có quyết định nào")
        blocks.append(who)
        blocks += [_commendation(c) for c in e.commendations]
    return "\n\n".join("\n".join(lines) for lines in blocks) + "\n"


def build(story: Story, path: Path) -> None:
    """Write the pack of a story to `path`."""
    storage = current_app.extensions["storage"]
    slug = slug_or(story.slug, f"bai-viet-{story.id}")

    def entry(name: str) -> str:
        return archive_entry(slug, name)  # refuses anything that would leave the pack's folder

    notice = embargo_notice(story)

    def text(body: str) -> str:  # every text file opens with the embargo, when there is one
        return (notice + "\n" if notice else "") + body.strip() + "\n"

    md_notice = "\n".join(f"**{line}**\n" for line in notice.splitlines())
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        body_md = story.body_md.replace("\r\n", "\n").strip()
        pack.writestr(
            entry(f"{slug}.md"),
            (md_notice + "\n" if md_notice else "")
            + f"# {story.title}\n\n*{story.summary.strip()}*\n\n{body_md}\n",
        )
        pack.writestr(
            entry(f"{slug}.txt"),
            text(f"{story.title}\n\n{paragraphs(story.summary)}\n\n{plaintext.from_html(story.body_html)}"),
        )
        if story.broadcast_summary.strip():
            pack.writestr(entry("ban-tin-60-giay.txt"), text(paragraphs(story.broadcast_summary)))
        pack.writestr(entry("thong-tin.txt"), text(_facts(story)))
        credits = []
        for name, asset in photos(story):
            pack.writestr(entry(name), storage.read(asset.file), compress_type=zipfile.ZIP_STORED)
            credits.append(
                f"{name} ({asset.width}×{asset.height})\nChú thích: {asset.caption or asset.alt_text}\n"
                f"Nguồn ảnh: {asset.credit or NO_ISSUER}\n"
                f"Giấy phép: {asset.licence or 'Được dùng kèm bài viết này, ghi rõ nguồn'}"
            )
        pack.writestr(entry("nguon-anh.txt"), text("\n\n".join(credits) or "Bài viết không có ảnh."))
        pack.writestr(entry("lien-he.txt"), text(contact().text()))


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
