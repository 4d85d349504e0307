"""What a public page tells link previews and search engines: canonical URL, Open Graph and
Twitter-card tags, one JSON-LD graph.

layout.html calls `head()` once. A page says what it is about by setting `seo` (one of the
`for_*` builders below) and `trail` (its breadcrumbs, the same list its breadcrumb bar shows);
a page that sets neither still gets its title, description, canonical URL, the site's default
image, a WebPage node and its BreadcrumbList.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from showcase.models import Commendation, Exemplar, ExemplarKind, Field, Locality, Movement, Story
from showcase.public_names import public_portrait
from showcase.site import sharing, structured


@dataclass
class Seo:
    """What one page says about itself beyond its title and description."""

    og_type: str = "website"
    image: sharing.Image | None = None
    article: dict[str, Any] = field(default_factory=dict)  # article:published_time and the like
    graph: list[dict[str, Any]] = field(default_factory=list)  # the page's own JSON-LD nodes
    own_page_node: bool = False  # graph already holds the node that is the page (article, profile)
    page_type: str = "WebPage"  # otherwise: the schema.org type of the page
    items: list[Story] = field(default_factory=list)  # a list page's stories, in order
    about: dict[str, Any] | None = None  # what a section page is about
    title: str = ""  # the title a shared link shows, when not the page's <title> block


def for_home() -> Seo:
    return Seo(graph=[structured.website(), structured.organization()], title=sharing.SITE_NAME)


def for_story(
    story: Story, public_exemplars: set[int], awards: dict[int, list[Commendation]] | None = None
) -> Seo:
    """A story: an article with its dates, section and tags, its cover, a NewsArticle."""
    article = {
        "published_time": structured.iso(story.published_at),
        "modified_time": structured.iso(story.revised_at or story.published_at),
        "section": story.field.name,
        "tag": [m.name for m in story.movements],
    }
    return Seo(
        og_type="article",
        image=sharing.image_of(story.cover),
        article=article,
        graph=[structured.news_article(story, public_exemplars, awards or {})],
        own_page_node=True,
    )


def for_exemplar(exemplar: Exemplar) -> Seo:
    """An exemplar: a profile page whose main entity is the person or the collective."""
    return Seo(
        og_type="profile" if exemplar.kind == ExemplarKind.INDIVIDUAL else "website",
        image=sharing.image_of(public_portrait(exemplar)),
        graph=[structured.exemplar_page(exemplar)],
        own_page_node=True,
    )


def for_list(items: Iterable[Story] = (), page_type: str = "CollectionPage", about: Any = None) -> Seo:
    """A list of stories (all, a movement's, a field's, a place's, search results), or a page of lists."""
    return Seo(page_type=page_type, items=list(items), about=about)


def about_movement(movement: Movement) -> dict[str, Any]:
    url = structured.page_url("site.movement", slug=movement.slug)
    return structured.thing("Thing", movement.name, url, movement.description)


def about_field(item: Field) -> dict[str, Any]:
    return structured.thing(
        "Thing", item.name, structured.page_url("site.field", slug=item.slug), item.description
    )


def about_locality(locality: Locality) -> dict[str, Any]:
    return structured.thing(
        "AdministrativeArea", locality.full_name, structured.page_url("site.locality", slug=locality.slug)
    )


@dataclass
class Head:
    """Everything layout.html prints in <head> for one page (text not yet HTML-escaped)."""

    url: str
    title: str
    description: str
    og_type: str
    image: sharing.Image
    article: dict[str, Any]
    jsonld: Markup


def _text(value: Any) -> str:
    """A rendered block (Markup, already escaped) as plain text on one line."""
    text = value.unescape() if isinstance(value, Markup) else str(value or "")
    return " ".join(text.split())


def head(seo: Seo | None, trail: list | None, title: Any, description: Any) -> Head:
    """The canonical URL, Open Graph data and JSON-LD graph of the page being rendered."""
    seo = seo or Seo()
    url = sharing.canonical_url()
    title_text = seo.title or _text(title) or sharing.SITE_NAME
    description_text = _text(description)
    graph = list(seo.graph)
    if not seo.own_page_node:
        graph.append(
            structured.collection(seo.page_type, url, title_text, description_text, seo.items, seo.about)
        )
    graph.append(structured.breadcrumbs(trail or [], title_text, url))
    return Head(
        url=url,
        title=title_text,
        description=description_text,
        og_type=seo.og_type,
        image=seo.image or sharing.default_image(),
        article=seo.article,
        jsonld=structured.script(graph),
    )
