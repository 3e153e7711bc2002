"""`gridgov open311-key create NAME [--town CODE]` | `list` | `revoke KEY_ID_OR_PREFIX`.

`create` prints the new key on its last line (and nowhere else: only its hash is stored), so a
script can take it with `| tail -n 1`. Without --town the key is for the only town of the server,
or for every town when there are several.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gridgov.core.context import acting_as
from gridgov.open311 import actions
from gridgov.open311.models import ApiKey
from gridgov.org.models import Region


class Command(BaseCommand):
    help = "Issue, list and revoke the API keys of Open311 clients."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        create = sub.add_parser("create", help="Issue a key; the key is printed on the last line.")
        create.add_argument("name", help="Who will use the key.")
        create.add_argument("--town", metavar="CODE", help="The town's region code (the jurisdiction_id).")
        sub.add_parser("list", help="Show the keys (never the keys themselves).")
        revoke = sub.add_parser("revoke", help="Revoke a key at once.")
        revoke.add_argument("key", help="The key's id, its first characters (as `list` shows) or the key itself.")

    def handle(self, *args, **opts):
        with acting_as(None):
            try:
                getattr(self, f"_{opts['command']}")(opts)
            except actions.Open311ActionError as exc:
                raise CommandError(exc.message) from None

    def _create(self, opts):
        towns = Region.objects.filter(level=Region.Level.TOWN)
        if opts["town"]:
            town = towns.filter(code=opts["town"]).first()
            if town is None:
                raise CommandError(_("No town has the code %(code)s.") % {"code": opts["town"]})
        else:
            found = list(towns[:2])
            town = found[0] if len(found) == 1 else None
        key, secret = actions.do_issue_key(None, opts["name"], town)
        where = town.name if town else _("every town")
        self.stdout.write(_("Issued Open311 key %(id)d for %(name)s (%(where)s); it is shown only now:")
                          % {"id": key.pk, "name": key.name, "where": where})
        self.stdout.write(secret)

    def _list(self, opts):
        for key in ApiKey.objects.select_related("town").order_by("pk"):
            state = pgettext("open311 key", "revoked") if key.revoked_at else pgettext("open311 key", "active")
            self.stdout.write(f"{key.pk}\t{key.prefix}…\t{key.name}\t{key.town.code if key.town else '*'}\t{state}")

    def _revoke(self, opts):
        value = opts["key"].strip()
        q = Q(key_hash=actions.hash_key(value))
        if value.isdigit():
            q |= Q(pk=int(value))
        if 8 <= len(value) <= 12:
            q |= Q(prefix__startswith=value)
        found = list(ApiKey.objects.filter(q)[:2])
        if len(found) != 1:
            raise CommandError(_("No single key matches %(value)s.") % {"value": value})
        key = actions.do_revoke_key(None, found[0])
        self.stdout.write(_("Revoked Open311 key %(id)d (%(name)s).") % {"id": key.pk, "name": key.name})
