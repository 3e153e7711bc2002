import sys
from getpass import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.context import acting_as
from gridgov.core.scoping import ROLES
from gridgov.org.actions import OrgError, do_create_user


class Command(BaseCommand):
    help = (
        "Create an account with a role scoped to a region or grid code. For resident and party_member "
        "the account is tied to a person in that node, created if needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--scope", required=True, metavar="CODE", help="A region's or a grid's code.")
        parser.add_argument("--name", default="", help="Name of the person created for resident or party_member.")
        parser.add_argument("--password-stdin", action="store_true",
                            help="Read the password from standard input instead of prompting.")

    def handle(self, *args, **opts):
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        elif sys.stdin.isatty():
            password = getpass(_("Password: "))
            if getpass(_("Password (again): ")) != password:
                raise CommandError(_("The passwords do not match."))
        else:
            password = None  # no way to ask: the account gets no usable password until one is set
        try:
            with acting_as(None):
                user = do_create_user(None, opts["username"], opts["role"], opts["scope"], password=password,
                                      person_name=opts["name"])
        except (OrgError, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("\n".join(messages)) from None
        node = user.scope_node
        self.stdout.write(_("Created %(user)s: %(role)s of %(node)s (%(code)s)") % {
            "user": user.username, "role": user.get_role_display(), "node": node.name, "code": node.code})
