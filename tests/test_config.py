"""Settings: safe defaults, SQLite pragmas, a secret key that is never a constant."""

from __future__ import annotations

import multiprocessing

from showcase import config, create_app
from showcase.extensions import db


def test_secret_key_generated_once_and_private(tmp_path):
    first = config.secret_key(tmp_path)
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert config.secret_key(tmp_path) == first
    assert config.secret_key(tmp_path / ".." / tmp_path.name) == first


def test_secret_key_differs_per_instance(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert config.secret_key(tmp_path / "a") != config.secret_key(tmp_path / "b")


def _key_after(barrier, instance, keys) -> None:
    barrier.wait()
    keys.put(config.secret_key(instance))


def test_workers_starting_together_share_one_key(tmp_path):
    # gunicorn's workers start at once on a new machine: each must read the same key, whole
    fork = multiprocessing.get_context("fork")  # the function needs nothing imported anew
    for attempt in range(15):  # the race is narrow: try it a few times
        instance = tmp_path / str(attempt)
        instance.mkdir()
        barrier, keys = fork.Barrier(6), fork.Queue()
        workers = [fork.Process(target=_key_after, args=(barrier, instance, keys)) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        seen = {keys.get(timeout=5) for _ in workers}
        assert len(seen) == 1 and len(seen.pop()) == 64
        assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no drafts left behind


def test_database_url_defaults_and_postgres_driver(tmp_path):
    assert config.database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'showcase.sqlite3'}"
    assert config.database_url("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert config.database_url("postgres://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"


def test_environment_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("SITE_URL", "https://guongsang.haiphong.gov.vn/")
    monkeypatch.setenv("MEDIA_ROOT", "/srv/media")
    monkeypatch.setenv("SECRET_KEY", "tu-bien-moi-truong")
    settings = config.load(tmp_path)
    assert settings["SITE_URL"] == "https://guongsang.haiphong.gov.vn"
    assert settings["MEDIA_ROOT"] == "/srv/media"
    assert settings["SECRET_KEY"] == "tu-bien-moi-truong"
    assert not (tmp_path / "secret_key").exists()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with app.app_context():
        db.engine.dispose()


def test_bad_number_setting_is_one_line(monkeypatch, tmp_path):
    import pytest

    monkeypatch.setenv("SEARCH_WRITE_TIMEOUT", "mười")
    with pytest.raises(SystemExit) as exit_info:
        config.load(tmp_path, {"SECRET_KEY": "x"})
    assert "SEARCH_WRITE_TIMEOUT" in str(exit_info.value) and "mười" in str(exit_info.value)
