"""Where rate-limit counters live: Redis when configured (shared by every worker and node), else
a SQLite file shared by every process on the machine (showcase/limit_sqlite.py), or this
process's memory when `memory://` is asked for. One builder for the login limits and the API's."""

from __future__ import annotations

from limits.storage import Storage, storage_from_string

from showcase import limit_sqlite


def limit_storage(uri: str, prefix: str, scope: str) -> Storage:
    """The counters' storage for `uri`, under keys of our own (`<prefix>:<scope>…`, so a reset
    clears only them). An unreachable Redis or an unusable file costs a second at most; its errors
    come as `StorageError`, which the callers answer by counting in memory."""
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return storage_from_string(  # type: ignore[return-value]
            uri,
            wrap_exceptions=True,
            key_prefix=f"{prefix}:{scope}",
            socket_connect_timeout=1,
            socket_timeout=1,
        )
    if uri.startswith(f"{limit_sqlite.SCHEME}:"):
        return limit_sqlite.SQLiteStorage(
            uri, wrap_exceptions=True, key_prefix=f"{prefix}:{scope}", timeout=1.0
        )
    return storage_from_string(uri, wrap_exceptions=True)  # type: ignore[return-value]
