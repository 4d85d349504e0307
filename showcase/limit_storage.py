"""Where rate-limit counters live: Redis when configured (shared by every worker and node),
else this process's memory. One builder for the login limits and the API's limits."""

from __future__ import annotations

from limits.storage import Storage, storage_from_string


def limit_storage(uri: str, prefix: str, scope: str) -> Storage:
    """The counters' storage for `uri`; in Redis under keys of our own (`<prefix>:<scope>…`, so a
    reset clears only them), and an unreachable server costs a second at most."""
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return storage_from_string(  # type: ignore[return-value]
            uri,
            wrap_exceptions=True,
            key_prefix=f"{prefix}:{scope}",
            socket_connect_timeout=1,
            socket_timeout=1,
        )
    return storage_from_string(uri, wrap_exceptions=True)  # type: ignore[return-value]
