"""One class for media files: local folder by default, content-addressed names."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class Storage:
    """Keep files under `root` with names derived from their content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def key_for(data: bytes, extension: str) -> str:
        """Return the content-addressed key (`ab/abcdef….jpg`) for these bytes."""
        digest = hashlib.sha256(data).hexdigest()
        return f"{digest[:2]}/{digest}.{extension}"

    def save(self, data: bytes, extension: str) -> str:
        """Store bytes atomically and return their key; storing the same bytes twice is a no-op."""
        key = self.key_for(data, extension)
        path = self.path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return key

    def path(self, key: str) -> Path:
        """Return the local path of a key, refusing keys that leave the root."""
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"khóa tệp không hợp lệ: {key}")
        return path

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)
