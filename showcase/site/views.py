"""Public pages: parse the request, ask queries.py, render a template."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from showcase import press
from showcase import search as search_engine
from showcase.extensions import db
from showcase.models import Exemplar, Field, Locality, Movement, Story, StoryStatus, story_movements, utcnow
from showcase.services import preview as preview_links
from showcase.site import params, queries, register, search_view
from showcase.site import press_room as press_room_query

bp = Blueprint("site", __name__, template_folder="templates")

MAX_ID = 2**31 - 1  # ids in a URL are compared with INTEGER columns
LIST_OPTIONS = (selectinload(Story.cover), selectinload(Story.locality), selectinload(Story.field))


def paginate(stmt, per_page: int | None = None):
    """Paginate a query by ?trang=N; a page that is not there is a 404, a value that is no number a 400."""
    page = params.page_number()
    return db.paginate(stmt, page=page, per_page=per_page or current_app.config["PER_PAGE"], error_out=True)


def by_slug(model, slug: str):
    return db.first_or_404(select(model).filter_by(slug=slug))


@bp.get("/")
def home():
    featured = db.session.scalars(
        queries.published_stories().where(Story.featured).options(*LIST_OPTIONS).limit(3)
    ).all()
    featured_ids = [s.id for s in featured]
    latest = db.session.scalars(
        queries.published_stories().where(Story.id.not_in(featured_ids)).options(*LIST_OPTIONS).limit(6)
    ).all()
    movement_counts = queries.story_counts(story_movements.c.movement_id, story_movements)
    field_counts = queries.story_counts(Story.field_id)
    return render_template(
        "site/home.html",
        featured=featured,
        latest=latest,
        movements=db.session.scalars(select(Movement).order_by(Movement.start_year.desc())).all(),
        fields=db.session.scalars(select(Field).order_by(Field.name)).all(),
        movement_counts=movement_counts,
        field_counts=field_counts,
        figures=queries.figures(),
    )


@bp.get("/bai-viet")
def stories():
    page = paginate(queries.published_stories().options(*LIST_OPTIONS))
    return render_template("site/stories.html", page=page)


@bp.get("/bai-viet/<slug>")
def story(slug: str):
    item = queries.story_by_slug(slug) or abort(404)
    public = queries.public_exemplar_ids(e.id for e in item.exemplars)
    return render_template(
        "site/story.html", story=item, related=queries.related_stories(item), public_exemplars=public
    )


@bp.get("/bai-viet/<slug>/bao-chi.zip")
def press_pack(slug: str):
    item = queries.story_by_slug(slug) or abort(404)
    response = send_file(
        press.pack_path(item),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{item.slug}-bao-chi.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-cache"  # revalidate: the pack follows the story
    return response


@bp.get("/bao-chi")
def press_room():
    chosen = press_room_query.read_filter()
    page = paginate(press_room_query.stories(chosen))
    embargoed: Sequence[Story] = []
    if current_user.is_authenticated:  # partners and editors prepare what is coming
        embargoed = press_room_query.embargoed()
    return render_template(
        "site/press.html",
        page=page,
        chosen=chosen,
        sizes={s.id: press.human_size(press.pack_size(s)) for s in page.items},
        movement_choices=press_room_query.movement_choices(),
        year_choices=press_room_query.year_choices(),
        embargoed=[(s, preview_links.make_token(s)) for s in embargoed],
        contact=press.contact(),
    )


@bp.get(f"/bao-chi/cam-dang/<int(max={MAX_ID}):story_id>.zip")  # a larger id is a 404, not an overflow
@login_required
def embargoed_pack(story_id: int):
    """The pack of a story scheduled for later: for logged-in partners and editors only."""
    item = db.session.get(Story, story_id)
    if (
        item is None
        or item.status != StoryStatus.IN_REVIEW
        or not item.publish_at
        or item.publish_at <= utcnow()
    ):
        abort(404)
    response = send_file(
        press.pack_path(item),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{item.slug}-bao-chi-cam-dang.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/xem-truoc/<token>")
def preview(token: str):
    """A draft exactly as its public page will look, for whoever holds a signed link."""
    item = preview_links.story_for(token)
    if item is None:
        abort(404)
    return preview_response(item)


def preview_response(item: Story) -> Response:
    """Render the public story page for a story that is not (yet) public: noindex, no-store."""
    public = queries.public_exemplar_ids(e.id for e in item.exemplars)
    html = render_template("site/story.html", story=item, related=[], public_exemplars=public, preview=True)
    response = Response(html)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/dien-hinh")
def exemplars():
    page = paginate(queries.public_exemplars().options(selectinload(Exemplar.portrait)))
    return render_template("site/exemplars.html", page=page)


@bp.get("/dien-hinh/<slug>")
def exemplar(slug: str):
    item = queries.exemplar_by_slug(slug) or abort(404)
    page = paginate(queries.stories_of_exemplar(item).options(*LIST_OPTIONS))
    return render_template("site/exemplar.html", exemplar=item, page=page)


@bp.get("/phong-trao")
def movements():
    items = db.session.scalars(select(Movement).order_by(Movement.start_year.desc())).all()
    counts = queries.story_counts(story_movements.c.movement_id, story_movements)
    return render_template("site/movements.html", movements=items, counts=counts)


@bp.get("/phong-trao/<slug>")
def movement(slug: str):
    item = by_slug(Movement, slug)
    page = paginate(queries.stories_of_movement(item).options(*LIST_OPTIONS))
    return render_template("site/movement.html", movement=item, page=page)


@bp.get("/linh-vuc")
def fields():
    items = db.session.scalars(select(Field).order_by(Field.name)).all()
    return render_template("site/fields.html", fields=items, counts=queries.story_counts(Story.field_id))


@bp.get("/linh-vuc/<slug>")
def field(slug: str):
    item = by_slug(Field, slug)
    page = paginate(queries.stories_of_field(item).options(*LIST_OPTIONS))
    return render_template("site/field.html", field=item, page=page)


@bp.get("/dia-phuong")
def localities():
    units = db.session.scalars(select(Locality).order_by(Locality.name)).all()
    roots = [u for u in units if u.parent_id is None]
    return render_template("site/localities.html", roots=roots)


@bp.get("/dia-phuong/<slug>")
def locality(slug: str):
    item = by_slug(Locality, slug)
    page = paginate(queries.stories_in(queries.locality_scope(item)).options(*LIST_OPTIONS))
    return render_template("site/locality.html", locality=item, page=page)


@bp.get("/khen-thuong")
def commendations():
    try:
        filters = register.parse_filters(request.args)
    except register.BadFilter as exc:
        abort(400, description=str(exc))
    page = paginate(register.query(filters), per_page=current_app.config["REGISTER_PER_PAGE"])
    public = queries.public_exemplar_ids(c.exemplar_id for c in page.items)
    return render_template(
        "site/register.html",
        page=page,
        filters=filters,
        choices=register.choices(),
        public_exemplars=public,
    )


@bp.get("/khen-thuong.csv")
def commendations_csv():
    try:
        filters = register.parse_filters(request.args)
    except register.BadFilter as exc:
        abort(400, description=str(exc))
    rows = db.session.scalars(register.query(filters)).unique().all()
    return Response(
        register.to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=khen-thuong.csv"},
    )


MEDIA_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg|png|webp)$")


@bp.get("/media/<path:key>")
def media(key: str):
    if not MEDIA_KEY.match(key):  # only stored images: never press packs or anything else
        abort(404)
    storage = current_app.extensions["storage"]
    try:
        path = storage.path(key)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # names are content hashes
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/tim-kiem")
def search():
    text, filters, sort, page_number = search_view.read_request()
    results = search_engine.search(text, filters, sort, page_number, search_view.per_page())
    pages = max(1, -(-results.total // search_view.per_page()))
    if results.total and page_number > pages:
        abort(404)
    page_info = search_view.PageInfo(page_number, pages, results.total)
    return render_template(
        "site/search.html",
        q=text,
        results=results,
        hits=search_view.hydrate(results),
        groups=search_view.facet_groups(results, filters),
        filters=filters,
        sort=sort,
        page=page_info,
        rebuilding=results.unavailable or search_engine.is_rebuilding(),
    )


@bp.get("/tim-kiem/goi-y")
def search_suggestions():
    items = search_engine.suggest(request.args.get("q", ""))
    response = jsonify({"q": request.args.get("q", "")[:100], "suggestions": items})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
