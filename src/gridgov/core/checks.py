"""Start checks of gridgov (Django system checks: they run before serve, worker, demo, migrate and any
other command that checks; tests call them directly)."""

from django.core.checks import Error, register
from django.db import DatabaseError


@register()
def data_key_matches(app_configs=None, **kwargs):
    """GRIDGOV_DATA_KEY is the key this database's personal data are encrypted under (core.crypto)."""
    from django.conf import settings

    from . import crypto

    try:
        problem = crypto.key_problem()
    except DatabaseError:  # no database yet, or not migrated: migrate records the fingerprint
        return []
    if not problem:
        return []
    origin = getattr(settings, "DATA_KEY_ORIGIN", "env")
    if origin == "created":
        # Nothing was encrypted under the key just made (encrypt() refuses it too): it goes, so it is never
        # taken, or backed up, for the key of this database.
        (settings.VAR_DIR / "data.key").unlink(missing_ok=True)
    hint = {
        "env": "请检查环境变量 GRIDGOV_DATA_KEY。 / Check the environment variable GRIDGOV_DATA_KEY.",
        "file": "var/data.key 不是原来的密钥文件：请恢复备份。 / var/data.key is not the original key file: "
                "restore the backup.",
        "created": "var/data.key 原文件丢失；本次启动生成的新密钥读不了已加密的数据，已删除：请恢复备份的 var/data.key "
                   "或设置 GRIDGOV_DATA_KEY。 / var/data.key was missing; the key generated in its place cannot read "
                   "the encrypted data and has been removed: restore the backed-up var/data.key or set "
                   "GRIDGOV_DATA_KEY.",
    }.get(origin)
    return [Error(problem, hint=hint, id="gridgov.E001")]
