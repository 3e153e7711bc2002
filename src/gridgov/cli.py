"""The `gridgov` console script: Django's management commands plus ours (serve, demo, import, ...)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gridgov", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
