"""The front-end libraries' files that pages use, from the npm packages pinned in package-lock.json.

Only these files are served and collected (a library's dist folder also holds sources, source maps and
builds nobody loads: echarts alone is 51 MB), so collectstatic stays quick and nothing unused ships.
"""

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.files: dict[str, str] = {}  # served name -> absolute path
        self.storages: dict[str, FileSystemStorage] = {}
        root = settings.NODE_MODULES
        for prefix, package_dir, names in settings.STATIC_VENDOR_FILES:
            base = root / package_dir
            if not base.is_dir():
                continue
            storage = FileSystemStorage(location=str(base))
            storage.prefix = prefix
            for name in names:
                if (base / name).is_file():
                    self.files[f"{prefix}/{name}"] = str(base / name)
                    self.storages.setdefault(prefix, storage)
        self._names = {prefix: [n for n in names if (root / d / n).is_file()]
                       for prefix, d, names in settings.STATIC_VENDOR_FILES}

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        found = self.files.get(path)
        if not found:
            return []  # what Django's own finders answer (None would count as a match)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for prefix, storage in self.storages.items():
            for name in self._names.get(prefix, []):
                yield name, storage
