"""How every API operation is declared, answered and described.

`@operation(...)` is the one place an endpoint names its path, query parameters, response
schema and errors: the wrapper loads the query string through the query schema (a bad value
is a Vietnamese 400), dumps the view's dict through the response schema, and spec.py builds
the OpenAPI document from the same registry. Every API response then gets CORS headers, a
weak ETag (304 on If-None-Match) and Cache-Control; every request counts against the
per-address limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, request, url_for
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from showcase.api import errors as api_errors
from showcase.api.ratelimit import EXTENSION as LIMITS
from showcase.api.ratelimit import ApiLimits
from showcase.api.serialize import absolute
from showcase.site import paging

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")

PUBLIC_CACHE = "public, max-age=0, must-revalidate"  # keep a copy, ask every time: never stale
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": (
        "ETag, Link, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
    ),
    "Access-Control-Max-Age": "86400",
}


@dataclass
class Operation:
    """One GET endpoint as the document describes it."""

    endpoint: str
    rule: str
    summary: str
    description: str
    tag: str
    response: type[Schema] | None  # None: not JSON (the docs page)
    query: type[Schema] | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    errors: tuple[int, ...] = (400, 429)
    example: str = ""  # a query string or path for the docs' curl example
    media_type: str = "application/json"


OPERATIONS: list[Operation] = []


def load_query(schema: type[Schema]) -> dict[str, Any]:
    """The query string through `schema`: empty values count as absent; a bad one is a 400."""
    raw = {k: v for k, v in request.args.items() if v.strip()}
    try:
        return schema().load(raw)
    except ValidationError as exc:
        messages = exc.normalized_messages()
        name = sorted(messages)[0] if isinstance(messages, dict) else ""
        found = messages.get(name) if isinstance(messages, dict) else messages
        text = found[0] if isinstance(found, list) and found else str(found)
        abort(400, description=f"Tham số “{name}”: {text}" if name else str(text))


def operation(
    rule: str,
    *,
    summary: str,
    description: str,
    tag: str,
    response: type[Schema] | None,
    query: type[Schema] | None = None,
    path_params: dict[str, str] | None = None,
    errors: tuple[int, ...] = (400, 429),
    example: str = "",
    media_type: str = "application/json",
) -> Callable:
    """Declare a GET endpoint: its view receives the loaded query (if any) and path values and
    returns a dict for `response` (or a ready Response)."""

    def decorate(view: Callable) -> Callable:
        endpoint = view.__name__

        @wraps(view)
        def view_answer(**values: Any) -> Any:
            if query is not None:
                values["params"] = load_query(query)
            result = view(**values)
            if isinstance(result, Response | tuple) or response is None:
                return result
            answer = api_errors.json_response(response().dump(result))
            if isinstance(result.get("links"), dict):
                answer.headers["Link"] = link_header(result["links"])
            return answer

        bp.add_url_rule(rule, endpoint=endpoint, view_func=view_answer, methods=["GET"])
        OPERATIONS.append(
            Operation(
                endpoint,
                rule,
                summary,
                description,
                tag,
                response,
                query,
                path_params or {},
                errors,
                example,
                media_type,
            )
        )
        return view_answer

    return decorate


# --- pages ----------------------------------------------------------------------------------


def page_links(page: paging.Page, names: list[str]) -> dict:
    """Absolute links to this, the first, last, next and previous page, keeping the filters."""
    kept = {k: v for k, v in request.args.items() if k in names and k != "page" and v.strip()}
    values = {**(request.view_args or {}), **kept}

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        return absolute(url_for(request.endpoint or "api.stories", **values, page=number))

    return {
        "self": link(page.page),
        "first": link(1),
        "last": link(page.pages),
        "next": link(page.next_num),
        "prev": link(page.prev_num),
    }


def envelope(page: paging.Page, items: list[dict], query: type[Schema]) -> dict:
    """A page of items with its counts and links."""
    return {
        "data": items,
        "meta": {"page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages},
        "links": page_links(page, list(query().fields)),
    }


def link_header(links: dict) -> str:
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url and rel != "self")


# --- every request and response -------------------------------------------------------------


@bp.before_request
def rate_limit() -> Response | None:
    """before_request (the API's routes): count this address; past the limit, a JSON 429."""
    if request.method == "OPTIONS":
        return None
    limits: ApiLimits | None = current_app.extensions.get(LIMITS)
    if limits is None:
        return None
    verdict = limits.hit(current_app.config["API_RATE_LIMITS"], request.remote_addr or "unknown")
    request.environ["showcase.api_limit"] = verdict
    if verdict.allowed:
        return None
    response, _ = api_errors.json_error(429)
    response.status_code = 429
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


def etag_of(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def finish(response: Response) -> Response:
    """after_request (every path under /api/): CORS, limits, validators and caching."""
    if not api_errors.is_api_request():
        return response
    for name, value in CORS_HEADERS.items():
        response.headers[name] = value
    verdict = request.environ.get("showcase.api_limit")
    if verdict is not None:
        response.headers["X-RateLimit-Limit"] = str(verdict.limit)
        response.headers["X-RateLimit-Remaining"] = str(max(verdict.remaining, 0))
        response.headers["X-RateLimit-Reset"] = str(verdict.reset)
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        response.set_etag(etag_of(response.get_data()), weak=True)
        response.headers["Cache-Control"] = PUBLIC_CACHE
        response = response.make_conditional(request)
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response
