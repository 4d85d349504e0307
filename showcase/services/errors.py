"""The one error services raise for a person's mistake; its message is Vietnamese."""


class ServiceError(ValueError):
    """Refused: the message says why, in words an editor understands."""


class StaleError(ServiceError):
    """Someone else saved the record after this person opened it."""

    def __init__(self, record: object, changed: list[str] | None = None) -> None:
        which = f" (đã đổi: {', '.join(changed)})" if changed else ""
        super().__init__(
            f"Người khác đã lưu bản ghi này sau khi bạn mở nó{which}. Nội dung bạn vừa viết vẫn ở dưới "
            "đây: hãy đối chiếu (xem «Lịch sử sửa đổi»); bấm Lưu lần nữa sẽ ghi đè các thay đổi đó."
        )
        self.record = record
