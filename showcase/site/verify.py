"""Every commendation verifiable: its public page by permanent code, its QR code, and the
look-up of a decision by its number as typed.

What the public sees follows the register's rule (site/register.py): every commendation in the
register is public record, revoked ones included, and its exemplar is a link only when the
exemplar has a public page (visibility.has_published_story).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from typing import Any

import segno
from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from showcase import codes
from showcase.extensions import db
from showcase.models import Commendation, Exemplar
from showcase.site import memo, queries
from showcase.site.views import bp

MAX_NUMBER = 100  # the longest decision number a column holds
QR_MAX_AGE = 86400  # a QR code changes only with SITE_URL
DASHES = re.compile(r"[‐‑‒–—―−]")
SPACES = re.compile(r"\s+")

OPTIONS = (
    joinedload(Commendation.exemplar).joinedload(Exemplar.locality),
    joinedload(Commendation.movement),
)


# --- codes and decision numbers ------------------------------------------------------------


def by_code(code: str) -> Commendation | None:
    """The commendation with this (normalised) code, with what its page shows."""
    return db.session.scalar(select(Commendation).where(Commendation.code == code).options(*OPTIONS))


def page_url(code: str) -> str:
    """The page's absolute address (what the QR code holds), built on SITE_URL."""
    return current_app.config["SITE_URL"] + url_for("site.commendation", code=code)


def fold_number(text: str) -> str:
    """A decision number as compared: no tones or marks (Đ → d), lower case, one kind of dash,
    no spaces ("1245 / QĐ-UBND" and "1245/qd-ubnd" are the same)."""
    text = unicodedata.normalize("NFKC", text).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return SPACES.sub("", DASHES.sub("-", text)).lower()


def _decision_index() -> dict[str, tuple[int, ...]]:
    """Folded decision number (awarding or revoking) -> ids of the commendations it names."""
    index: dict[str, list[int]] = {}
    rows = db.session.execute(
        select(Commendation.id, Commendation.decision_no, Commendation.revoked_decision_no).order_by(
            Commendation.id
        )
    )
    for row_id, number, revoking in rows:
        for value in {fold_number(number), fold_number(revoking or "")} - {""}:
            index.setdefault(value, []).append(row_id)
    return {key: tuple(ids) for key, ids in index.items()}


def find_decision(number: str) -> list[Commendation]:
    """The commendations a decision number (as typed) awarded or revoked, newest decision first."""
    ids = memo.remember(("decision-index",), _decision_index).get(fold_number(number), ())
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Commendation)
            .where(Commendation.id.in_(ids))
            .options(*OPTIONS)
            .order_by(Commendation.decision_date.desc(), Commendation.decision_no, Commendation.id)
        ).unique()
    )


# --- QR codes -------------------------------------------------------------------------------


def qr_image(url: str, kind: str) -> bytes:
    """The QR code of a URL as SVG or PNG (medium error correction: a creased certificate reads)."""
    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    if kind == "svg":
        qr.save(
            out,
            kind="svg",
            scale=8,
            border=4,
            light="#fff",
            title="Mã QR xác minh khen thưởng",
            svgclass=None,
        )
    else:
        qr.save(out, kind="png", scale=10, border=4, light="#fff")
    return out.getvalue()


def _file_response(body: bytes, mimetype: str, max_age: int) -> Response:
    response = Response(body, mimetype=mimetype)
    response.set_etag(hashlib.blake2b(body, digest_size=12).hexdigest())
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


# --- pages ----------------------------------------------------------------------------------


def _found_or_canonical(raw: str, endpoint: str, **extra: Any) -> Commendation | Response:
    code = codes.normalise(raw)
    if code is None:
        abort(404)
    if code != raw:  # typed in lower case, with a dash or spaces: the one address
        return redirect(url_for(endpoint, code=code, **extra), 301)
    return by_code(code) or abort(404)


@bp.get("/khen-thuong/tra-cuu")
def decision_lookup():
    if "so" not in request.args:
        return render_template("site/decision_lookup.html", number="", results=None)
    number = unicodedata.normalize("NFC", request.args.get("so", "")).strip()
    if not number:
        return render_template(
            "site/decision_lookup.html",
            number="",
            results=None,
            error="Hãy nhập số quyết định, ví dụ 1245/QĐ-UBND.",
        ), 400
    if len(number) > MAX_NUMBER:
        return render_template(
            "site/decision_lookup.html",
            number="",
            results=None,
            error=f"Số quyết định dài quá {MAX_NUMBER} ký tự; hãy kiểm tra lại.",
        ), 400
    found = find_decision(number)
    if len(found) == 1:
        return redirect(url_for("site.commendation", code=found[0].code))
    typed = fold_number(number)
    # the decision as the register writes it (the awarding or the revoking one the person typed)
    named = dict.fromkeys(
        c.decision_no if fold_number(c.decision_no) == typed else c.revoked_decision_no for c in found
    )
    html = render_template("site/decision_lookup.html", number=number, results=found, named=list(named))
    return (html, 200) if found else (html, 404)


@bp.get("/khen-thuong/<code>")
def commendation(code: str):
    found = _found_or_canonical(code, "site.commendation")
    if isinstance(found, Response):
        return found
    public = queries.public_exemplar_ids([found.exemplar_id])
    return render_template(
        "site/commendation.html",
        commendation=found,
        exemplar_public=found.exemplar_id in public,
        url=page_url(found.code),
    )


@bp.get("/khen-thuong/<code>/qr.<any(svg, png):kind>")
def commendation_qr(code: str, kind: str):
    found = _found_or_canonical(code, "site.commendation_qr", kind=kind)
    if isinstance(found, Response):
        return found
    mimetype = "image/svg+xml" if kind == "svg" else "image/png"
    return _file_response(qr_image(page_url(found.code), kind), mimetype, QR_MAX_AGE)
