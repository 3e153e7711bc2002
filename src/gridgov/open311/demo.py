"""Open311 demo data for the demo town: the services it publishes (all but the sensitive families),
extra fields on two services, one API key for a hotline client and three requests that came in
through it. Idempotent: a second run adds nothing."""

import random

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.cases.models import Category
from gridgov.core.context import acting_as
from gridgov.org.models import Grid

from . import actions
from .models import ApiKey, Open311Request

KEY_NAME = "12345热线（演示）"
ATTRIBUTES = [
    ("0101", "SIZE", "垃圾有多少？", "singlevaluelist", True, [("bag", "几袋"), ("cart", "一车"), ("truck", "一车以上")]),
    ("0101", "DAYS", "堆了几天？", "number", False, []),
    ("0202", "POLE", "路灯杆编号", "string", False, []),
]
REQUESTS = [
    ("0101", "村口垃圾点满了没人清运", {"SIZE": "cart", "DAYS": "3"}),
    ("0202", "村道路灯晚上不亮", {"POLE": "DC-0231"}),
    ("0102", "水沟有污水排出，气味很大", {}),
]


@transaction.atomic
def build() -> str:
    from gridgov.cases.demo import _town

    town = _town()
    rng = random.Random(311)
    with acting_as(None):
        # The town publishes its everyday services; disputes, welfare and public order stay private.
        actions.publish_defaults(town)
        for code, attr, question, datatype, required, values in ATTRIBUTES:
            category = Category.objects.filter(code=code, level=2).first()
            if category is not None:
                actions.do_set_attribute(None, category, attr, question, datatype, required=required,
                                         values=[{"key": k, "name": n} for k, n in values])
        key = ApiKey.objects.filter(name=KEY_NAME, town=town).first()
        secret = ""
        if key is None:
            key, secret = actions.do_issue_key(None, KEY_NAME, town)
        added = 0
        if not Open311Request.objects.filter(key=key).exists():
            grids = list(Grid.objects.filter(path__startswith=town.path, level=Grid.Level.SMALL).order_by("code"))
            for code, text, attributes in REQUESTS:
                category = Category.objects.filter(code=code, level=2).first()
                if category is None or not grids:
                    continue
                lines = [text] + [f"{a[2]}: {dict(a[5]).get(attributes[a[1]], attributes[a[1]])}"
                                  for a in ATTRIBUTES if a[0] == code and a[1] in attributes]
                actions.do_submit_request(key, category, "\n".join(lines), rng.choice(grids), attributes=attributes)
                added += 1
    line = _("Open311: %(n)d requests from the client %(name)s.") % {"n": added, "name": KEY_NAME}
    if secret:
        line += " " + _("Its API key (shown once): %(key)s") % {"key": secret}
    return line
