"""The panel's words for codes: audit actions, kinds of object, audit details, field names.

One place, used by the audit log, the trash and the dashboard's recent activity. A code with no
word here is shown as a neutral Vietnamese phrase, never as the code (tests/test_admin_language.py
checks that every action the services write has its word).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from showcase.dates import format_datetime
from showcase.models import (
    CommentStatus,
    ConsultationStatus,
    InfoRequestKind,
    InfoRequestStatus,
    NominationStatus,
    StoryStatus,
    UserRole,
)
from showcase.services.revisions import LABELS as REVISION_LABELS

ACTIONS = {
    # records (services/records.py, trash.py, revisions.py, taxonomy.py, coverage.py)
    "create": "Tạo mới",
    "edit": "Sửa",
    "delete": "Xóa",
    "restore": "Khôi phục",
    "purge": "Xóa vĩnh viễn",
    "approve": "Duyệt tin bài đã đăng",
    # the editorial workflow (services/workflow.py, stories.py, preview.py)
    "submit": "Gửi duyệt",
    "resubmit": "Sửa và gửi duyệt lại",
    "request_changes": "Yêu cầu sửa",
    "publish": "Đăng",
    "schedule": "Hẹn giờ đăng",
    "feature": "Đưa lên nổi bật",
    "unfeature": "Bỏ nổi bật",
    "archive": "Gỡ xuống (lưu trữ)",
    "retract": "Thu hồi",
    "hide": "Gỡ ngay theo yêu cầu",
    "unhide": "Bỏ gỡ (trả về bản nháp)",
    "preview_revoke": "Hủy các liên kết xem trước",
    "publish_refused": "Không đăng theo lịch: thiếu sự đồng ý",
    # citizens' nominations and their privacy (services/nominations.py)
    "nomination_submit": "Người dân gửi đề xuất",
    "nomination_status": "Đổi trạng thái đề xuất",
    "nomination_reply": "Trả lời công khai đề xuất",
    "nomination_note": "Ghi chú nội bộ đề xuất",
    "nomination_convert": "Tạo điển hình và bài nháp từ đề xuất",
    "privacy_purge": "Xóa thông tin liên hệ hết hạn lưu giữ",
    # requests to remove or correct information (services/info_requests.py)
    "info_request_submit": "Người dân gửi yêu cầu gỡ bỏ, chỉnh sửa",
    "info_request_status": "Đổi trạng thái yêu cầu gỡ bỏ, chỉnh sửa",
    "info_request_note": "Ghi chú nội bộ yêu cầu gỡ bỏ, chỉnh sửa",
    "info_request_purge": "Xóa thông tin liên hệ người gửi yêu cầu hết hạn lưu giữ",
    # public consultations on award candidates (services/consultations.py)
    "consultation_open": "Công bố danh sách, mở lấy ý kiến nhân dân",
    "consultation_close": "Kết thúc lấy ý kiến nhân dân",
    "consultation_decide": "Ghi quyết định khen thưởng sau lấy ý kiến",
    "consultation_decision_fix": "Sửa quyết định khen thưởng sau lấy ý kiến",
    "consultation_comment": "Người dân gửi ý kiến về danh sách khen thưởng",
    "consultation_comment_status": "Đổi tình trạng ý kiến nhân dân",
    "consultation_comment_note": "Ghi chú nội bộ về ý kiến nhân dân",
    "consultation_export": "Xuất ý kiến nhân dân cho Hội đồng",
    # accounts (services/accounts.py)
    "user_create": "Tạo tài khoản",
    "user_invite": "Mời tài khoản mới",
    "user_activate": "Mở lại tài khoản",
    "user_deactivate": "Khóa tài khoản",
    "role_change": "Đổi vai trò",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập không thành công",
    "logout": "Đăng xuất",
    "password_set": "Đặt mật khẩu",
    "password_change": "Đổi mật khẩu",
    "password_change_failed": "Đổi mật khẩu không thành công",
    "password_reset": "Đặt lại mật khẩu",
    "password_reset_link": "Gửi liên kết đặt lại mật khẩu",
}

KINDS = {
    "Story": "Bài viết",
    "Exemplar": "Điển hình",
    "Commendation": "Khen thưởng",
    "Movement": "Phong trào",
    "Field": "Lĩnh vực",
    "Locality": "Địa phương",
    "MediaAsset": "Ảnh",
    "CoverageItem": "Tin bài đã đăng",
    "User": "Tài khoản",
    "TrashItem": "Mục trong thùng rác",
    "Setting": "Cài đặt",
    "Nomination": "Đề xuất",
    "InfoRequest": "Yêu cầu gỡ bỏ, chỉnh sửa",
    "Consultation": "Đợt lấy ý kiến nhân dân",
    "ConsultationCandidate": "Người, tập thể được đề nghị khen thưởng",
    "ConsultationComment": "Ý kiến nhân dân",
    "ConsultationCoverage": "Báo, đài đã đăng danh sách lấy ý kiến",
    # derived search tables (SEARCH_BACKEND=postgresql): never audited, named in case one is shown
    "SearchDocument": "Mục chỉ mục tìm kiếm",
    "SearchWord": "Từ trong chỉ mục tìm kiếm",
}

# the admin endpoint that shows each kind (the audit log links to the object while it exists)
ENDPOINTS = {
    "Story": "stories",
    "Exemplar": "exemplars",
    "Commendation": "commendations",
    "Movement": "movements",
    "Field": "fields",
    "Locality": "localities",
    "MediaAsset": "media",
    "CoverageItem": "coverage",
    "User": "users",
    "TrashItem": "trash",
    "Nomination": "nominations",
    "InfoRequest": "info_requests",
    "Consultation": "consultations",
    "ConsultationCandidate": "consultation_candidates",
    "ConsultationComment": "consultation_comments",
    "ConsultationCoverage": "consultation_coverage",
}

# form and column names, as the audit log's "fields" lists them
FIELDS: dict[str, str] = {
    **REVISION_LABELS,
    "status": "Trạng thái",
    "featured": "Nổi bật",
    "publish_at": "Hẹn giờ đăng",
    "published_at": "Ngày đăng",
    "review_comment": "Nhận xét khi duyệt",
    "retraction_reason": "Lý do thu hồi",
    "author": "Tác giả",
    "description": "Mô tả",
    "launched_by": "Cơ quan phát động",
    "start_year": "Năm bắt đầu",
    "end_year": "Năm kết thúc",
    "parent": "Trực thuộc",
    "replaced_by": "Được thay bằng",
    "caption": "Chú thích",
    "alt_text": "Mô tả ảnh",
    "credit": "Tác giả ảnh",
    "licence": "Giấy phép",
    "outlet": "Cơ quan báo chí",
    "url": "Địa chỉ",
    "published_on": "Ngày đăng",
    "medium": "Loại hình",
    "story": "Bài viết",
    "email": "Email",
    "active": "Đang hoạt động",
    "value": "Giá trị",
    # consultations (services/consultations.py)
    "award": "Hình thức khen thưởng đề nghị",
    "proposing_body": "Cơ quan đề nghị",
    "intro": "Lời giới thiệu",
    "opens_on": "Ngày bắt đầu lấy ý kiến",
    "working_days": "Số ngày làm việc",
    "closes_at": "Hết hạn lúc",
    "decision": "Quyết định khen thưởng",
    "consultation": "Đợt lấy ý kiến",
    "position": "Thứ tự",
    "commendation": "Khen thưởng đã trao",
}
FIELDS_BY_KIND = {"User": {"role": "Vai trò", "name": "Tên"}}

DETAILS = {
    "fields": "Đã sửa",
    "version": "Phiên bản",
    "from": "Từ",
    "to": "Thành",
    "comment": "Nhận xét",
    "reason": "Lý do",
    "publish_at": "Hẹn đăng lúc",
    "scheduled": "Đã hẹn lúc",
    "cleared_schedule": "Bỏ lịch đăng lúc",
    "label": "Tên",
    "role": "Vai trò",
    "old": "Vai trò cũ",
    "new": "Vai trò mới",
    "email": "Email đã nhập",
    "revision": "Phiên bản",
    "source": "Nguồn",
    "object": "Đối tượng",
    "count": "Số mục",
    "days": "Hạn lưu giữ (ngày)",
    "photos": "Số ảnh",
    "exemplar": "Điển hình số",
    "story": "Bài viết số",
    "info_request": "Theo yêu cầu gỡ bỏ, chỉnh sửa số",
    "kind": "Loại yêu cầu",
    "closes": "Hết hạn lúc",
    "comment_id": "Ý kiến mã",
    "candidate": "Về người, tập thể",
    "duplicate": "Có thể trùng với ý kiến mã",
    "decision_before": "Quyết định trước khi sửa",
    "decision": "Quyết định",
    "comments": "Số ý kiến",
    "missing_consent": "Điển hình chưa có đồng ý (số)",
    "minor_named": "Bài nhắc họ tên người chưa thành niên (điển hình số)",
}
SOURCES = {"import": "nhập từ thư mục nội dung", "nomination": "người dân gửi kèm đề xuất"}
STATUSES = (
    {s.value: s.label for s in InfoRequestStatus}
    | {s.value: s.label for s in StoryStatus}
    | {s.value: s.label for s in NominationStatus}
    | {s.value: s.label for s in ConsultationStatus if s.value != "draft"}
    | {s.value: s.label for s in CommentStatus}
)
KINDS_OF_REQUEST = {k.value: k.label for k in InfoRequestKind}
ROLES = {r.value: r.label for r in UserRole}


def action_label(code: str) -> str:
    return ACTIONS.get(code, "Thao tác khác")


def kind_label(type_name: str) -> str:
    return KINDS.get(type_name, "Mục khác") if type_name else ""


def field_label(name: str, kind: str = "") -> str:
    return FIELDS_BY_KIND.get(kind, {}).get(name) or FIELDS.get(name, "một trường khác")


def _when(text: Any) -> str:
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return format_datetime(value)


def _object(text: Any) -> str:
    kind, _, _ = str(text).partition(":")
    return kind_label(kind)


def detail_items(detail: dict[str, Any] | None, kind: str = "") -> list[tuple[str, str]]:
    """An audit row's detail as (label, text) pairs a person reads."""
    items: list[tuple[str, str]] = []
    detail = detail or {}
    order = list(DETAILS) + ["trash", "from_trash"]  # "Từ … · Thành …" side by side
    for key in sorted(detail, key=lambda k: order.index(k) if k in order else len(order)):
        value = detail[key]
        if key == "trash":
            items.append(("Thùng rác", "đã chuyển vào thùng rác"))
        elif key == "from_trash":
            items.append(("Thùng rác", "lấy lại từ thùng rác"))
        elif key == "fields":
            names = value if isinstance(value, list) else [value]
            items.append((DETAILS[key], ", ".join(field_label(str(n), kind) for n in names) or "không có"))
        elif key in ("from", "to"):
            items.append((DETAILS[key], STATUSES.get(str(value), str(value))))
        elif key in ("role", "old", "new"):
            items.append((DETAILS[key], ROLES.get(str(value), str(value))))
        elif key in ("publish_at", "scheduled", "cleared_schedule"):
            items.append((DETAILS[key], _when(value)))
        elif key == "revision":
            items.append((DETAILS[key], f"#{value}"))
        elif key == "kind":
            items.append((DETAILS[key], KINDS_OF_REQUEST.get(str(value), str(value))))
        elif key == "source":
            items.append((DETAILS[key], SOURCES.get(str(value), str(value))))
        elif key == "object":
            items.append((DETAILS[key], _object(value)))
        else:
            items.append((DETAILS.get(key, "Ghi chú"), str(value)))
    return items


def detail_text(detail: dict[str, Any] | None, kind: str = "") -> str:
    """The detail on one line: "Đã sửa: Tiêu đề, Nội dung · Phiên bản: 3"."""
    return " · ".join(f"{label}: {text}" for label, text in detail_items(detail, kind))
