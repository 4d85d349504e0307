"""The one error services raise for a person's mistake; its message is Vietnamese."""


class ServiceError(ValueError):
    """Refused: the message says why, in words an editor understands."""


class StaleError(ServiceError):
    """Someone else saved the record after this person opened it."""

    def __init__(self, record: object) -> None:
        super().__init__(
            "Người khác đã lưu bản ghi này sau khi bạn mở nó. Nội dung bạn vừa viết vẫn ở dưới đây: "
            "hãy đối chiếu (xem «Lịch sử sửa đổi») rồi bấm Lưu lần nữa."
        )
        self.record = record
