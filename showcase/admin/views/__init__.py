"""Flask-Admin views, split by subject; every save goes through `showcase.services`."""

from __future__ import annotations

from showcase.admin.views.accounts import UserView
from showcase.admin.views.consultations import (
    CandidateView,
    CommentView,
    ConsultationCoverageView,
    ConsultationView,
)
from showcase.admin.views.coverage import CoverageView
from showcase.admin.views.dashboard import Dashboard
from showcase.admin.views.info_requests import InfoRequestView
from showcase.admin.views.media import MediaView
from showcase.admin.views.nominations import NominationView
from showcase.admin.views.records import AuditLogView, TrashView
from showcase.admin.views.register import CommendationView, ExemplarView
from showcase.admin.views.review import ReviewView
from showcase.admin.views.stories import StoryView
from showcase.admin.views.taxonomy import FieldView, LocalityView, MovementView
from showcase.extensions import db
from showcase.models import (
    AuditLog,
    Commendation,
    Consultation,
    ConsultationCandidate,
    ConsultationComment,
    ConsultationCoverage,
    CoverageItem,
    Exemplar,
    Field,
    InfoRequest,
    Locality,
    MediaAsset,
    Movement,
    Nomination,
    Story,
    TrashItem,
    User,
)

__all__ = ["Dashboard", "register_views"]


def register_views(admin) -> None:
    """Add every view to the Admin object (called inside the factory)."""
    admin.add_view(StoryView(Story, db, name="Bài viết", endpoint="stories"))
    admin.add_view(ReviewView(name="Duyệt bài", endpoint="review"))
    admin.add_view(ExemplarView(Exemplar, db, name="Điển hình", endpoint="exemplars"))
    admin.add_view(CommendationView(Commendation, db, name="Khen thưởng", endpoint="commendations"))
    admin.add_view(MovementView(Movement, db, name="Phong trào", endpoint="movements", category="Danh mục"))
    admin.add_view(FieldView(Field, db, name="Lĩnh vực", endpoint="fields", category="Danh mục"))
    admin.add_view(LocalityView(Locality, db, name="Địa phương", endpoint="localities", category="Danh mục"))
    admin.add_view(MediaView(MediaAsset, db, name="Ảnh", endpoint="media"))
    # what citizens send the board, side by side (editors and admins only)
    sent = "Người dân gửi đến"
    admin.add_view(
        NominationView(Nomination, db, name="Đề xuất của người dân", endpoint="nominations", category=sent)
    )
    admin.add_view(
        InfoRequestView(
            InfoRequest, db, name="Yêu cầu gỡ bỏ, chỉnh sửa", endpoint="info_requests", category=sent
        )
    )
    admin.add_view(CoverageView(CoverageItem, db, name="Tin bài đã đăng", endpoint="coverage"))
    consulting = "Lấy ý kiến nhân dân"
    admin.add_view(
        ConsultationView(
            Consultation, db, name="Đợt lấy ý kiến", endpoint="consultations", category=consulting
        )
    )
    admin.add_view(
        CandidateView(
            ConsultationCandidate,
            db,
            name="Người, tập thể được đề nghị",
            endpoint="consultation_candidates",
            category=consulting,
        )
    )
    admin.add_view(
        CommentView(
            ConsultationComment,
            db,
            name="Ý kiến nhân dân",
            endpoint="consultation_comments",
            category=consulting,
        )
    )
    admin.add_view(
        ConsultationCoverageView(
            ConsultationCoverage,
            db,
            name="Báo, đài đã đăng, phát",
            endpoint="consultation_coverage",
            category=consulting,
        )
    )
    admin.add_view(UserView(User, db, name="Tài khoản", endpoint="users"))
    admin.add_view(TrashView(TrashItem, db, name="Thùng rác", endpoint="trash"))
    admin.add_view(AuditLogView(AuditLog, db, name="Nhật ký", endpoint="audit"))
