"""What the newspaper and the broadcaster run for a public consultation: the announcement as
plain text (to print, to read on air) and a small press pack (the announcement, the list of
candidates as a table, the press contact). Public facts only: never a comment or a commenter."""

from __future__ import annotations

import csv
import io
import zipfile

from showcase import press
from showcase.dates import format_date
from showcase.media.names import slug_or
from showcase.models import Consultation
from showcase.outreach.urls import absolute
from showcase.services import consultations
from showcase.spreadsheet import safe_cell


def candidate_lines(consultation: Consultation) -> list[str]:
    lines = []
    for number, candidate in enumerate(consultation.candidates, start=1):
        who = candidate.name + (f", {candidate.role}" if candidate.role else "")
        lines.append(f"{number}. {who} ({candidate.kind.label.lower()}, {candidate.locality.full_name})")
        if candidate.summary:
            lines.append(f"   Tóm tắt thành tích: {' '.join(candidate.summary.split())}")
    return lines


def announcement(consultation: Consultation) -> str:
    """The announcement as plain text: what a journalist copies to print or read on air."""
    page = absolute("site.consultation", slug=consultation.slug)
    start, end = format_date(consultation.opens_on), format_date(consultations.last_day(consultation))
    contact = press.contact()
    parts = [
        "THÔNG BÁO",
        f"Lấy ý kiến nhân dân về danh sách đề nghị tặng {consultation.award}",
        "",
        f"Thực hiện Điều 46 Nghị định số 98/2023/NĐ-CP của Chính phủ, {consultation.proposing_body} "
        f"công khai danh sách cá nhân, tập thể được đề nghị tặng {consultation.award} để lấy ý kiến "
        f"nhân dân từ ngày {start} đến hết ngày {end} ({consultation.working_days} ngày làm việc).",
    ]
    if consultation.intro:
        parts += ["", consultation.intro]
    parts += ["", "Danh sách:", *candidate_lines(consultation), ""]
    parts.append(
        f"Ý kiến xin gửi trực tuyến tại {page}, hoặc gửi về {contact.office} "
        f"(thư điện tử {contact.email}, điện thoại {contact.phone}). Ý kiến cần ghi rõ họ tên và số "
        "điện thoại hoặc email của người góp ý; thông tin liên hệ chỉ Ban dùng để xác minh, không "
        "công bố."
    )
    parts += ["", f"Nguồn: Gương sáng Hải Phòng — {page}"]
    return "\n".join(parts) + "\n"


def candidates_csv(consultation: Consultation) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["STT", "Tên", "Cá nhân/Tập thể", "Chức vụ, đơn vị", "Địa phương", "Tóm tắt thành tích"])
    for number, c in enumerate(consultation.candidates, start=1):
        cells = [number, c.name, c.kind.label, c.role, c.locality.full_name, " ".join(c.summary.split())]
        writer.writerow([safe_cell(v) for v in cells])
    return "\ufeff" + out.getvalue()


def pack(consultation: Consultation) -> bytes:
    """The press pack: the announcement, the list as a spreadsheet, the press contact."""
    contact = press.contact()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("thong-bao.txt", announcement(consultation))
        archive.writestr("danh-sach.csv", candidates_csv(consultation))
        archive.writestr("lien-he.txt", contact.text())
    return buffer.getvalue()


def file_stem(consultation: Consultation) -> str:
    """The name downloads get: made from our own slug, never from anything a client sent."""
    return slug_or(consultation.slug, "lay-y-kien")
