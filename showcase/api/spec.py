"""The OpenAPI 3.1 document, built from the registry of operations (http.OPERATIONS) and the
marshmallow schemas that also dump the responses: nothing here is written by hand twice."""

from __future__ import annotations

import json
import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from showcase.api import schemas
from showcase.api.errors import CODES, MESSAGES
from showcase.api.http import CORS_HEADERS, OPERATIONS, Operation, bp

VERSION = "1.0.0"
ERROR_RESPONSES = {
    400: ("BadRequest", "Tham số không hợp lệ (thông báo nói tham số nào và vì sao)", schemas.Error),
    404: ("NotFound", "Không có, hoặc chưa công khai", schemas.Error),
    410: ("Gone", "Bài viết đã bị thu hồi: tiêu đề, thời điểm và lý do công khai", schemas.Gone),
    429: ("TooManyRequests", "Quá nhiều yêu cầu từ một địa chỉ; đợi theo Retry-After", schemas.Error),
}
CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
DESCRIPTION = (
    "API chỉ đọc của Gương sáng Hải Phòng: bài viết đã đăng, điển hình, sổ khen thưởng, phong trào, "
    "lĩnh vực, địa phương và tìm kiếm. Tên trường tiếng Anh, không đổi trong phiên bản v1; thời điểm "
    "theo ISO 8601 với múi giờ Việt Nam (+07:00), ngày theo YYYY-MM-DD; mọi địa chỉ là tuyệt đối. "
    "Lỗi trả về JSON với thông báo tiếng Việt."
)


def openapi_path(rule: str) -> str:
    """Flask's `/stories/<slug>` as OpenAPI's `/api/v1/stories/{slug}`."""
    return CONVERTER.sub(r"{\1}", (bp.url_prefix or "") + rule)


def _headers() -> dict:
    return {
        "ETag": {
            "description": "Mã phiên bản của câu trả lời (gửi lại trong If-None-Match)",
            "schema": {"type": "string"},
        },
        "Cache-Control": {"description": "public, max-age=0, must-revalidate", "schema": {"type": "string"}},
        "Access-Control-Allow-Origin": {"description": "CORS: mọi nguồn", "schema": {"type": "string"}},
        "X-RateLimit-Limit": {
            "description": "Số yêu cầu được phép trong cửa sổ chặt nhất",
            "schema": {"type": "string"},
        },
        "X-RateLimit-Remaining": {"description": "Số yêu cầu còn lại", "schema": {"type": "string"}},
    }


def _operation(op: Operation) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "description": text,
            "schema": {"type": "string", "minLength": 1},
        }
        for name, text in op.path_params.items()
    ]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    content: dict[str, Any]
    if op.response is not None:
        content = {op.media_type: {"schema": op.response}}
    elif op.media_type == "text/html":
        content = {"text/html": {"schema": {"type": "string"}}}
    else:
        content = {op.media_type: {"schema": {"type": "object"}}}
    responses: dict[str | int, Any] = {
        200: {"description": "Thành công", "headers": _headers(), "content": content},
        304: {"description": "Không đổi so với bản có ETag trong If-None-Match"},
    }
    for code in op.errors:
        responses[code] = ERROR_RESPONSES[code][0]
    return {
        "operationId": op.endpoint,
        "summary": op.summary,
        "description": op.description,
        "tags": [op.tag],
        "parameters": parameters,
        "responses": responses,
    }


def build() -> APISpec:
    """The document for this app's SITE_URL."""
    spec = APISpec(
        title="API Gương sáng Hải Phòng",
        version=VERSION,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": DESCRIPTION,
            "license": {
                "name": "Nội dung: theo giấy phép ghi ở từng ảnh và bài viết",
                "identifier": "CC-BY-4.0",
            },
        },
        servers=[{"url": current_app.config["SITE_URL"], "description": "Website"}],
    )
    for code, (name, description, schema) in ERROR_RESPONSES.items():
        example = {"error": {"code": CODES[code], "message": MESSAGES.get(code, "")}}
        spec.components.response(
            name,
            {
                "description": description,
                "content": {"application/json": {"schema": schema, "example": example}},
            },
        )
    for op in OPERATIONS:
        spec.path(path=openapi_path(op.rule), operations={"get": _operation(op)})
    return spec


def document() -> dict[str, Any]:
    return build().to_dict()


def document_json() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=1)


__all__ = ["CORS_HEADERS", "build", "document", "document_json", "openapi_path"]
