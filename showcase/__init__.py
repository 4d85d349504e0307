"""Gương sáng Hải Phòng: the public showcase of Hai Phong's exemplars and good deeds."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from showcase import config
from showcase.extensions import db, migrate


def create_app(settings: dict | None = None) -> Flask:
    """Build the application; `settings` override what the environment gives."""
    app = Flask(
        __name__,
        instance_path=str(config.PROJECT_ROOT / "instance"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.load(Path(app.instance_path), settings))
    init_requestlog(app)  # first: its id is there for every hook, its line written after all of them
    init_db(app)
    init_media(app)
    init_search(app)
    init_compress(
        app
    )  # before the hooks below: its after_request then runs after theirs, on the finished response
    init_web(app)
    init_static(app)
    init_pagecache(app)
    init_site(app)
    init_outreach(app)
    init_health(app)
    init_api(app)
    init_admin(app)
    init_cli(app)
    if app.config.get("PROXY_FIX"):
        hops = app.config["PROXY_FIX"]
        proxied = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]  # the documented way to add middleware
    return app


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def init_requestlog(app: Flask) -> None:
    from showcase import requestlog, web

    requestlog.init_logging(app)
    web.init_request_log(app)


def init_health(app: Flask) -> None:
    from showcase import health

    health.init_health(app)


def init_db(app: Flask) -> None:
    from showcase import models  # noqa: F401  (registers the tables on db.metadata)
    from showcase.generation import init_generation, init_session_hooks
    from showcase.services import changes, records

    db.init_app(app)
    records.init_hooks(db.session)
    changes.init_hooks(db.session)
    init_session_hooks(db.session)
    init_generation(app)
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def init_media(app: Flask) -> None:
    from showcase.media.storage import Storage

    app.extensions["storage"] = Storage(Path(app.config["MEDIA_ROOT"]))


def init_search(app: Flask) -> None:
    from showcase.search import init_search as attach

    attach(app)


def init_web(app: Flask) -> None:
    from showcase.web import init_web as attach

    attach(app)


def init_static(app: Flask) -> None:
    from showcase.static_files import init_static as attach

    attach(app)


def init_compress(app: Flask) -> None:
    from showcase.extensions import compress

    compress.init_app(app)


def init_pagecache(app: Flask) -> None:
    from showcase.pagecache import init_pagecache as attach

    attach(app)


def init_site(app: Flask) -> None:
    from showcase.site import init_site as register

    register(app)


def init_outreach(app: Flask) -> None:
    from showcase.outreach import init_outreach as register

    register(app)


def init_api(app: Flask) -> None:
    from showcase.api import init_api as register

    register(app)


def init_admin(app: Flask) -> None:
    from showcase.admin import init_admin as attach

    attach(app)


def init_cli(app: Flask) -> None:
    from showcase.cli import register

    register(app)
