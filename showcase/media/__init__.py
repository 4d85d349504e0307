"""Images: checks, storage and (later) renditions. Only this package touches image files."""
