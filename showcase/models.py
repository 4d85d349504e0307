"""The domain model (SQLAlchemy 2.0, typed). Code is English; labels are Vietnamese.

All datetimes are naive UTC; templates show them in Vietnam time (UTC+7).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from showcase import codes
from showcase.extensions import Base, db

if TYPE_CHECKING:  # db.Model is made at run time from Base; a type checker needs a class name
    Model = Base
else:
    Model = db.Model


def utcnow() -> datetime:
    """Return the current time as naive UTC (what every column stores)."""
    return datetime.now(UTC).replace(tzinfo=None)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a Vietnamese label."""

    label: str

    # `label` has a default only so that type checkers read StoryStatus("draft") as the lookup it is
    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class StoryStatus(LabelledEnum):
    DRAFT = "draft", "Bản nháp"
    IN_REVIEW = "in_review", "Chờ duyệt"
    PUBLISHED = "published", "Đã đăng"
    ARCHIVED = "archived", "Lưu trữ"
    RETRACTED = "retracted", "Đã thu hồi"
    # removed at the request of the person concerned: answers 410 without the title or names
    HIDDEN = "hidden", "Đã gỡ theo yêu cầu"


class ExemplarKind(LabelledEnum):
    INDIVIDUAL = "individual", "Cá nhân"
    COLLECTIVE = "collective", "Tập thể"


class LocalityKind(LabelledEnum):
    CITY = "city", "Thành phố"
    DISTRICT = "district", "Quận"
    RURAL_DISTRICT = "rural_district", "Huyện"
    TOWNSHIP = "township", "Thị trấn"
    WARD = "ward", "Phường"
    COMMUNE = "commune", "Xã"
    SPECIAL_ZONE = "special_zone", "Đặc khu"


class CommendationLevel(LabelledEnum):
    STATE = "state", "Nhà nước"
    GOVERNMENT = "government", "Chính phủ"
    MINISTRY = "ministry", "Bộ, ngành, đoàn thể Trung ương"
    CITY = "city", "Thành phố"
    LOCAL = "local", "Cơ sở"


# What the directive's balance counts (Decree 98/2023: commend the grassroots, small collectives,
# people who work directly, the non-state sector; report by gender). An exemplar's attributes,
# as it is now: NULL is "not recorded yet" (rows from before these existed) and is counted as
# "Chưa rõ". The grassroots level is the commendation's own: CommendationLevel.LOCAL.
class Gender(LabelledEnum):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"
    UNSTATED = "unstated", "Không nêu"


# How a person's consent to appear on the site was obtained (Decree 13/2023/NĐ-CP: consent must
# be shown in a form that can be checked later). A collective needs none.
class ConsentMethod(LabelledEnum):
    WRITTEN = "written", "Văn bản có chữ ký"
    ELECTRONIC = "electronic", "Thư điện tử, tin nhắn"
    VERBAL = "verbal", "Bằng lời, có biên bản hoặc ghi âm"
    PUBLIC_RECORD = "public_record", "Thông tin đã được công bố chính thức"


class WorkRole(LabelledEnum):
    DIRECT = "direct", "Trực tiếp lao động, sản xuất, công tác"
    MANAGEMENT = "management", "Lãnh đạo, quản lý"


class Sector(LabelledEnum):
    STATE = "state", "Khu vực nhà nước"
    NON_STATE = "non_state", "Khu vực ngoài nhà nước"


class CollectiveSize(LabelledEnum):
    SMALL = "small", "Tập thể nhỏ (tổ, đội, thôn, khu dân cư…)"
    OTHER = "other", "Cơ quan, đơn vị, doanh nghiệp"


class UserRole(LabelledEnum):
    ADMIN = "admin", "Quản trị"
    EDITOR = "editor", "Biên tập viên"
    PARTNER = "partner", "Đối tác báo chí"


class NominationStatus(LabelledEnum):
    NEW = "new", "Mới nhận"
    VERIFYING = "verifying", "Đang xác minh"
    ACCEPTED = "accepted", "Đã tiếp nhận"
    REJECTED = "rejected", "Không tiếp nhận"
    SPAM = "spam", "Thư rác"


class InfoRequestKind(LabelledEnum):
    REMOVE = "remove", "Gỡ bỏ thông tin"
    CORRECT = "correct", "Chỉnh sửa thông tin"


class InfoRequestRelation(LabelledEnum):
    SELF = "self", "Chính người được nói đến"
    GUARDIAN = "guardian", "Cha mẹ, người giám hộ"
    RELATIVE = "relative", "Người thân"
    OTHER = "other", "Người khác"


class InfoRequestStatus(LabelledEnum):
    NEW = "new", "Mới nhận"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    DONE = "done", "Đã xử lý xong"
    REJECTED = "rejected", "Không tiếp nhận"


class ConsultationStatus(LabelledEnum):
    DRAFT = "draft", "Bản nháp"
    OPEN = "open", "Đang lấy ý kiến"
    CLOSED = "closed", "Đã hết thời gian lấy ý kiến"
    DECIDED = "decided", "Đã có quyết định khen thưởng"


class CommentStatus(LabelledEnum):
    COUNTED = "counted", "Hợp lệ"
    DUPLICATE = "duplicate", "Trùng lặp"
    SPAM = "spam", "Thư rác"


class CoverageMedium(LabelledEnum):
    PRINT = "print", "Báo in"
    ONLINE = "online", "Báo điện tử"
    TV = "tv", "Truyền hình"
    RADIO = "radio", "Phát thanh"


class Versioned:
    """A row counter compared in every UPDATE: of two saves made from the same version, the
    second changes nothing (SQLAlchemy raises StaleDataError, the services say why)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls: Any) -> dict[str, Any]:  # noqa: N805  (any mapped class: it has __table__)
        return {"version_id_col": cls.__table__.c.version}


def enum_column(enum_cls: type[enum.Enum]) -> Enum:
    """Store an enum as its value in a VARCHAR (same on SQLite and PostgreSQL)."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=20,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


story_exemplars = Table(
    "story_exemplar",
    db.metadata,
    Column("story_id", ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
    Column("exemplar_id", ForeignKey("exemplar.id", ondelete="CASCADE"), primary_key=True),
)

story_movements = Table(
    "story_movement",
    db.metadata,
    Column("story_id", ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
    Column("movement_id", ForeignKey("movement.id", ondelete="CASCADE"), primary_key=True),
)

# the primary keys serve story → exemplars/movements; these serve the other direction
Index("ix_story_exemplar_exemplar_id", story_exemplars.c.exemplar_id, story_exemplars.c.story_id)
Index("ix_story_movement_movement_id", story_movements.c.movement_id, story_movements.c.story_id)


class Setting(Model):
    """A site-wide key/value flag (e.g. whether sample data is loaded)."""

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Field(Versioned, Model):
    __table_args__ = (Index("ix_field_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name


class Movement(Versioned, Model):
    __table_args__ = (Index("ix_movement_start_year", "start_year"), Index("ix_movement_name", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    launched_by: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> str:
        return f"{self.start_year}–{self.end_year}" if self.end_year else f"từ {self.start_year}"


class Locality(Versioned, Model):
    """An administrative unit; a unit merged away keeps its page and points to its successor."""

    __table_args__ = (
        Index("ix_locality_parent_id", "parent_id"),
        Index("ix_locality_replaced_by_id", "replaced_by_id"),
        Index("ix_locality_name", "name", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[LocalityKind] = mapped_column(enum_column(LocalityKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"))

    parent: Mapped[Locality | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Locality]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Locality.name"
    )
    replaced_by: Mapped[Locality | None] = relationship(
        remote_side=[id], foreign_keys=[replaced_by_id], back_populates="replaced"
    )
    replaced: Mapped[list[Locality]] = relationship(
        foreign_keys=[replaced_by_id], back_populates="replaced_by", order_by="Locality.name"
    )

    @property
    def full_name(self) -> str:
        return f"{self.kind.label} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.replaced_by_id is None

    def __str__(self) -> str:
        return self.full_name


class MediaAsset(Versioned, Model):
    """An image kept in Storage under a content-addressed name."""

    __table_args__ = (Index("ix_media_asset_uploaded_by_id", "uploaded_by_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file: Mapped[str] = mapped_column(String(200), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(Text, default="")
    alt_text: Mapped[str] = mapped_column(Text, default="")
    credit: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(300), default="")
    # [{"width": 640, "height": 360, "jpeg": key, "webp": key}, …], made at upload
    renditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __str__(self) -> str:
        return self.original_name or self.alt_text or f"Ảnh {self.id}"


class Exemplar(Versioned, Model):
    __table_args__ = (
        Index("ix_exemplar_name", "name", "id"),  # the public list's order
        Index("ix_exemplar_locality_id", "locality_id"),
        Index("ix_exemplar_portrait_id", "portrait_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ExemplarKind] = mapped_column(enum_column(ExemplarKind))
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"))
    role: Mapped[str] = mapped_column(String(300), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    portrait_id: Mapped[int | None] = mapped_column(ForeignKey("media_asset.id"))
    bio_md: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    # the balance's attributes (NULL: not recorded yet); gender and work role are an individual's,
    # collective size a collective's, the sector either's (services/exemplars.py keeps this)
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    work_role: Mapped[WorkRole | None] = mapped_column(enum_column(WorkRole))
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector))
    collective_size: Mapped[CollectiveSize | None] = mapped_column(enum_column(CollectiveSize))
    # an individual's consent to appear on the site (services/exemplars.py keeps these whole; a
    # story about an adult without it is not published, see services/consent.py); a minor's is
    # the guardian's: without it the public sees initials and no portrait (public_names.py)
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_method: Mapped[ConsentMethod | None] = mapped_column(enum_column(ConsentMethod))
    consent_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    guardian_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    guardian_consent_date: Mapped[date | None] = mapped_column(Date)
    guardian_consent_method: Mapped[ConsentMethod | None] = mapped_column(enum_column(ConsentMethod))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    locality: Mapped[Locality] = relationship()
    portrait: Mapped[MediaAsset | None] = relationship()
    commendations: Mapped[list[Commendation]] = relationship(
        back_populates="exemplar",
        order_by="(Commendation.decision_date.desc(), Commendation.id)",
        cascade="all, delete-orphan",
    )
    stories: Mapped[list[Story]] = relationship(secondary=story_exemplars, back_populates="exemplars")

    def __str__(self) -> str:
        return self.name


class Story(Versioned, Model):
    # the public lists: published, newest first (id breaks ties), overall and by what they filter on
    __table_args__ = (
        Index("ix_story_public", "status", "published_at", "id"),
        Index("ix_story_featured_public", "featured", "status", "published_at", "id"),
        Index("ix_story_field_public", "field_id", "status", "published_at", "id"),
        Index("ix_story_locality_public", "locality_id", "status", "published_at", "id"),
        Index("ix_story_status_publish_at", "status", "publish_at"),  # embargoed, due to publish
        Index("ix_story_cover_id", "cover_id"),
        Index("ix_story_author_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[StoryStatus] = mapped_column(
        enum_column(StoryStatus), default=StoryStatus.DRAFT, index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    publish_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # scheduled
    review_comment: Mapped[str] = mapped_column(Text, default="", server_default="")  # "changes requested"
    retraction_reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # shown publicly
    retracted_at: Mapped[datetime | None] = mapped_column(DateTime)  # shown with the reason (410)
    # the last change a reader can see in the text (title, summary, body) after publication:
    # a page's "Cập nhật" date; re-saves, imports and workflow steps leave it alone
    revised_at: Mapped[datetime | None] = mapped_column(DateTime)
    byline: Mapped[str] = mapped_column(String(200), default="")
    broadcast_summary: Mapped[str] = mapped_column(Text, default="")
    field_id: Mapped[int] = mapped_column(ForeignKey("field.id"))
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"))
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("media_asset.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # raised to revoke every preview link given out so far
    preview_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    field: Mapped[Field] = relationship()
    locality: Mapped[Locality] = relationship()
    cover: Mapped[MediaAsset | None] = relationship()
    author: Mapped[User | None] = relationship()
    exemplars: Mapped[list[Exemplar]] = relationship(
        secondary=story_exemplars, back_populates="stories", order_by="Exemplar.name"
    )
    movements: Mapped[list[Movement]] = relationship(secondary=story_movements, order_by="Movement.name")
    coverage: Mapped[list[CoverageItem]] = relationship(back_populates="story", cascade="all, delete-orphan")

    @property
    def is_public(self) -> bool:
        return self.status == StoryStatus.PUBLISHED

    def __str__(self) -> str:
        return self.title


class Commendation(Versioned, Model):
    """An award with its decision; a revocation carries its own decision."""

    # (exemplar_id, decision_no) also serves an exemplar's commendations
    __table_args__ = (
        UniqueConstraint("exemplar_id", "decision_no"),
        Index("ix_commendation_form", "form", "decision_date"),
        Index("ix_commendation_level", "level", "decision_date"),
        Index("ix_commendation_movement_id", "movement_id", "decision_date"),
        Index("ix_commendation_revoked_decision_no", "revoked_decision_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # the permanent public code (/khen-thuong/<code>, the QR on the certificate): made once, when
    # the record is created (services.codes picks an unused one; the default covers any other
    # door), never changed by an edit
    code: Mapped[str] = mapped_column(String(16), unique=True, default=codes.generate)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplar.id", ondelete="CASCADE"))
    form: Mapped[str] = mapped_column(String(300))
    level: Mapped[CommendationLevel] = mapped_column(enum_column(CommendationLevel))
    issuer: Mapped[str] = mapped_column(String(300))
    decision_no: Mapped[str] = mapped_column(String(100), index=True)
    decision_date: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movement.id"))
    revoked_decision_no: Mapped[str | None] = mapped_column(String(100))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_reason: Mapped[str | None] = mapped_column(Text)

    exemplar: Mapped[Exemplar] = relationship(back_populates="commendations")
    movement: Mapped[Movement | None] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_decision_no is not None

    def __str__(self) -> str:  # a page naming this commendation shows words, not "<Commendation 1>"
        return f"{self.form} ({self.decision_no})"


class User(Versioned, UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # part of the session cookie: raising it (logout, new password, deactivation) ends every session
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, *roles: UserRole) -> bool:
        return self.active and self.role in roles

    @property
    def is_editor(self) -> bool:
        """Board editors and admins: everything about content."""
        return self.has_role(UserRole.ADMIN, UserRole.EDITOR)

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Revision(Model):
    """A full snapshot of a story, exemplar or commendation at one save."""

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40), index=True)
    object_id: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class TrashItem(Model):
    """A deleted record, kept whole until an admin purges it (editors can restore it)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __str__(self) -> str:
        return self.label


class AuditLog(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")


def _unknown_code_hash() -> str:
    """A code hash nobody holds the code of (a nomination entered other than by the public form)."""
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


nomination_photos = Table(
    "nomination_photo",
    db.metadata,
    Column("nomination_id", ForeignKey("nomination.id", ondelete="CASCADE"), primary_key=True),
    Column("asset_id", ForeignKey("media_asset.id"), primary_key=True),
)
Index("ix_nomination_photo_asset_id", nomination_photos.c.asset_id)


class Nomination(Model):
    """A citizen's tip about a good deed; contact data is private to the board (editors and
    admins) and erased PRIVATE_DATA_DAYS after the nomination closes (services/nominations.py)."""

    __table_args__ = (
        Index("ix_nomination_status", "status", "created_at"),
        Index("ix_nomination_nominee_key", "nominee_key", "locality_id"),
        Index("ix_nomination_closed_at", "closed_at"),
        UniqueConstraint("code_hash", name="uq_nomination_code_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    nominee_name: Mapped[str] = mapped_column(String(200))
    nominee_kind: Mapped[ExemplarKind] = mapped_column(
        enum_column(ExemplarKind), default=ExemplarKind.INDIVIDUAL, server_default="individual"
    )
    # the name folded as the site's search folds it: likely duplicates share it (and the locality)
    nominee_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    deed: Mapped[str] = mapped_column(Text)
    deed_when: Mapped[str] = mapped_column(String(200), default="", server_default="")
    why: Mapped[str] = mapped_column(Text, default="", server_default="")
    evidence: Mapped[str] = mapped_column(Text, default="", server_default="")
    links: Mapped[str] = mapped_column(Text, default="", server_default="")  # one address a line
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    consented_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[NominationStatus] = mapped_column(
        enum_column(NominationStatus), default=NominationStatus.NEW
    )
    public_reply: Mapped[str] = mapped_column(Text, default="", server_default="")
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")  # internal notes: the board's only
    # sha256 of the tracking code (the code itself is shown once, to the nominator)
    code_hash: Mapped[str] = mapped_column(String(64), default=_unknown_code_hash)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime)  # contact data erased
    exemplar_id: Mapped[int | None] = mapped_column(ForeignKey("exemplar.id", ondelete="SET NULL"))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("story.id", ondelete="SET NULL"))

    locality: Mapped[Locality | None] = relationship()
    exemplar: Mapped[Exemplar | None] = relationship()
    story: Mapped[Story | None] = relationship()
    photos: Mapped[list[MediaAsset]] = relationship(secondary=nomination_photos, order_by="MediaAsset.id")

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def __str__(self) -> str:
        return self.nominee_name


class InfoRequest(Model):
    """A request to remove or correct what the site says about a person ("Yêu cầu gỡ bỏ / chỉnh
    sửa thông tin"). The requester's contact data is private to the board, exactly like a
    nominator's, and erased PRIVATE_DATA_DAYS after the request closes (services/info_requests.py)."""

    __table_args__ = (
        Index("ix_info_request_status", "status", "created_at"),
        Index("ix_info_request_closed_at", "closed_at"),
        Index("ix_info_request_story_id", "story_id"),
        Index("ix_info_request_exemplar_id", "exemplar_id"),
        UniqueConstraint("code", name="uq_info_request_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # a reference shown once to the requester, to quote on the phone (no public page shows it)
    code: Mapped[str] = mapped_column(String(12))
    kind: Mapped[InfoRequestKind] = mapped_column(enum_column(InfoRequestKind))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("story.id", ondelete="SET NULL"))
    exemplar_id: Mapped[int | None] = mapped_column(ForeignKey("exemplar.id", ondelete="SET NULL"))
    details: Mapped[str] = mapped_column(Text)  # what is wrong, or why it should go
    requester_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[InfoRequestRelation] = mapped_column(enum_column(InfoRequestRelation))
    contact_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    consented_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[InfoRequestStatus] = mapped_column(
        enum_column(InfoRequestStatus), default=InfoRequestStatus.NEW, server_default="new"
    )
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # internal: the board's only
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime)  # contact data erased

    story: Mapped[Story | None] = relationship()
    exemplar: Mapped[Exemplar | None] = relationship()
    handled_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:  # the code as the requester reads it (contacts.show_code)
        return "Yêu cầu " + "-".join((self.code or "")[i : i + 4] for i in range(0, len(self.code or ""), 4))


class CoverageItem(Versioned, Model):
    """A newspaper, TV or radio piece that used a story."""

    __table_args__ = (Index("ix_coverage_item_story_id", "story_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("story.id", ondelete="CASCADE"))
    outlet: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000), default="")
    published_on: Mapped[date] = mapped_column(Date)
    medium: Mapped[CoverageMedium] = mapped_column(enum_column(CoverageMedium))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # a partner's entry is public only once an editor approves it; an editor's is approved at once
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    story: Mapped[Story] = relationship(back_populates="coverage")

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class Consultation(Versioned, Model):
    """A public consultation on award candidates (Decree 98/2023/NĐ-CP, Art. 46): the list is
    published for the people's comments for N working days before the council meets
    (services/consultations.py computes the closing time, showcase/workdays.py the days)."""

    __table_args__ = (Index("ix_consultation_status", "status", "opens_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    award: Mapped[str] = mapped_column(String(300))  # e.g. "Huân chương Lao động hạng Ba"
    proposing_body: Mapped[str] = mapped_column(String(300))
    intro: Mapped[str] = mapped_column(Text, default="", server_default="")
    opens_on: Mapped[date] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    closes_at: Mapped[datetime] = mapped_column(DateTime)  # naive UTC: the end of the last working day
    status: Mapped[ConsultationStatus] = mapped_column(
        enum_column(ConsultationStatus), default=ConsultationStatus.DRAFT, server_default="draft"
    )
    decision: Mapped[str] = mapped_column(String(300), default="", server_default="")  # shown once decided
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    candidates: Mapped[list[ConsultationCandidate]] = relationship(
        back_populates="consultation",
        order_by="(ConsultationCandidate.position, ConsultationCandidate.id)",
        cascade="all, delete-orphan",
    )
    coverage: Mapped[list[ConsultationCoverage]] = relationship(
        back_populates="consultation",
        order_by="(ConsultationCoverage.published_on.desc(), ConsultationCoverage.id)",
        cascade="all, delete-orphan",
    )

    def __str__(self) -> str:
        return self.title


class ConsultationCandidate(Versioned, Model):
    """One individual or collective proposed for the award."""

    __table_args__ = (
        Index("ix_consultation_candidate_consultation_id", "consultation_id", "position"),
        Index("ix_consultation_candidate_locality_id", "locality_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kind: Mapped[ExemplarKind] = mapped_column(enum_column(ExemplarKind), default=ExemplarKind.INDIVIDUAL)
    name: Mapped[str] = mapped_column(String(200))
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"))
    role: Mapped[str] = mapped_column(String(300), default="", server_default="")  # position, unit
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")  # achievements
    exemplar_id: Mapped[int | None] = mapped_column(ForeignKey("exemplar.id", ondelete="SET NULL"))
    # the award given, once decided: the candidate then links to /khen-thuong/<code>
    commendation_id: Mapped[int | None] = mapped_column(ForeignKey("commendation.id", ondelete="SET NULL"))

    consultation: Mapped[Consultation] = relationship(back_populates="candidates")
    locality: Mapped[Locality] = relationship()
    exemplar: Mapped[Exemplar | None] = relationship()
    commendation: Mapped[Commendation | None] = relationship()
    comments: Mapped[list[ConsultationComment]] = relationship(
        back_populates="candidate", order_by="ConsultationComment.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.name


class ConsultationComment(Model):
    """A citizen's comment on a candidate. Private to the board (editors and admins): the name,
    phone, email and address hash are erased PRIVATE_DATA_DAYS after the consultation closed."""

    __table_args__ = (
        Index("ix_consultation_comment_candidate_id", "candidate_id", "created_at"),
        Index("ix_consultation_comment_name_key", "candidate_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("consultation_candidate.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    content: Mapped[str] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    status: Mapped[CommentStatus] = mapped_column(
        enum_column(CommentStatus), default=CommentStatus.COUNTED, server_default="counted"
    )
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # the board's only
    # what likely duplicates share: the name folded, and a hash of the content folded
    name_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    content_key: Mapped[str] = mapped_column(String(64), default="", server_default="")
    ip_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    purged_at: Mapped[datetime | None] = mapped_column(DateTime)  # contact data erased

    candidate: Mapped[ConsultationCandidate] = relationship(back_populates="comments")

    def __str__(self) -> str:
        return f"Ý kiến số {self.id}"


class ConsultationCoverage(Model):
    """Where the newspaper or the broadcaster ran the list of candidates."""

    __table_args__ = (Index("ix_consultation_coverage_consultation_id", "consultation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    outlet: Mapped[str] = mapped_column(String(200))
    medium: Mapped[CoverageMedium] = mapped_column(enum_column(CoverageMedium))
    published_on: Mapped[date] = mapped_column(Date)
    url: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="coverage")

    def __str__(self) -> str:
        return f"{self.outlet} ({self.medium.label})"
