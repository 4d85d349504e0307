"""Compile our catalogues: `python -m showcase.admin.translations` after editing a .po file."""

from showcase.admin.translations import compile_all

for path in compile_all():
    print(path)
