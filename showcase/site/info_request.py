"""The public "Yêu cầu gỡ bỏ / chỉnh sửa thông tin" form (/yeu-cau-go-bo), linked from every story
and exemplar page.

Works without JavaScript, like the nomination form it shares its machinery with (the honeypot,
the per-address limit, the contact checks and the reference code): a form that cannot be
accepted comes back (422) with everything typed still there and each problem beside its field.
Views parse and render; `services.info_requests` checks and writes.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for

from showcase.extensions import limiter
from showcase.models import Exemplar, InfoRequestKind, InfoRequestRelation, Story
from showcase.services import info_requests, transaction
from showcase.services.contacts import new_code, show_code
from showcase.site.nominate import HONEYPOT
from showcase.site.views import bp

SENT = "info_request_sent"  # session key: the reference shown once on the page after the form
ABOUT = "info_request_about"  # session key: what the request was about, to link back to it
STORY_ARG, EXEMPLAR_ARG = "bai-viet", "dien-hinh"


def _submit_limit() -> str:
    return current_app.config["INFO_REQUEST_LIMITS"]


def _form(values: dict, errors: dict, story: Story | None, exemplar: Exemplar | None, status: int = 200):
    page = render_template(
        "site/info_request.html",
        values=values,
        errors=errors,
        story=story,
        exemplar=exemplar,
        kinds=list(InfoRequestKind),
        relations=list(InfoRequestRelation),
    )
    response = current_app.make_response((page, status))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _subject(args) -> tuple[Story | None, Exemplar | None]:
    return info_requests.subject(str(args.get(STORY_ARG, "")), str(args.get(EXEMPLAR_ARG, "")))


@bp.get("/yeu-cau-go-bo")
def info_request():
    story, exemplar = _subject(request.args)
    return _form({}, {}, story, exemplar)


@bp.post("/yeu-cau-go-bo")
@limiter.limit(_submit_limit)
def info_request_post():
    form = request.form
    values: dict[str, Any] = {name: form.get(name, "") for name in info_requests.FIELDS}
    values["consent"] = form.get("consent") == "yes"
    if form.get(HONEYPOT):  # a robot: it is told what a person is told, nothing is kept
        session[SENT] = new_code()
        return redirect(url_for("site.info_request_sent"), 303)
    story, exemplar = _subject(form)
    try:
        with transaction():
            _request, code = info_requests.submit(values, story=story, exemplar=exemplar)
    except info_requests.InfoRequestInvalid as exc:
        return _form(values, exc.errors, story, exemplar, 422)
    session[SENT] = code
    session[ABOUT] = {STORY_ARG: story.slug if story else "", EXEMPLAR_ARG: exemplar.slug if exemplar else ""}
    return redirect(url_for("site.info_request_sent"), 303)


@bp.get("/yeu-cau-go-bo/da-gui")
def info_request_sent():
    code = session.pop(SENT, None)
    about = session.pop(ABOUT, None)
    if not code:
        return redirect(url_for("site.info_request"))
    # a link back to what the request was about, while the public can still see it
    story, exemplar = _subject(about if isinstance(about, dict) else {})
    response = current_app.make_response(
        render_template("site/info_request_sent.html", shown=show_code(code), story=story, exemplar=exemplar)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
