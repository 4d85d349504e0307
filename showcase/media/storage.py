"""One class for media files: local folder by default, content-addressed names."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
        return self._write(data, extension)[0]

    def _write(self, data: bytes, extension: str) -> tuple[str, bool]:
        """Store bytes atomically; return their key and whether this call created the file.

        A failure (OSError: unwritable folder, full disk) leaves no file behind: the bytes go to
        a temporary file in the same folder, renamed into place only once completely written."""
        key = self.key_for(data, extension)
        path = self.path(key)
        if path.exists():
            return key, False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key, True

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Save several files as one: if the block raises, every file it created is removed
        (files that already existed, shared with other images, are left alone)."""
        batch = Batch(self)
        try:
            yield batch
        except BaseException:
            batch.undo()
            raise

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


class Batch:
    """The files one upload created (see `Storage.batch`)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.created: list[str] = []

    def save(self, data: bytes, extension: str) -> str:
        """Store bytes like `Storage.save`, remembering the file if this call created it."""
        key, created = self.storage._write(data, extension)
        if created:
            self.created.append(key)
        return key

    def undo(self) -> None:
        """Remove the files this batch created; a file that cannot be removed is skipped."""
        for key in reversed(self.created):
            with suppress(OSError):  # the folder became unwritable: nothing more can be done here
                self.storage.delete(key)
        self.created.clear()
