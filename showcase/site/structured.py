"""schema.org JSON-LD: what each page is, for search engines and link previews.

Each builder returns one node (a dict); `script()` puts a page's nodes in one
`<script type="application/ld+json">` as an `@graph`. The data is built here from the records,
never in a template: templates only choose which builder a page calls (see page_meta.py).

JSON-LD is data, not script: the browser never runs it, and the Content-Security-Policy's
`script-src` does not apply to a data block. What matters is that no text in it can end the
element early, so `<`, `>` and `&` are written as JSON escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from flask import current_app, url_for
from markupsafe import Markup

from showcase.dates import format_date, to_local
from showcase.models import Commendation, Exemplar, ExemplarKind, MediaAsset, Story
from showcase.public_names import public_name, public_portrait
from showcase.site import sharing

CONTEXT = "https://schema.org"
LANGUAGE = "vi-VN"
LOGO = "img/logo-512.png"  # made by scripts/make_share_images.py
LOGO_SIZE = 512
# words a byline of an outlet or an office starts with; any other byline is a person's name
ORGANISATION_WORDS = (
    "báo",
    "đài",
    "ban",
    "tạp chí",
    "cổng",
    "trung tâm",
    "sở",
    "ubnd",
    "ủy ban",
    "uỷ ban",
    "hội",
    "văn phòng",
    "phòng",
    "thông tấn",
    "ttxvn",
    "vtv",
)
CREATIVE_COMMONS = re.compile(r"\bCC[ -]?(BY(?:-NC)?(?:-SA|-ND)?)[ -]?(\d\.\d)\b", re.IGNORECASE)
CC_ZERO = re.compile(r"\bCC0\b", re.IGNORECASE)


def script(graph: list[dict[str, Any]]) -> Markup:
    """The one JSON-LD element of a page; `</script>` or `<!--` in any text cannot end it."""
    data = json.dumps({"@context": CONTEXT, "@graph": graph}, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{data}</script>')


def page_url(endpoint: str, **values: Any) -> str:
    return sharing.absolute(url_for(endpoint, **values))


def _home() -> str:
    return sharing.site_url() + "/"


def iso(value: Any) -> str | None:
    """An ISO 8601 time with its offset (Vietnam time), or a date."""
    if value is None:
        return None
    if hasattr(value, "hour"):
        return to_local(value).isoformat()
    return value.isoformat()


def _clean(node: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: schema.org says nothing rather than an empty string."""
    return {k: v for k, v in node.items() if v not in (None, "", [], {})}


# --- the site and its publisher ----------------------------------------------------------------


def organization_id() -> str:
    return _home() + "#to-chuc"


def organization() -> dict[str, Any]:
    """The board, publisher of every story, with its logo and contact."""
    agency = current_app.config["AGENCY"]
    return _clean(
        {
            "@type": "GovernmentOrganization",
            "@id": organization_id(),
            "name": agency["name"],
            "alternateName": sharing.SITE_NAME,
            "url": _home(),
            "logo": {
                "@type": "ImageObject",
                "url": sharing.absolute(url_for("static", filename=LOGO)),
                "contentUrl": sharing.absolute(url_for("static", filename=LOGO)),
                "width": LOGO_SIZE,
                "height": LOGO_SIZE,
                "caption": sharing.SITE_NAME,
            },
            "parentOrganization": {"@type": "GovernmentOrganization", "name": agency["owner"]},
            "email": agency["email"],
            "telephone": agency["phone_tel"],
            "address": {
                "@type": "PostalAddress",
                "streetAddress": agency["address"],
                "addressRegion": "Hải Phòng",
                "addressCountry": "VN",
            },
        }
    )


def publisher_ref() -> dict[str, Any]:
    """The publisher inside another node: its @id, name and logo (readers without @id resolution
    still find what they need)."""
    node = organization()
    return {k: node[k] for k in ("@type", "@id", "name", "url", "logo")}


def website() -> dict[str, Any]:
    """The site, with the search box search engines may offer."""
    return {
        "@type": "WebSite",
        "@id": _home() + "#trang-web",
        "url": _home(),
        "name": sharing.SITE_NAME,
        "inLanguage": LANGUAGE,
        "publisher": {"@id": organization_id()},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": page_url("site.search") + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def web_page(page_type: str, url: str, name: str, description: str) -> dict[str, Any]:
    """The page itself, part of the site (a list, the register, the search results…)."""
    return _clean(
        {
            "@type": page_type,
            "@id": url + "#trang",
            "url": url,
            "name": name,
            "description": description,
            "inLanguage": LANGUAGE,
            "isPartOf": {"@type": "WebSite", "@id": _home() + "#trang-web", "url": _home()},
            "breadcrumb": {"@id": url + "#vi-tri"},
        }
    )


def breadcrumbs(trail: Iterable[tuple[str, str | None]], title: str, url: str) -> dict[str, Any]:
    """The page's breadcrumbs as shown on it: home first, the page itself last."""
    items: list[tuple[str, str]] = [("Trang chủ", _home())]
    for label, href in trail:
        items.append((str(label), sharing.absolute(href) if href else url))
    if len(items) == 1 and url != _home():  # a page with no trail of its own: home › the page
        items.append((title, url))
    return {
        "@type": "BreadcrumbList",
        "@id": url + "#vi-tri",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": label, "item": href}
            for n, (label, href) in enumerate(items, start=1)
        ],
    }


# --- images ----------------------------------------------------------------------------------


def licence_url(licence: str) -> str | None:
    """The URL of a licence named in words ("CC BY 4.0", "CC0") or written as a URL."""
    text = licence.strip()
    if text.startswith(("https://", "http://")) and " " not in text:
        return text
    if match := CREATIVE_COMMONS.search(text):
        return f"https://creativecommons.org/licenses/{match.group(1).lower()}/{match.group(2)}/"
    if CC_ZERO.search(text):
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    return None


def image_object(asset: MediaAsset | None) -> dict[str, Any] | None:
    """A photo with its caption, credit and licence; the press room is where a licence is asked for."""
    image = sharing.image_of(asset)
    if asset is None or image is None:
        return None
    licence = asset.licence or ""
    return _clean(
        {
            "@type": "ImageObject",
            "contentUrl": image.url,
            "url": image.url,
            "width": image.width,
            "height": image.height,
            "encodingFormat": image.type,
            "caption": asset.caption or asset.alt_text,
            "description": asset.alt_text,
            "creditText": asset.credit,
            "copyrightNotice": licence,
            "license": licence_url(licence),
            "acquireLicensePage": page_url("site.press_room"),
            "inLanguage": LANGUAGE,
        }
    )


# --- exemplars, commendations, stories ------------------------------------------------------------


def award_text(commendation: Commendation) -> str:
    """A commendation as one line: the form and its decision."""
    return (
        f"{commendation.form} (Quyết định số {commendation.decision_no} "
        f"ngày {format_date(commendation.decision_date)} của {commendation.issuer})"
    )


def awards(commendations: Iterable[Commendation]) -> list[str]:
    """The commendations in force: a revoked one is no award."""
    return [award_text(c) for c in commendations if not c.is_revoked]


def exemplar_entity(
    exemplar: Exemplar, commendations: Iterable[Commendation] | None, public: bool = True, place: bool = True
) -> dict[str, Any]:
    """A Person (individual) or an Organization (collective), with its awards in force; `place`
    adds where it is (its page has the locality loaded; a story's list of exemplars does not)."""
    person = exemplar.kind == ExemplarKind.INDIVIDUAL
    url = page_url("site.exemplar", slug=exemplar.slug) if public else None
    node: dict[str, Any] = {
        "@type": "Person" if person else "Organization",
        "@id": url + "#dien-hinh" if url else None,
        "name": public_name(exemplar),
        "url": url,
        "description": ", ".join(p for p in (exemplar.role, exemplar.organisation) if p),
        "award": awards(commendations or []),
    }
    if person:
        node["jobTitle"] = exemplar.role
        if exemplar.organisation:
            node["worksFor"] = {"@type": "Organization", "name": exemplar.organisation}
    if place:
        address = {
            "@type": "PostalAddress",
            "addressLocality": exemplar.locality.full_name,
            "addressRegion": "Hải Phòng",
            "addressCountry": "VN",
        }
        if person:
            node["homeLocation"] = {"@type": "Place", "address": address}
        else:
            node["address"] = address
    return _clean(node)


def exemplar_page(exemplar: Exemplar) -> dict[str, Any]:
    """An exemplar's page: a ProfilePage whose main entity is the person or the collective."""
    url = page_url("site.exemplar", slug=exemplar.slug)
    entity = exemplar_entity(exemplar, exemplar.commendations)
    image = image_object(public_portrait(exemplar))
    if image:
        entity["image"] = image
    return _clean(
        {
            "@type": "ProfilePage",
            "@id": url + "#trang",
            "url": url,
            "name": public_name(exemplar),
            "inLanguage": LANGUAGE,
            "isPartOf": {"@type": "WebSite", "@id": _home() + "#trang-web", "url": _home()},
            "dateModified": iso(exemplar.updated_at),
            "mainEntity": entity,
        }
    )


def author(story: Story) -> dict[str, Any]:
    """The byline: an outlet or an office is an Organization, a name a Person; no byline, the board."""
    byline = " ".join(story.byline.split())
    if not byline:
        return {"@type": "GovernmentOrganization", "@id": organization_id(), "name": organization()["name"]}
    folded = byline.lower()
    is_organisation = any(folded == w or folded.startswith(w + " ") for w in ORGANISATION_WORDS)
    return {"@type": "Organization" if is_organisation else "Person", "name": byline}


def news_article(
    story: Story, public_exemplars: set[int], commendations: dict[int, list[Commendation]]
) -> dict[str, Any]:
    """A story: headline, dates, byline, publisher with its logo, cover, the exemplars it is about."""
    url = page_url("site.story", slug=story.slug)
    image = image_object(story.cover)
    node = {
        "@type": "NewsArticle",
        "@id": url + "#bai-viet",
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url, "url": url},
        "headline": story.title,
        "description": story.summary,
        "datePublished": iso(story.published_at),
        "dateModified": iso(story.revised_at or story.published_at),
        "author": [author(story)],
        "publisher": publisher_ref(),
        "image": [image] if image else [],
        "articleSection": story.field.name,
        "keywords": [m.name for m in story.movements],
        "contentLocation": {"@type": "Place", "name": story.locality.full_name},
        "about": [
            exemplar_entity(e, commendations.get(e.id, []), public=e.id in public_exemplars, place=False)
            for e in story.exemplars
        ],
        "inLanguage": LANGUAGE,
        "isAccessibleForFree": True,
        "isPartOf": {"@type": "WebSite", "@id": _home() + "#trang-web", "url": _home()},
    }
    return _clean(node)


def collection(
    page_type: str, url: str, name: str, description: str, items: Iterable[Story], about: Any = None
) -> dict[str, Any]:
    """A list page (or the search results): the page, and what it lists in order as an ItemList."""
    node = web_page(page_type, url, name, description)
    if about:
        node["about"] = about
    urls = [page_url("site.story", slug=s.slug) for s in items]
    if urls:
        node["mainEntity"] = {
            "@type": "ItemList",
            "numberOfItems": len(urls),
            "itemListElement": [
                {"@type": "ListItem", "position": n, "url": u} for n, u in enumerate(urls, start=1)
            ],
        }
    return node


def thing(type_: str, name: str, url: str, description: str = "") -> dict[str, Any]:
    """What a section page is about (a movement, a field, a place)."""
    return _clean({"@type": type_, "name": name, "url": url, "description": description})
