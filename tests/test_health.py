"""/healthz and /readyz: what a load balancer asks, answered as JSON, never a 500."""

from __future__ import annotations

import pytest

from showcase import create_app
from showcase.extensions import db
from showcase.search import indexing


@pytest.fixture
def settings(app):
    """Change the app's settings for one test, then put them back."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


def test_healthz_answers_without_asking_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_checks_database_index_media_and_disk(client, make_story):
    make_story()
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "search_index", "media", "disk"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["search_index"]["lag_seconds"] == 0
    assert body["checks"]["disk"]["free_mb"] > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_fails_while_the_index_lags_behind_the_database(app, client, make_story, settings):
    story = make_story()
    with app.app_context():
        app.extensions["search"].apply([], [f"story:{story.id}"])  # as if the write after commit was lost
    settings["READY_INDEX_LAG"] = 0
    response = client.get("/readyz")
    check = response.get_json()["checks"]["search_index"]
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert not check["ok"] and check["lag_seconds"] > 0
    settings["READY_INDEX_LAG"] = 10**6  # a long grace: the same lag is tolerated
    assert client.get("/readyz").status_code == 200
    settings["READY_INDEX_LAG"] = 0
    with app.app_context():
        indexing.catch_up()
    assert client.get("/readyz").status_code == 200


def test_readyz_fails_when_media_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings["MEDIA_ROOT"] = str(blocker / "media")
    response = client.get("/readyz")
    media = response.get_json()["checks"]["media"]
    assert response.status_code == 503
    assert not media["ok"] and media["error"].startswith("Không ghi được vào thư mục ảnh")


def test_readyz_fails_when_the_disk_is_nearly_full(client, settings):
    settings["READY_MIN_FREE_MB"] = 10**9
    response = client.get("/readyz")
    disk = response.get_json()["checks"]["disk"]
    assert response.status_code == 503
    assert not disk["ok"] and disk["min_free_mb"] == 10**9


def test_readyz_says_the_database_is_down_without_a_500(tmp_path):
    down = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    client = down.test_client()
    assert client.get("/healthz").status_code == 200  # the process is up
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert not body["checks"]["database"]["ok"]
    assert not body["checks"]["search_index"]["ok"]
    assert body["checks"]["media"]["ok"]
    with down.app_context():
        db.engine.dispose()
