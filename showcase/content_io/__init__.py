"""The content/ format: seed, bulk loading, backup and restore.

spec (keys, lengths, the error), reader (read and check a directory into a Bundle, no
writes), importer (apply a Bundle through the services; dry runs), exporter (write the
database back out under generated names).
"""

from showcase.content_io.exporter import export_content
from showcase.content_io.importer import Importer, Outcome, Report, import_content
from showcase.content_io.reader import Bundle, Entry, ImageFile, database_is_empty, read_bundle
from showcase.content_io.spec import ContentError
from showcase.services.site_settings import is_sample_data, set_sample_data

__all__ = [
    "Bundle",
    "ContentError",
    "Entry",
    "ImageFile",
    "Importer",
    "Outcome",
    "Report",
    "database_is_empty",
    "export_content",
    "import_content",
    "is_sample_data",
    "read_bundle",
    "set_sample_data",
]
