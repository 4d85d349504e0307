"""gunicorn settings for the site: `gunicorn -c gunicorn.conf.py` (what `make run` does).

Workers: `WEB_CONCURRENCY`, else 2 × cores + 1, capped by the memory free now (a worker with
the search index open at 10,000 stories takes about 150 MB; `WORKER_MEMORY_MB` sets the
figure). Each worker opens its own database pool and Whoosh searcher after the fork:
`preload_app` stays off, because neither a pooled connection nor an open index file may be
shared by forked processes. The app writes one JSON line per request with its request id
(showcase/requestlog.py); gunicorn's own access log is off unless `ACCESS_LOG` names a file
or "-", and then carries the same id.
"""

import multiprocessing
import os


def _whole(name: str, default: int, low: int = 1, high: int = 256) -> int:
    raw = os.environ.get(name, str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SystemExit(f"Lỗi: {name} phải là số nguyên từ {low} đến {high} (đang là «{raw}»).")
    return int(raw)


def _workers() -> int:
    by_cores = 2 * multiprocessing.cpu_count() + 1
    per_worker = _whole("WORKER_MEMORY_MB", 150, 32, 65536)
    try:
        free_mb = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (ValueError, OSError):  # no such figure here: trust the cores
        free_mb = by_cores * per_worker
    by_memory = max(1, free_mb // per_worker)
    return _whole("WEB_CONCURRENCY", min(by_cores, by_memory))


wsgi_app = "showcase:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:5000")
workers = _workers()
worker_class = "sync"
timeout = _whole("WORKER_TIMEOUT", 30, 5, 3600)  # a request longer than this is killed and logged
graceful_timeout = 30
keepalive = 5
# a worker is replaced after this many requests (a slow leak never grows without bound)
max_requests = 5000
max_requests_jitter = 500
preload_app = False  # see above: database pools and index files do not survive a fork
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("ACCESS_LOG") or None
access_log_format = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "remote": "%(h)s", '
    '"method": "%(m)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
)
