"""Serve the site through gunicorn: `python -m showcase.serve [gunicorn options]` (`make run`).

gunicorn reads `WEB_CONCURRENCY` itself when it is imported, before gunicorn.conf.py runs, and
dies with a traceback on a value that is not a number; this checks it first and stops with one
line. Every other setting is checked by gunicorn.conf.py.
"""

from __future__ import annotations

import os
import sys

MOST_WORKERS = 256


def check_environment() -> str | None:
    """The one-line error for a bad WEB_CONCURRENCY, or None when it is absent or sound."""
    raw = os.environ.get("WEB_CONCURRENCY")
    if raw is None or (raw.isdigit() and 1 <= int(raw) <= MOST_WORKERS):
        return None
    return f"Lỗi: WEB_CONCURRENCY phải là số nguyên từ 1 đến {MOST_WORKERS} (đang là «{raw}»)."


def main() -> None:
    error = check_environment()
    if error:
        sys.exit(error)
    from gunicorn.app.wsgiapp import run  # imported only now: its import reads WEB_CONCURRENCY

    sys.argv[0] = "gunicorn"
    sys.exit(run())


if __name__ == "__main__":
    main()
