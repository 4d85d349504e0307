"""Whoosh's segments read from the memory map, not from a copy of it.

Whoosh maps each segment file and hands out `BufferFile`s over slices of the map, but a
`BufferFile` reads through `BytesIO(slice)`, and BytesIO copies its buffer: every worker ends
up holding a private copy of every segment's terms and postings (some 120 MB per worker at
10,000 stories). `ViewFile` reads the slice in place, so the pages stay the kernel's, shared by
every worker and kept warm by the page cache. Installed once, at import (Whoosh-Reloaded 2.7.5,
pinned in requirements.txt).
"""

from __future__ import annotations

import os

from whoosh.filedb import compound, structfile


class View:
    """The little of a binary file StructFile asks of its `file`, over a buffer, copying nothing."""

    def __init__(self, buf) -> None:
        self.buf = memoryview(buf)
        self.pos = 0
        self.size = len(self.buf)

    def read(self, n: int | None = -1) -> bytes:
        start = self.pos
        end = self.size if n is None or n < 0 else min(start + n, self.size)
        self.pos = end
        return self.buf[start:end].tobytes()

    def readline(self, limit: int = -1) -> bytes:
        end = self.size if limit is None or limit < 0 else min(self.pos + limit, self.size)
        rest = self.buf[self.pos : end].tobytes()
        cut = rest.find(b"\n")
        line = rest if cut < 0 else rest[: cut + 1]
        self.pos += len(line)
        return line

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            pos += self.pos
        elif whence == os.SEEK_END:
            pos += self.size
        self.pos = max(0, pos)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """Nothing to free: the map belongs to the segment's storage, which closes it."""


class ViewFile(structfile.BufferFile):
    """A BufferFile whose reads go straight to the map."""

    def __init__(self, buf, name=None, onclose=None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = View(buf)

    def subset(self, position, length, name=None):
        return ViewFile(self._buf[position : position + length], name=name or self._name)


def install() -> None:
    """Make Whoosh's compound segments hand out ViewFiles (idempotent)."""
    compound.BufferFile = ViewFile  # the name CompoundStorage.open_file looks up
