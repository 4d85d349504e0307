"""The public nomination form (/de-xuat) and its tracking page (/de-xuat/<code>).

Works without JavaScript: a form that cannot be accepted comes back (422) with everything typed
still there, each problem beside its field, and the photos held server-side under a token the
form carries. Views parse and render; `services.nominations` checks and writes.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, send_file, session, url_for

from showcase.extensions import limiter
from showcase.models import ExemplarKind, NominationStatus
from showcase.services import nominations, transaction
from showcase.services.errors import ServiceError
from showcase.site.views import bp
from showcase.visibility import story_is_public

FIELDS = ("nominee_name", "nominee_kind", "locality_id", *nominations.TEXT_FIELDS[1:])
HONEYPOT = "website"  # a field people never see: a value in it is a robot's
SENT = "nomination_sent"
BAD_CODE = (
    "Mã theo dõi gồm 12 chữ và số, ví dụ ABCD-EFGH-JKMN (không có chữ O, I, L và số 0, 1); "
    "hãy xem lại mã rồi nhập lại ở trang Đề xuất việc tốt."
)  # session key: the code shown once on the page after the form


def _submit_limit() -> str:
    return current_app.config["NOMINATION_LIMITS"]


def _lookup_limit() -> str:
    return current_app.config["NOMINATION_LOOKUP_LIMITS"]


def _form(values: dict, errors: dict, token: str, status: int = 200):
    page = render_template(
        "site/nominate.html",
        values=values,
        errors=errors,
        token=token,
        held=nominations.held(token) if token else [],
        kinds=list(ExemplarKind),
        localities=nominations.public_localities(),
        max_photos=nominations.MAX_PHOTOS,
        max_photo_mb=nominations.MAX_PHOTO_BYTES // (1024 * 1024),
        max_total_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
    )
    return page, status


@bp.get("/de-xuat")
def nominate():
    return _form({"nominee_kind": ExemplarKind.INDIVIDUAL.value}, {}, "")


@bp.post("/de-xuat")
@limiter.limit(_submit_limit)
def nominate_post():
    form = request.form
    values: dict[str, Any] = {name: form.get(name, "") for name in FIELDS}
    values["consent"] = form.get("consent") == "yes"
    if form.get(HONEYPOT):  # a robot: it is told what a person is told, nothing is kept
        session[SENT] = nominations.new_code()
        return redirect(url_for("site.nomination_sent"), 303)
    token = form.get("hold", "")
    if not nominations.HOLD_TOKEN.match(token):
        token = nominations.new_hold_token()
    errors: dict[str, str] = {}
    removed = {int(n) for n in form.getlist("remove_photo") if n.isdigit() and len(n) < 4}
    if removed:
        nominations.drop_held(token, removed)
    uploads = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(nominations.held(token)) + len(uploads) > nominations.MAX_PHOTOS:
        errors["photos"] = f"Tối đa {nominations.MAX_PHOTOS} ảnh; hãy bỏ bớt ảnh."
        uploads = uploads[: max(0, nominations.MAX_PHOTOS - len(nominations.held(token)))]
    problems = []
    for upload in uploads:
        try:
            nominations.hold(token, upload.read(nominations.MAX_PHOTO_BYTES + 1), upload.filename or "")
        except ServiceError as exc:
            problems.append(str(exc))
    if problems:
        errors["photos"] = " ".join(problems)
    _clean, field_errors = nominations.check(values)
    errors = field_errors | errors
    if errors:
        return _form(values, errors, token, 422)
    try:
        with transaction():
            nomination, code = nominations.submit(values, nominations.held_photos(token))
    except nominations.NominationInvalid as exc:
        return _form(values, exc.errors, token, 422)
    nominations.drop_held(token)
    nominations.send_confirmation(
        nomination, code, url_for("site.nomination_status", code=code, _external=True)
    )
    session[SENT] = code
    return redirect(url_for("site.nomination_sent"), 303)


@bp.get("/de-xuat/da-gui")
def nomination_sent():
    code = session.pop(SENT, None)
    if not code:
        return redirect(url_for("site.nominate"))
    response = current_app.make_response(
        render_template("site/nomination_sent.html", code=code, shown=nominations.show_code(code))
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/de-xuat/tra-cuu")
@limiter.limit(_lookup_limit)
def nomination_lookup():
    code = nominations.clean_code(request.args.get("ma", ""))
    if not code:
        abort(400, description=BAD_CODE)
    return redirect(url_for("site.nomination_status", code=code))


@bp.get("/de-xuat/<code>")
@limiter.limit(_lookup_limit)
def nomination_status(code: str):
    nomination = nominations.find_by_code(code)
    if nomination is None:
        abort(404)
    story = nomination.story if nomination.story is not None and story_is_public(nomination.story) else None
    response = current_app.make_response(
        render_template(
            "site/nomination_status.html",
            nomination=nomination,
            shown=nominations.show_code(nominations.clean_code(code)),
            story=story,
            Status=NominationStatus,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/de-xuat/anh-giu/<token>/<int(max=99):number>.jpg")
def nomination_held_photo(token: str, number: int):
    """The thumbnail of a photo held for the retry of a form (only whoever holds the token)."""
    path = nominations.held_thumbnail(token, number)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
