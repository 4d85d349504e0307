"""Public pages: parse the request, ask queries.py, render a template."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from showcase import press
from showcase import search as search_engine
from showcase.extensions import db
from showcase.models import Field, Movement, Story, StoryStatus, story_movements, utcnow
from showcase.services import preview as preview_links
from showcase.site import charts, listing, memo, paging, params, queries, register, search_view, statistics
from showcase.site import press_room as press_room_query

bp = Blueprint("site", __name__, template_folder="templates")

MAX_ID = 2**31 - 1  # ids in a URL are compared with INTEGER columns


def per_page() -> int:
    """How many items a list page shows."""
    return current_app.config["PER_PAGE"]


def story_page(key, stmt):
    """Page ?trang=N of a story list; a page that is not there is a 404, a value that is no number a 400."""
    return queries.story_page(key, stmt, params.page_number(), per_page())


def by_slug(model, slug: str):
    return db.first_or_404(select(model).filter_by(slug=slug))


@bp.get("/")
def home():
    featured, latest = queries.home_stories()
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


def filtered_list(key: tuple, base: Select, fixed: str | None = None) -> dict:
    """A story list narrowed by the filters in the query string: its page, filters and choices.

    `key` names the list; its order and its filter choices are remembered per filter until the data changes.
    """
    try:
        filters = listing.parse(request.args, fixed)
    except register.BadFilter as exc:
        abort(400, description=str(exc))
    list_key = (*key, tuple(sorted(filters.as_args().items())))
    return {
        "page": story_page(list_key, filters.narrow(base)),
        "filters": filters,
        "filter_groups": memo.remember(("filters", *list_key), lambda: listing.groups(base, filters)),
        "clear_filters_url": listing.clear_url(),
    }


@bp.get("/bai-viet")
def stories():
    return render_template("site/stories.html", **filtered_list(("all",), queries.published_stories()))


@bp.get("/bai-viet/<slug>")
def story(slug: str):
    item = queries.story_by_slug(slug)
    if item is None:
        if queries.hidden_story_exists(slug):
            return render_template("site/hidden.html"), 410
        gone = queries.retracted_story(slug) or abort(404)
        return render_template("site/retracted.html", story=gone), 410
    return render_template("site/story.html", story=item, related=related(item), **story_context(item))


def story_context(item: Story) -> dict:
    """What the story page shows beside the story: which exemplars have a page, their awards."""
    ids = [e.id for e in item.exemplars]
    return {"public_exemplars": queries.public_exemplar_ids(ids), "awards": queries.commendations_of(ids)}


def related(item: Story) -> list[Story]:
    """The "Cùng chủ đề" cards under a story, loaded with what a card shows."""
    return queries.related_stories(item)


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
    page = press_room_query.page(chosen, params.page_number(), per_page())
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
    html = render_template("site/story.html", story=item, related=[], preview=True, **story_context(item))
    response = Response(html)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/dien-hinh")
def exemplars():
    page = queries.exemplar_page(params.page_number(), per_page())
    return render_template("site/exemplars.html", page=page)


@bp.get("/dien-hinh/<slug>")
def exemplar(slug: str):
    item = queries.exemplar_by_slug(slug) or abort(404)
    page = story_page(("exemplar", item.id), queries.stories_of_exemplar(item))
    return render_template("site/exemplar.html", exemplar=item, page=page)


@bp.get("/phong-trao")
def movements():
    items = db.session.scalars(select(Movement).order_by(Movement.start_year.desc())).all()
    counts = queries.story_counts(story_movements.c.movement_id, story_movements)
    return render_template("site/movements.html", movements=items, counts=counts)


@bp.get("/phong-trao/<slug>")
def movement(slug: str):
    item = by_slug(Movement, slug)
    stories = filtered_list(("movement", item.id), queries.stories_of_movement(item), fixed="movement")
    return render_template("site/movement.html", movement=item, **stories)


@bp.get("/linh-vuc")
def fields():
    items = db.session.scalars(select(Field).order_by(Field.name)).all()
    return render_template("site/fields.html", fields=items, counts=queries.story_counts(Story.field_id))


@bp.get("/linh-vuc/<slug>")
def field(slug: str):
    item = by_slug(Field, slug)
    stories = filtered_list(("field", item.id), queries.stories_of_field(item), fixed="field")
    return render_template("site/field.html", field=item, **stories)


@bp.get("/dia-phuong")
def localities():
    return render_template("site/localities.html", roots=queries.locality_tree())


@bp.get("/dia-phuong/<slug>")
def locality(slug: str):
    item = queries.locality_by_slug(slug) or abort(404)
    stories = filtered_list(
        ("locality", item.id), queries.stories_in(queries.locality_scope(item)), fixed="locality"
    )
    return render_template("site/locality.html", locality=item, **stories)


@bp.get("/khen-thuong")
def commendations():
    try:
        filters = register.parse_filters(request.args)
    except register.BadFilter as exc:
        abort(400, description=str(exc))
    page = register.page(filters, params.page_number(), current_app.config["REGISTER_PER_PAGE"])
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


def statistics_year() -> int | None:
    try:
        return statistics.parse_year(request.args.get("nam"))
    except statistics.BadYear as exc:
        abort(400, description=str(exc))


@bp.get("/thong-ke", endpoint="statistics")
def statistics_page():
    stats = statistics.statistics(statistics_year())
    drawings = {c.slug: charts.draw(c) for c in stats.charts}
    return render_template("site/statistics.html", stats=stats, drawings=drawings, years=statistics.years())


@bp.get("/thong-ke/<chart>.csv")
def statistics_csv(chart: str):
    year = statistics_year()
    found = statistics.statistics(year).chart(chart) or abort(404)
    name = f"thong-ke-{found.slug}" + (f"-{year}" if year else "")  # each year's file keeps its own name
    return Response(
        statistics.to_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}.csv"},
    )


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for this address whatever the page says."""
    response = send_file(Path(current_app.static_folder or "static") / "favicon.ico", max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


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
    page_info = paging.Page([], page_number, search_view.per_page(), results.total)
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
