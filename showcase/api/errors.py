"""The API's errors: JSON `{"error": {"code": …, "message": "<Vietnamese>"}}`, whatever failed.

web.py's error handlers hand every error of a path under /api/ here, so an unknown address, a
wrong method, a NUL byte or a bad filter value answer in JSON like the API's own errors, while
the site's and the admin panel's error pages stay HTML.
"""

from __future__ import annotations

import json

from flask import current_app, request
from werkzeug.wrappers import Response

PREFIX = "/api/"

CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    410: "gone",
    413: "payload_too_large",
    414: "uri_too_long",
    429: "too_many_requests",
    500: "server_error",
}
MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền truy cập địa chỉ này.",
    404: "Không tìm thấy: địa chỉ này không có hoặc nội dung chưa được công bố.",
    405: "Phương thức này không được hỗ trợ: API chỉ cho đọc (GET, HEAD, OPTIONS).",
    410: "Nội dung này đã bị thu hồi.",
    429: "Bạn gửi quá nhiều yêu cầu; hãy đợi một lúc rồi thử lại.",
    500: "Hệ thống gặp sự cố khi xử lý yêu cầu; xin thử lại sau ít phút.",
}
OTHER_MESSAGE = "Yêu cầu này không thực hiện được."


def is_api_request() -> bool:
    """Tell whether the current request is for the API (its errors are JSON)."""
    return request.path == PREFIX.rstrip("/") or request.path.startswith(PREFIX)


def json_response(data: object) -> Response:
    """JSON as UTF-8 text (Vietnamese readable as it is), keys in the schemas' order."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, mimetype="application/json")


def error_body(code: int, message: str | None = None, **extra: object) -> dict:
    """The body of an error response."""
    error = {
        "code": CODES.get(code, f"http_{code}"),
        "message": message or MESSAGES.get(code, OTHER_MESSAGE),
    }
    return {"error": error | extra}


def json_error(code: int, message: str | None = None, **extra: object) -> tuple[Response, int]:
    """An error response of the API with this status and a Vietnamese message."""
    response = json_response(error_body(code, message, **extra))
    response.headers["Cache-Control"] = "no-store"
    return response, code
