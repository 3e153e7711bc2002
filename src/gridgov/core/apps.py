from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _record_data_key(using="default", **kwargs):
    """After migrate (and a test flush): the database keeps the data key's fingerprint (core.crypto)."""
    from django.db import DatabaseError

    from . import crypto

    try:
        crypto.key_problem(using, record=True)  # a mismatch is the start check's to report
    except DatabaseError:  # a partial migrate (one app's tables only): the first encryption records it
        pass


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks  # noqa: F401  (registers the start checks)

        post_migrate.connect(_record_data_key, sender=self, dispatch_uid="gridgov.core.data_key")
