"""Static files under hashed names, gzip-compressed, cached for a year (whitenoise's compressed manifest).

`gridgov serve` runs collectstatic, which writes the hashed copies and their .gz next to them under
STATIC_ROOT; whitenoise serves those with `Cache-Control: max-age=31536000, immutable`. Without a
collection (tests, a checkout that never served) or for a file changed since the last one, a page links
the plain name instead, which whitenoise serves from the source through the finders (short caching):
a stale manifest never hands out an old copy of a file that has since changed.
"""

import os

from django.contrib.staticfiles import finders
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False
    # CSS url()s are rewritten to hashed names; JS source-map comments are left alone (the maps are not served).
    patterns = tuple(p for p in CompressedManifestStaticFilesStorage.patterns if p[0] == "*.css")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._checked: dict[str, bool] = {}

    def _collected_is_current(self, name: str) -> bool:
        """The collected plain copy is the source file as it is now (same size, not older)."""
        if name not in self._checked:
            current = False
            source = finders.find(name)
            try:
                collected = self.path(name)
                if source and os.path.exists(collected):
                    a, b = os.stat(source), os.stat(collected)
                    current = a.st_size == b.st_size and a.st_mtime <= b.st_mtime + 1
            except (OSError, NotImplementedError):
                current = False
            self._checked[name] = current
        return self._checked[name]

    def stored_name(self, name):
        clean = name.split("?", 1)[0].split("#", 1)[0]
        hashed = self.hashed_files.get(self.hash_key(clean))
        if hashed is None or not self._collected_is_current(clean):
            return name
        return super().stored_name(name)
