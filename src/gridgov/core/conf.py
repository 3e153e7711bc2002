"""Settings read when used, so tests and a running deployment can change them: the Django setting
of that name if present, else the environment variable, else the app's default. Each app lists its
own names and defaults (cases/conf.py, points/conf.py, open311/conf.py) and reads them through one
Settings object."""

import os

from django.conf import settings


class Settings:
    def __init__(self, defaults: dict[str, str]):
        self.defaults = defaults

    def get(self, name: str) -> str:
        value = getattr(settings, name, None)
        if value is None:
            value = os.environ.get(name)
        if value is None:
            value = self.defaults[name]
        return ",".join(value) if isinstance(value, (list, tuple)) else str(value)

    def get_int(self, name: str) -> int:
        return int(self.get(name))

    def get_float(self, name: str) -> float:
        return float(self.get(name))

    def get_list(self, name: str) -> list[str]:
        return [item.strip() for item in self.get(name).split(",") if item.strip()]
