"""The docs page: the OpenAPI document read back into what a person needs — each endpoint with
its parameters, a curl line that works on this site, an example answer, and every record type
field by field. Rendered on the server with the site's layout: no script, no CDN."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from showcase.api import spec
from showcase.api.http import OPERATIONS
from showcase.extensions import db
from showcase.models import Exemplar
from showcase.site import queries

EXAMPLE_TIME = "2026-05-19T08:30:00+07:00"
EXAMPLE_DAY = "2026-05-19"
MAX_EXAMPLE_LINES = 60


@dataclass
class Param:
    name: str
    where: str
    type: str
    rule: str
    description: str


@dataclass
class Endpoint:
    anchor: str
    path: str
    summary: str
    description: str
    params: list[Param]
    response: str | None  # a component's name
    errors: list[tuple[int, str]]
    curl: str
    example: str


@dataclass
class Property:
    name: str
    type: str
    ref: str | None
    nullable: bool
    description: str


@dataclass
class Component:
    name: str
    properties: list[Property] = field(default_factory=list)


@dataclass
class Group:
    name: str
    endpoints: list[Endpoint] = field(default_factory=list)


@dataclass
class Doc:
    base: str
    title: str
    description: str
    limits: str
    groups: list[Group]
    components: list[Component]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: dict) -> tuple[str, str | None, bool]:
    """A readable type, the component it names (if any) and whether it may be null."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"]), _ref_name(schema["$ref"]), False
    if "anyOf" in schema:
        refs = [s for s in schema["anyOf"] if "$ref" in s]
        if refs:
            name = _ref_name(refs[0]["$ref"])
            return name, name, True
    types = schema.get("type", "object")
    types = [types] if isinstance(types, str) else list(types)
    nullable = "null" in types
    main = next((t for t in types if t != "null"), "object")
    if main == "array":
        inner, ref, _ = _type(schema.get("items", {}))
        return f"mảng {inner}", ref, nullable
    if main == "object" and isinstance(schema.get("additionalProperties"), dict):
        inner, ref, _ = _type(schema["additionalProperties"])
        return f"đối tượng: tên → {inner}", ref, nullable
    label = {"string": "chuỗi", "integer": "số nguyên", "boolean": "true/false", "object": "đối tượng"}.get(
        main, main
    )
    fmt = schema.get("format")
    if fmt == "date-time":
        label = "thời điểm ISO 8601 (+07:00)"
    elif fmt == "date":
        label = "ngày YYYY-MM-DD"
    elif fmt == "uri":
        label = "địa chỉ URL tuyệt đối"
    if "enum" in schema:
        label += ": " + " | ".join(str(v) for v in schema["enum"])
    return label, None, nullable


def _rule(schema: dict) -> str:
    parts = []
    if "enum" in schema:
        parts.append(" | ".join(str(v) for v in schema["enum"]))
    if "minimum" in schema or "maximum" in schema:
        parts.append(f"{schema.get('minimum', '')}–{schema.get('maximum', '')}")
    if "maxLength" in schema:
        parts.append(f"tối đa {schema['maxLength']} ký tự")
    return "; ".join(parts)


def _example(schema: dict, components: dict, base: str, depth: int = 0) -> Any:
    """A made-up value of this schema (one item per array), for the docs only."""
    if "$ref" in schema:
        return _example(components[_ref_name(schema["$ref"])], components, base, depth)
    if "anyOf" in schema:
        return _example(schema["anyOf"][0], components, base, depth)
    types = schema.get("type", "object")
    main = next((t for t in ([types] if isinstance(types, str) else types) if t != "null"), "object")
    if "enum" in schema:
        return schema["enum"][0]
    if main == "object":
        if depth > 3:
            return {}
        if isinstance(schema.get("additionalProperties"), dict):
            return {
                "movement": [_example(schema["additionalProperties"].get("items", {}), components, base, 9)]
            }
        props = schema.get("properties", {})
        return {name: _example(sub, components, base, depth + 1) for name, sub in props.items()}
    if main == "array":
        return [_example(schema.get("items", {}), components, base, depth + 1)] if depth < 3 else []
    if main == "integer":
        return 1
    if main == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date-time":
        return EXAMPLE_TIME
    if fmt == "date":
        return EXAMPLE_DAY
    if fmt == "uri":
        return base + "/…"
    return "…"


def _pretty(value: Any) -> str:
    lines = json.dumps(value, ensure_ascii=False, indent=2).splitlines()
    if len(lines) > MAX_EXAMPLE_LINES:
        lines = [*lines[:MAX_EXAMPLE_LINES], "  …"]
    return "\n".join(lines)


def _sample_paths() -> dict[str, str]:
    """Real slugs of this site for the examples of endpoints that take one."""
    latest = queries.latest_stories(1)
    exemplar = db.session.scalar(queries.public_exemplars().with_only_columns(Exemplar.slug).limit(1))
    return {
        "story": latest[0].slug if latest else "ten-bai-viet",
        "exemplar": exemplar or "ten-dien-hinh",
    }


UNITS = {"second": "giây", "minute": "phút", "hour": "giờ", "day": "ngày"}


def readable_limits(raw: str) -> str:
    """ "60 per minute; 1000 per hour" as "60 yêu cầu mỗi phút, 1000 yêu cầu mỗi giờ"."""
    parts = []
    for part in raw.replace(",", ";").split(";"):
        words = part.split()
        if len(words) == 3 and words[1] == "per":
            unit = UNITS.get(words[2].rstrip("s"), words[2])
            parts.append(f"{words[0]} yêu cầu mỗi {unit}")
        elif part.strip():
            parts.append(part.strip())
    return ", ".join(parts)


def build() -> Doc:
    """The page's content for this site."""
    document = spec.document()
    components = document["components"]["schemas"]
    base = current_app.config["SITE_URL"]
    samples = _sample_paths()
    by_endpoint = {op.endpoint: op for op in OPERATIONS}
    groups: dict[str, Group] = {}
    for path, item in document["paths"].items():
        get = item["get"]
        op = by_endpoint[get["operationId"]]
        params = []
        for p in get.get("parameters", []):
            kind, _, _ = _type(p.get("schema", {}))
            params.append(
                Param(
                    p["name"],
                    "đường dẫn" if p["in"] == "path" else "chuỗi truy vấn",
                    kind,
                    _rule(p.get("schema", {})),
                    p.get("description", ""),
                )
            )
        ok = get["responses"]["200"]["content"]
        json_schema = ok.get("application/json", {}).get("schema", {})
        response = _ref_name(json_schema["$ref"]) if "$ref" in json_schema else None
        url = base + path
        if "{slug}" in path:
            url = url.replace("{slug}", samples["story" if "stories" in path else "exemplar"])
        elif op.example:
            url += op.example
        example = _pretty(_example(json_schema, components, base)) if response else ""
        errors = [
            (int(code), document["components"]["responses"][_ref_name(r["$ref"])]["description"])
            for code, r in get["responses"].items()
            if isinstance(r, dict) and "$ref" in r
        ]
        endpoint = Endpoint(
            get["operationId"].replace("_", "-"),
            path,
            get["summary"],
            get["description"],
            params,
            response,
            errors,
            f"curl -s '{url}'",
            example,
        )
        groups.setdefault(op.tag, Group(op.tag)).endpoints.append(endpoint)
    described = []
    for name, schema in components.items():
        if "properties" not in schema:
            continue
        component = Component(name)
        required = set(schema.get("required", []))
        for prop, sub in schema["properties"].items():
            label, ref, nullable = _type(sub)
            component.properties.append(
                Property(prop, label, ref, nullable or prop not in required, sub.get("description", ""))
            )
        described.append(component)
    return Doc(
        base,
        document["info"]["title"],
        document["info"]["description"],
        readable_limits(current_app.config["API_RATE_LIMITS"]),
        list(groups.values()),
        described,
    )
