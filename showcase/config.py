"""Settings from environment variables, with safe defaults."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

from limits.errors import ConfigurationError

from showcase import limit_sqlite

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def database_url(raw: str | None, instance_path: Path) -> str:
    """Return a SQLAlchemy URL: the given one (psycopg 3 for PostgreSQL) or the SQLite default."""
    if not raw:
        return f"sqlite:///{instance_path / 'showcase.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def secret_key(instance_path: Path) -> str:
    """Read the secret key kept in instance/, creating it (mode 0600) on first run.

    Several workers may start at once on a new machine: the key is written to a file of this
    process's own, then linked into place, so every process reads the one key that won and
    never a half-written file."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    draft = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    try:
        os.link(draft, path)  # fails if another process got there first: theirs is the key
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def limit_storage_uri(raw: str) -> str:
    """RATELIMIT_STORAGE_URI as given: memory://, redis://…, or sqlite:////path/limits.sqlite;
    anything else stops start-up with one Vietnamese line."""
    uri = raw.strip()
    if not uri:
        return ""
    if uri == "memory://" or uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return uri
    try:
        limit_sqlite.path_of(uri)
    except ConfigurationError:
        raise SystemExit(
            "Lỗi: RATELIMIT_STORAGE_URI phải là memory://, redis://máy-chủ:6379 hoặc "
            f"sqlite:////đường/dẫn/limits.sqlite (đang là «{raw}»)."
        ) from None
    return uri


def _number(raw: str, name: str, high: float, unit: str) -> float:
    """Read a number setting; a bad one stops start-up with one Vietnamese line."""
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= high:
        raise SystemExit(f"Lỗi: {name} phải là {unit} từ 0 đến {high:g} (đang là «{raw}»).")
    return value


# What a state agency's site must show about itself (Decree 42/2022/NĐ-CP): the footer prints
# these. Set them in production; a value left unset is a sample, and the footer marks it so.
AGENCY_SETTINGS = {
    # key: (environment variable, default, whether the default is made up)
    "owner": ("AGENCY_OWNER", "Sở Nội vụ thành phố Hải Phòng", False),
    "name": ("AGENCY_NAME", "Ban Thi đua – Khen thưởng", False),
    "responsible": ("AGENCY_RESPONSIBLE", "Nguyễn Văn Mẫu, Trưởng ban", True),
    "licence": (
        "AGENCY_LICENCE",
        "Số 00/GP-TTĐT do Sở Văn hóa, Thể thao và Du lịch thành phố Hải Phòng cấp ngày 01/01/2026",
        True,
    ),
    "address": ("AGENCY_ADDRESS", "Số 1 đường Mẫu, phường Hồng Bàng, thành phố Hải Phòng", True),
    "phone": ("AGENCY_PHONE", "0225 3 000 000", True),
    "email": ("AGENCY_EMAIL", "lien-he@thiduakhenthuong.example", True),
}


ORIGIN = re.compile(
    r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$"
)


def embed_origins(raw: str) -> list[str]:
    """The partner sites allowed to frame the widget (EMBED_ORIGINS): origins such as
    `https://baohaiphong.vn` or `https://*.haiphong.gov.vn`, separated by spaces or commas.
    Anything else (a path, a bare `*`, a CSP keyword) stops start-up with one Vietnamese line."""
    origins: list[str] = []
    for item in raw.replace(",", " ").split():
        origin = item.strip().rstrip("/").lower()
        if not ORIGIN.match(origin):
            raise SystemExit(
                f"Lỗi: EMBED_ORIGINS chỉ gồm các nguồn dạng https://ten-mien.vn, cách nhau bởi dấu cách "
                f"hoặc dấu phẩy (đang có «{item}»)."
            )
        if origin not in origins:
            origins.append(origin)
    return origins


def agency(env: Any) -> dict[str, Any]:
    """The agency's details from the environment: values, which are samples, the phone for tel:."""
    values: dict[str, Any] = {}
    samples: list[str] = []
    for key, (name, default, made_up) in AGENCY_SETTINGS.items():
        value = " ".join(env.get(name, "").split())
        if not value:
            value = default
            if made_up:
                samples.append(key)
        values[key] = value
    digits = "".join(c for c in values["phone"] if c.isdigit() or c == "+")
    values["phone_tel"] = "+84" + digits[1:] if digits.startswith("0") else digits
    values["samples"] = samples
    return values


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the settings from the environment, then `overrides` (tests pass theirs here)."""
    env = os.environ
    overrides = overrides or {}
    settings: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SEARCH_INDEX_DIR": env.get("SEARCH_INDEX_DIR", str(PROJECT_ROOT / "search_index")),
        # whoosh: an index folder per node; postgresql: search_document rows (several nodes)
        "SEARCH_BACKEND": env.get("SEARCH_BACKEND", "whoosh").strip().lower(),
        "MEDIA_ROOT": env.get("MEDIA_ROOT", str(instance_path / "media")),
        "SITE_URL": env.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SEARCH_WRITE_TIMEOUT": _number(
            env.get("SEARCH_WRITE_TIMEOUT", "10"), "SEARCH_WRITE_TIMEOUT", 3600, "số giây"
        ),
        "AGENCY": agency(env),
        "PER_PAGE": 12,
        "REGISTER_PER_PAGE": 25,
        # the press office shown in the press room and in every press pack
        "PRESS_EMAIL": env.get("PRESS_EMAIL", "bao-chi@thiduakhenthuong.example"),
        "PRESS_PHONE": env.get("PRESS_PHONE", "0225 3 000 000"),
        "PRESS_CONTACT_SAMPLE": not (env.get("PRESS_EMAIL") or env.get("PRESS_PHONE")),
        # the licence of the open-data files (/du-lieu-mo): the register and the story index
        "OPEN_DATA_LICENCE": env.get("OPEN_DATA_LICENCE", "CC BY 4.0"),
        "OPEN_DATA_LICENCE_URL": env.get(
            "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.vi"
        ),
        # partner sites that may frame the widget /nhung/moi-nhat (none: nobody may)
        "EMBED_ORIGINS": embed_origins(env.get("EMBED_ORIGINS", "")),
    }
    log_format = env.get("LOG_FORMAT", "json")
    if log_format not in ("json", "text"):
        raise SystemExit(f"Lỗi: LOG_FORMAT phải là json hoặc text (đang là «{log_format}»).")
    settings.update(
        {
            # one JSON line per request (showcase/requestlog.py); "text" keeps Flask's plain lines
            "LOG_FORMAT": log_format,
            "LOG_REQUESTS": env.get("LOG_REQUESTS", "1") != "0",
            # /readyz: how long a published change may wait for the search index, and the room
            # the media disk must keep (showcase/health.py)
            "READY_INDEX_LAG": _number(
                env.get("READY_INDEX_LAG", "300"), "READY_INDEX_LAG", 86400, "số giây"
            ),
            "READY_MIN_FREE_MB": _number(
                env.get("READY_MIN_FREE_MB", "100"), "READY_MIN_FREE_MB", 10**7, "số MB"
            ),
        }
    )
    if settings["SEARCH_BACKEND"] not in ("whoosh", "postgresql"):
        raise SystemExit(
            f"Lỗi: SEARCH_BACKEND phải là whoosh hoặc postgresql (đang là «{settings['SEARCH_BACKEND']}»)."
        )
    redis_url = env.get("REDIS_URL", "")
    page_cache = env.get("PAGE_CACHE", "redis" if redis_url else "memory")
    if page_cache not in ("memory", "redis", "off") or (page_cache == "redis" and not redis_url):
        raise SystemExit(
            f"Lỗi: PAGE_CACHE phải là memory, redis (cần REDIS_URL) hoặc off (đang là «{page_cache}»)."
        )
    site_https = settings["SITE_URL"].startswith("https://")
    settings.update(
        {
            "REDIS_URL": redis_url,
            # Redis: shared by every worker and node; else a SQLite file shared by the machine's
            # processes (filled in below, beside the database); memory:// only when asked for
            "RATELIMIT_STORAGE_URI": limit_storage_uri(env.get("RATELIMIT_STORAGE_URI", "")) or redis_url,
            "RATELIMIT_HEADERS_ENABLED": True,
            # Redis down or the SQLite file unusable: limits go on in this process's memory (logged)
            # instead of failing requests
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
            "RATELIMIT_SWALLOW_ERRORS": True,
            "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "showcase"),
            # requests to the JSON API from one address (showcase/api/ratelimit.py)
            "API_RATE_LIMITS": env.get("API_RATE_LIMITS", "60 per minute; 1000 per hour"),
            # failed logins for one account from one address
            "LOGIN_LIMITS": env.get("LOGIN_LIMITS", "10 per minute; 50 per hour"),
            # failed logins from one address, whatever the account (guessing across accounts)
            "LOGIN_ADDRESS_LIMITS": env.get("LOGIN_ADDRESS_LIMITS", "30 per minute; 200 per hour"),
            # failed logins for one account from every address, beyond which each attempt waits
            "LOGIN_SLOWDOWN": env.get("LOGIN_SLOWDOWN", "10 per 15 minutes"),
            "LOGIN_SLOWDOWN_MAX_SECONDS": _number(
                env.get("LOGIN_SLOWDOWN_MAX_SECONDS", "2"), "LOGIN_SLOWDOWN_MAX_SECONDS", 10, "số giây"
            ),
            # rendered public pages, keyed by the content generation (showcase/pagecache.py)
            "PAGE_CACHE": page_cache,
            "PAGE_CACHE_TTL": int(
                _number(env.get("PAGE_CACHE_TTL", "3600"), "PAGE_CACHE_TTL", 7 * 86400, "số giây")
            ),
            "PAGE_CACHE_ENTRIES": int(
                _number(env.get("PAGE_CACHE_ENTRIES", "300"), "PAGE_CACHE_ENTRIES", 100000, "số trang")
            ),
            "PAGE_CACHE_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "showcase"),
            # HTML, CSS, JS, JSON, XML, SVG compressed (flask-compress); a proxy in front may do it instead
            "COMPRESS_ALGORITHM": ["br", "gzip"],
            "COMPRESS_STREAMS": False,  # flask-compress 1.25 leaves a streamed body's file open
            "PASSWORD_RESET_HOURS": _number(
                env.get("PASSWORD_RESET_HOURS", "24"), "PASSWORD_RESET_HOURS", 168, "số giờ"
            ),
            "MAX_UPLOAD_BYTES": int(
                _number(env.get("MAX_UPLOAD_MB", "25"), "MAX_UPLOAD_MB", 500, "số MB") * 1048576
            ),
            "MAX_IMAGE_PIXELS": int(
                _number(env.get("MAX_IMAGE_MEGAPIXELS", "60"), "MAX_IMAGE_MEGAPIXELS", 500, "số megapixel")
                * 1e6
            ),
            # nominations (services/nominations.py): contacts erased this many days after closing
            "PRIVATE_DATA_DAYS": int(
                _number(env.get("PRIVATE_DATA_DAYS", "180"), "PRIVATE_DATA_DAYS", 3650, "số ngày")
            ),
            "NOMINATION_LIMITS": env.get("NOMINATION_LIMITS", "5 per 10 minutes; 20 per day"),
            # requests to remove or correct information, per address (showcase/site/info_request.py)
            "INFO_REQUEST_LIMITS": env.get("INFO_REQUEST_LIMITS", "5 per 10 minutes; 20 per day"),
            "NOMINATION_LOOKUP_LIMITS": env.get("NOMINATION_LOOKUP_LIMITS", "20 per minute; 200 per day"),
            # comments on a consultation (/lay-y-kien/<slug>), per address
            "CONSULTATION_COMMENT_LIMITS": env.get(
                "CONSULTATION_COMMENT_LIMITS", "5 per 10 minutes; 30 per day"
            ),
            "NOMINATION_HOLD_DIR": env.get("NOMINATION_HOLD_DIR", ""),  # default: beside MEDIA_ROOT
            "MAIL_URL": env.get("MAIL_URL", ""),  # smtp://user:pass@host:port (none: mail is logged)
            "MAIL_FROM": env.get("MAIL_FROM", "khong-tra-loi@thiduakhenthuong.example"),
            "PROXY_FIX": int(_number(env.get("PROXY_FIX", "0"), "PROXY_FIX", 5, "số lớp proxy")),
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": site_https,
            # no "remember me": a login lasts as long as the browser session (and its epoch)
            "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": False,
            "PREFERRED_URL_SCHEME": "https" if site_https else "http",
            "WTF_CSRF_TIME_LIMIT": 8 * 3600,
            "BABEL_DEFAULT_LOCALE": "vi",
            "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
            "FLASK_ADMIN_SWATCH": "default",
        }
    )
    settings.update(overrides)
    if isinstance(settings["EMBED_ORIGINS"], str):  # an override may be written as in the environment
        settings["EMBED_ORIGINS"] = embed_origins(settings["EMBED_ORIGINS"])
    if not settings.get("NOMINATION_HOLD_DIR"):
        settings["NOMINATION_HOLD_DIR"] = str(Path(settings["MEDIA_ROOT"]).parent / "nomination_hold")
    if not settings.get("RATELIMIT_STORAGE_URI"):
        path = limit_sqlite.default_path(settings["SQLALCHEMY_DATABASE_URI"], instance_path)
        settings["RATELIMIT_STORAGE_URI"] = f"sqlite:///{path}"
    settings.setdefault("MAX_CONTENT_LENGTH", settings["MAX_UPLOAD_BYTES"] + 1024 * 1024)  # 413 beyond it
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = env.get("SECRET_KEY") or secret_key(instance_path)
    return settings
