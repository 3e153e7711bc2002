"""whitenoise, plus the files collected after the process started.

whitenoise lists STATIC_ROOT once, when the WSGI application is built; `gridgov serve` builds it before
running collectstatic (and a deployment may collect while the old processes still run). A page links the
hashed names of the new collection (gridgov.web.storage), so a URL under /static/ that the list lacks is
looked up on disk once, inside STATIC_ROOT only, and remembered: served with its .gz and a year's caching
like every collected file.
"""

import os

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.responders import (
    IsDirectoryError,
    MissingFileError,
    NotARegularFileError,
)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    def __call__(self, request):
        url = request.path_info
        if (not self.autorefresh and self.static_root and url.startswith(self.static_prefix)
                and url not in self.files):
            self._collected_since(url)
        return super().__call__(request)

    def _collected_since(self, url):
        if not self.url_is_canonical(url):
            return
        root = os.path.abspath(self.static_root).rstrip(os.path.sep) + os.path.sep
        path = os.path.join(root, url[len(self.static_prefix):])
        if not self.path_is_child_of(path, root) or self.is_compressed_variant(path):
            return
        try:
            self.files[url] = self.get_static_file(path, url)
        except (MissingFileError, IsDirectoryError, NotARegularFileError):
            return
