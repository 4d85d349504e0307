"""Health for a load balancer: `/healthz` (the process answers) and `/readyz` (it can serve).

`/readyz` asks what a page needs: the database answers, the search index is not too far behind
it (`READY_INDEX_LAG` seconds), the media folder takes a file and its disk has room
(`READY_MIN_FREE_MB`). Each check says what it found; any failed check makes the answer 503,
so the balancer sends readers elsewhere while this node catches up.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import func, select, text

from showcase.extensions import db
from showcase.models import Story, utcnow
from showcase.visibility import is_published

bp = Blueprint("health", __name__)

NO_STORE = "no-store"


def _answer(body: dict, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.get("/healthz")
def healthz():
    """The process is up and answers (nothing else is asked: a slow database must not kill it)."""
    return _answer({"status": "ok"})


def check_database() -> dict[str, Any]:
    db.session.execute(text("SELECT 1"))
    return {"ok": True}


def check_search_index() -> dict[str, Any]:
    """How long the newest published change has waited for the index (0 when it is in)."""
    from showcase import search  # the engine is only imported where it is used

    newest = db.session.scalar(select(func.max(Story.updated_at)).where(is_published()))
    indexed = search.watermark()
    if newest is None:
        return {"ok": True, "lag_seconds": 0, "indexed_up_to": indexed}
    behind = indexed is None or indexed < newest.isoformat()
    lag = round((utcnow() - newest).total_seconds(), 1) if behind else 0
    limit = current_app.config["READY_INDEX_LAG"]
    return {"ok": lag <= limit, "lag_seconds": lag, "limit_seconds": limit, "indexed_up_to": indexed}


def check_media() -> dict[str, Any]:
    """The media folder takes a new file (an upload would), and its disk has room."""
    root = Path(current_app.config["MEDIA_ROOT"])
    probe = root / f".readyz-{os.getpid()}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return {"ok": False, "error": f"Không ghi được vào thư mục ảnh: {exc.strerror or exc}"}
    return {"ok": True}


def check_disk() -> dict[str, Any]:
    free_mb = shutil.disk_usage(current_app.config["MEDIA_ROOT"]).free // (1024 * 1024)
    need = current_app.config["READY_MIN_FREE_MB"]
    return {"ok": free_mb >= need, "free_mb": free_mb, "min_free_mb": need}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "search_index": check_search_index,
    "media": check_media,
    "disk": check_disk,
}


def _run(name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # a check that cannot run is a failed check, never a 500
        current_app.logger.warning("readyz: %s failed: %s", name, exc)
        db.session.rollback()
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


@bp.get("/readyz")
def readyz():
    """Whether this node can serve pages now: 200 when every check passes, else 503."""
    results = {name: _run(name, check) for name, check in CHECKS.items()}
    if not results["database"]["ok"]:  # the index check asked the database too: say why once
        results["search_index"] = {"ok": False, "error": "cơ sở dữ liệu không trả lời", "ms": 0}
    ready = all(r["ok"] for r in results.values())
    return _answer({"status": "ok" if ready else "unavailable", "checks": results}, 200 if ready else 503)


def init_health(app: Flask) -> None:
    app.register_blueprint(bp)
