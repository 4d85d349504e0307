"""The public consultation on award candidates: /lay-y-kien (the list), /lay-y-kien/<slug> (one
consultation with its candidates, countdown and comment form), the announcement for the press
(text and a small zip). Works without JavaScript; `services.consultations` checks and writes.

Comments are private to the board: no page here shows one, not even a count.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from showcase import announce, press
from showcase.extensions import db, limiter
from showcase.models import Consultation, ConsultationCandidate, ConsultationStatus, Exemplar, utcnow
from showcase.services import consultations, transaction
from showcase.services.errors import ServiceError
from showcase.site.nominate import HONEYPOT
from showcase.site.views import bp
from showcase.visibility import consultation_is_public, has_published_story

FIELDS = ("candidate_id", "name", "phone", "email", "content")
SENT = "consultation_sent"  # session key: the slug of the consultation just commented on


def _comment_limit() -> str:
    return current_app.config["CONSULTATION_COMMENT_LIMITS"]


def public_consultations() -> list[Consultation]:
    """Every public consultation: open ones first (closing soonest first), then the others,
    newest first."""
    now = utcnow()
    still_open = (Consultation.status == ConsultationStatus.OPEN) & (Consultation.closes_at > now)
    rows = db.session.scalars(
        select(Consultation)
        .where(consultation_is_public())
        .options(selectinload(Consultation.candidates).selectinload(ConsultationCandidate.locality))
        .order_by(
            case((still_open, 0), else_=1),
            case((still_open, Consultation.closes_at), else_=None),
            Consultation.opens_on.desc(),
            Consultation.id.desc(),
        )
    )
    return list(rows)


def public_by_slug(slug: str) -> Consultation:
    found = db.session.scalar(
        select(Consultation).where(Consultation.slug == slug[:120], consultation_is_public())
    )
    if found is None:
        abort(404)
    return found


def _public_exemplars(consultation: Consultation) -> set[int]:
    """The candidates whose exemplar has a public page (one with a published story)."""
    linked = {c.exemplar_id: c.id for c in consultation.candidates if c.exemplar_id is not None}
    if not linked:
        return set()
    shown = db.session.scalars(select(Exemplar.id).where(Exemplar.id.in_(linked), has_published_story()))
    return {linked[i] for i in shown}


def _page(
    consultation: Consultation,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    refused: str = "",
):
    now = utcnow()
    page = render_template(
        "site/consultation.html",
        consultation=consultation,
        phase=consultations.phase(consultation, now),
        accepting=consultations.accepts_comments(consultation, now),
        countdown=consultations.countdown(consultation, now),
        last_day=consultations.last_day(consultation),
        Status=ConsultationStatus,
        announcement=announce.announcement(consultation),
        values=values,
        errors=errors,
        refused=refused,
        contact=press.contact(),
        public_exemplars=_public_exemplars(consultation),
    )
    return page, status


@bp.get("/lay-y-kien")
def consultations_list():
    now = utcnow()
    items = public_consultations()
    return render_template(
        "site/consultations.html",
        items=[
            (c, consultations.phase(c, now), consultations.countdown(c, now), consultations.last_day(c))
            for c in items
        ],
        Status=ConsultationStatus,
    )


@bp.get("/lay-y-kien/<slug>")
def consultation(slug: str):
    item = public_by_slug(slug)
    chosen = request.args.get("ung-vien", "")
    return _page(item, {"candidate_id": chosen if chosen.isdigit() and len(chosen) < 10 else ""}, {})


@bp.post("/lay-y-kien/<slug>")
@limiter.limit(_comment_limit)
def consultation_comment(slug: str):
    item = public_by_slug(slug)
    form = request.form
    values: dict[str, Any] = {name: form.get(name, "") for name in FIELDS}
    values["consent"] = form.get("consent") == "yes"
    if form.get(HONEYPOT):  # a robot: told what a person is told, nothing kept
        session[SENT] = item.slug
        return redirect(url_for("site.consultation_sent", slug=item.slug), 303)
    try:
        with transaction():
            consultations.add_comment(item, values, address=request.remote_addr or "")
    except consultations.CommentInvalid as exc:
        return _page(item, values, exc.errors, 422)
    except ServiceError as exc:  # closed, or not open yet
        return _page(item, values, {}, 409, refused=str(exc))
    session[SENT] = item.slug
    return redirect(url_for("site.consultation_sent", slug=item.slug), 303)


@bp.get("/lay-y-kien/<slug>/da-gui")
def consultation_sent(slug: str):
    item = public_by_slug(slug)
    if session.pop(SENT, None) != item.slug:
        return redirect(url_for("site.consultation", slug=item.slug))
    response = current_app.make_response(render_template("site/consultation_sent.html", consultation=item))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/lay-y-kien/<slug>/thong-bao.txt")
def consultation_announcement(slug: str):
    item = public_by_slug(slug)
    response = Response(announce.announcement(item), mimetype="text/plain")
    response.headers["Content-Disposition"] = f'inline; filename="{announce.file_stem(item)}-thong-bao.txt"'
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/lay-y-kien/<slug>/bao-chi.zip")
def consultation_pack(slug: str):
    item = public_by_slug(slug)
    response = Response(announce.pack(item), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{announce.file_stem(item)}-bao-chi.zip"'
    response.headers["Cache-Control"] = "no-cache"
    return response
