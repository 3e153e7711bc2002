"""Every change of points: rules, awards, reversals, claims, shops, products, orders. Each do_* runs in
one transaction, checks, writes and audits; a refusal raises LedgerError with a translated message and
writes nothing.

Caps: an award that would take an account past its rule's cap for the period (calendar month or year,
local dates) is refused, never clipped — a clipped award would record points nobody decided on. The
automatic sweep skips such awards (counted in its result) and the claim sweep rejects the claim with
the reason.

Row locks take only the row named (select_for_update(of=self)), never the shop, product or account a
query joins for reading, and always in the order product → account: redemptions, refunds and awards
then queue instead of deadlocking.

Claims follow four eyes: the first review (组长审核: the grid worker of the claimant's small grid, or
village/town staff where a grid has none) and the approval (村委审批: village secretary or town
admin) must be two different people, and nobody reviews a claim for themselves.
"""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock
from gridgov.core.scoping import (CHANGE, GRID_WORKER, PERSONAL_ROLES, TOWN_ADMIN, VILLAGE_SECRETARY, can, permits)
from gridgov.org.models import Household, Person, Region

from . import conf, ledger
from .ledger import LedgerError
from .models import Account, Claim, Entry, Order, Period, Product, Rule, Shop, Unit, new_pickup_code
from .policy import APPROVE, AWARD, CLAIM, PICKUP, REDEEM, REVERSE, REVIEW

STAFF_ROLES = (TOWN_ADMIN, VILLAGE_SECRETARY, GRID_WORKER)


def _text(value, message, field, max_length=200, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LedgerError(message, status=400, field=field)
    if len(value) > max_length:
        raise LedgerError(_("At most %(n)d characters.") % {"n": max_length}, status=400, field=field)
    return value


def _not_found():
    return LedgerError(_("Not found."), status=404)


def _forbidden(message=None):
    return LedgerError(message or _("You may not do this."), status=403)


# --- rules -----------------------------------------------------------------------------------------

RULE_FIELDS = ("code", "name", "points", "unit", "cap", "cap_period", "award_roles", "needs_review",
               "sanction_days", "auto", "is_active")


@transaction.atomic
def do_save_rule(actor, region: Region, rule: Rule | None = None, **fields) -> Rule:
    """Create a rule for a town or village, or change one (rules are staff's to define, 民主程序 outside)."""
    if not (can(actor, CHANGE, "points_rule") and (actor.is_superuser or region.path.startswith(actor.scope_path))):
        raise _not_found()
    if rule is not None:
        rule = Rule.objects.select_for_update().filter(pk=rule.pk).first()
        if rule is None or not permits(actor, CHANGE, rule):
            raise _not_found()
    if region.level not in (Region.Level.TOWN, Region.Level.VILLAGE):
        raise LedgerError(_("A rule belongs to a town or a village."), status=400, field="region")
    before = audit.snapshot(rule) if rule else None
    rule = rule or Rule()
    for name in RULE_FIELDS:
        if name in fields:
            setattr(rule, name, fields[name])
    rule.code = _text(rule.code, _("Give the rule a code."), "code", 32)
    rule.name = _text(rule.name, _("Give the rule a name."), "name", 100)
    try:
        rule.points = int(rule.points)
    except (TypeError, ValueError):
        rule.points = 0
    if rule.points == 0:
        raise LedgerError(_("A rule gives or takes at least one point."), status=400, field="points")
    bound = conf.get_int("GRIDGOV_POINTS_RULE_MAX_POINTS")
    if abs(rule.points) > bound:
        raise LedgerError(_("The town allows at most %(n)d points for one rule.") % {"n": bound}, status=400,
                          field="points")
    if rule.unit not in Unit.values:
        raise LedgerError(_("The unit is a person or a household."), status=400, field="unit")
    if rule.cap_period not in Period.values:
        raise LedgerError(_("The cap period is a month or a year."), status=400, field="cap_period")
    if rule.cap is not None and (int(rule.cap) <= 0 or not rule.cap_period):
        raise LedgerError(_("A cap is a positive number of points per month or year."), status=400, field="cap")
    if not set(rule.award_roles or []) <= set(STAFF_ROLES):
        raise LedgerError(_("Only town, village or grid staff may award points."), status=400, field="award_roles")
    from .public import AUTOMATIC

    if rule.auto and rule.auto not in AUTOMATIC:
        raise LedgerError(_("Unknown automatic source."), status=400, field="auto")
    if Rule.objects.filter(code=rule.code).exclude(pk=rule.pk).exists():
        raise LedgerError(_("A rule with this code exists already."), status=400, field="code")
    rule.region, rule.path = region, region.path
    rule.save()
    audit.record("points.rule_saved", rule, *(audit.diff(before, audit.snapshot(rule)) if before else
                                              (None, audit.snapshot(rule))), actor=actor)
    return rule


def rules_for(path: str, **filters):
    """Active rules that apply at an org path: those of its town and of its village."""
    parts = path.split(".")
    prefixes = [".".join(parts[:n]) + "." for n in range(1, len(parts))]
    return Rule.objects.filter(path__in=prefixes, is_active=True, **filters)


# --- awards ----------------------------------------------------------------------------------------

def is_own(actor, account: Account, person_id: int | None = None) -> bool:
    """Whether the points would be the actor's own: their account, their household's account, the person
    named is themselves, or (GRIDGOV_POINTS_NO_AWARDS_IN_OWN_HOUSEHOLD) a member of their household. Staff
    never award, review, approve or reverse points that are their own."""
    own_person = getattr(actor, "person_id", None)
    if not own_person:
        return False
    if own_person in (account.person_id, person_id):
        return True
    household = actor.person.household_id
    if not household:
        return False
    if account.household_id == household:
        return True
    if conf.get_bool("GRIDGOV_POINTS_NO_AWARDS_IN_OWN_HOUSEHOLD"):
        members = [pk for pk in (account.person_id, person_id) if pk]
        return Person.objects.filter(pk__in=members, household_id=household).exists()
    return False


def _refuse_own(actor, account: Account, person_id: int | None = None) -> None:
    if is_own(actor, account, person_id):
        raise _forbidden(_("Nobody awards, reviews or changes points of their own or their household's."))


def _period(rule: Rule, day: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    if rule.cap is None or not rule.cap_period:
        return None
    if rule.cap_period == Period.MONTH:
        start = day.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    else:
        start, end = day.replace(month=1, day=1), day.replace(month=12, day=31)
    return start, end


def room_under_cap(rule: Rule, account: Account, day: datetime.date) -> int | None:
    """Points of this rule the account may still get in the period of `day` (None: no cap). Reversed
    awards give their room back (a reversal carries its rule)."""
    period = _period(rule, day)
    if period is None:
        return None
    used = Entry.objects.filter(rule=rule, account=account, date__gte=period[0], date__lte=period[1]) \
        .aggregate(s=Sum("points"))["s"] or 0
    return rule.cap - abs(used)


def _account_of(rule: Rule, person: Person | None, household: Household | None) -> tuple[Account, Person | None]:
    if rule.unit == Unit.HOUSEHOLD:
        household = household or (person.household if person else None)
        if household is None:
            raise LedgerError(_("This rule is for households; the person belongs to none."), status=400, field="person")
        return ledger.account_for(household=household), person
    if person is None:
        raise LedgerError(_("This rule is for a person; name the person."), status=400, field="person")
    return ledger.account_for(person=person), person


def apply_rule(rule: Rule, account: Account, person, reason: str, key: str, *, source: str = "", actor=None,
               now=None) -> Entry | None:
    """Post the rule's points on the account (cap, sanction and the no-negative floor applied). Used by
    hand awards, effective claims and the automatic sweep; the caller has checked who may."""
    now = now or clock.now()
    if not account.path.startswith(rule.path):
        raise LedgerError(_("This rule does not apply where this account belongs."), status=400, field="rule")
    existing = Entry.objects.filter(key=key).first()
    if existing is not None:
        return existing
    if rule.cap is not None:
        # Awards to one account queue here, so two at once cannot both pass the cap on the same sum.
        Account.objects.select_for_update().filter(pk=account.pk).first()
    room = room_under_cap(rule, account, ledger.local_date(now))
    if room is not None and abs(rule.points) > room:
        raise LedgerError(_("The cap of this rule for the period is reached (%(cap)d points).") % {"cap": rule.cap},
                          field="rule")
    kind = Entry.Kind.AWARD if rule.points > 0 else Entry.Kind.DEDUCTION
    entry, created = ledger.post(account, kind, rule.points, reason, key, rule=rule, person=person, source=source,
                                 actor=actor, now=now, allow_negative=rule.points < 0)
    if rule.sanction_days and created:
        until = ledger.local_date(now) + datetime.timedelta(days=rule.sanction_days)
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.suspended_until is None or locked.suspended_until < until:
            before = audit.snapshot(locked)
            locked.suspended_until = until
            locked.save(update_fields=["suspended_until"])
            audit.record("points.sanction", locked, before, audit.snapshot(locked), actor=actor)
    return entry


@transaction.atomic
def do_award(actor, rule: Rule, reason: str, person: Person | None = None, household: Household | None = None,
             key: str | None = None, now=None) -> Entry:
    """Staff award (or deduct) a rule's points by hand, for rules that need no review."""
    if rule.needs_review:
        raise LedgerError(_("This rule needs a claim with review and publicity."), status=400, field="rule")
    if not (actor.is_superuser or actor.role in (rule.award_roles or [])) or not rule.is_active:
        raise _forbidden(_("Your role may not award this rule."))
    reason = _text(reason, _("Give the reason for this change."), "reason")
    account, person = _account_of(rule, person, household)
    if not permits(actor, AWARD, account):
        raise _not_found()
    _refuse_own(actor, account, person.pk if person else None)
    key = key or f"award:{rule.pk}:{account.pk}:{timezone.now().timestamp():.6f}"
    entry = apply_rule(rule, account, person, reason, key, source=f"award:{actor.pk}", actor=actor, now=now)
    if entry is None:
        raise LedgerError(_("The balance is zero: there is nothing to deduct."), field="rule")
    return entry


@transaction.atomic
def do_reverse(actor, entry: Entry, reason: str) -> Entry:
    """Undo an entry by a reversing entry (冲正); the original stays as it was."""
    entry = Entry.objects.select_related("account").filter(pk=entry.pk).first()
    if entry is None or not permits(actor, REVERSE, entry):
        raise _not_found()
    _refuse_own(actor, entry.account, entry.person_id)
    reason = _text(reason, _("Give the reason for this change."), "reason")
    if entry.kind in (Entry.Kind.REVERSAL, Entry.Kind.REDEEM, Entry.Kind.REFUND, Entry.Kind.SETTLEMENT):
        raise LedgerError(_("Only awards and deductions can be reversed; cancel an order instead."))
    if Entry.objects.filter(reversal_of=entry).exists():
        raise LedgerError(_("This entry has been reversed already."))
    try:
        reversal, _created = ledger.post(entry.account, Entry.Kind.REVERSAL, -entry.points, reason,
                                         f"reversal:{entry.pk}", rule=entry.rule, person=entry.person,
                                         source=f"entry:{entry.pk}", actor=actor, reversal_of=entry)
    except LedgerError:
        raise LedgerError(_("These points have been spent already; the balance is too low to reverse them."))
    if entry.rule_id and entry.rule.sanction_days:
        _recompute_suspension(entry.account, actor)
    return reversal


def _recompute_suspension(account: Account, actor) -> None:
    """After a sanctioning deduction is reversed, the suspension is what the remaining sanctions give."""
    locked = Account.objects.select_for_update().get(pk=account.pk)
    until = None
    standing = Entry.objects.filter(account=locked, rule__sanction_days__gt=0, kind=Entry.Kind.DEDUCTION,
                                    reversed_by__isnull=True).select_related("rule")
    for e in standing:
        end = e.date + datetime.timedelta(days=e.rule.sanction_days)
        until = end if until is None or end > until else until
    if until != locked.suspended_until:
        before = audit.snapshot(locked)
        locked.suspended_until = until
        locked.save(update_fields=["suspended_until"])
        audit.record("points.sanction", locked, before, audit.snapshot(locked), actor=actor)


# --- claims ----------------------------------------------------------------------------------------

@transaction.atomic
def do_file_claim(actor, person: Person, rule: Rule, evidence: str, photo=None, now=None) -> Claim:
    """A resident (for themselves) or staff (for a resident) claims a rule's points with evidence."""
    now = now or clock.now()
    if not rule.is_active or rule.points <= 0:
        raise LedgerError(_("Points can be claimed only under an active rule that awards points."), status=400,
                          field="rule")
    evidence = _text(evidence, _("Describe what was done (the evidence)."), "evidence", 1000)
    account, person = _account_of(rule, person, None)
    if not permits(actor, CLAIM, account):
        raise _not_found()
    if actor.role in PERSONAL_ROLES and person.pk != actor.person_id:
        raise _not_found()
    if not account.path.startswith(rule.path):
        raise LedgerError(_("This rule does not apply where this account belongs."), status=400, field="rule")
    room = room_under_cap(rule, account, ledger.local_date(now))
    if room is not None and rule.points > room:
        raise LedgerError(_("The cap of this rule for the period is reached (%(cap)d points).") % {"cap": rule.cap},
                          field="rule")
    claim = Claim(account=account, person=person, rule=rule, evidence=evidence, filed_by=actor, filed_at=now,
                  path=account.path)
    if photo is not None:
        _attach_photo(claim, photo)
    claim.save()
    audit.record("points.claim_filed", claim, None, audit.snapshot(claim), actor=actor)
    return claim


def _attach_photo(claim: Claim, photo) -> None:
    """The photo decoded and re-encoded by the case loop's checker: an image, no EXIF, bounded size."""
    from django.core.files.base import ContentFile

    from gridgov.cases.actions import CaseError, clean_image

    try:
        data, content_type, _w, _h = clean_image(photo)
    except CaseError as exc:
        raise LedgerError(exc.message, status=400, field="photo") from None
    claim.photo.save(f"claim.{content_type.split('/')[-1]}", ContentFile(data), save=False)


@transaction.atomic
def do_add_claim_photo(actor, claim: Claim, photo) -> Claim:
    """The filer adds (or replaces) the photo of a claim that nobody has reviewed yet."""
    claim = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if claim is None or not permits(actor, "view", claim):
        raise _not_found()
    if claim.filed_by_id != actor.pk:
        raise _forbidden(_("Only the one who filed the claim adds its photo."))
    if claim.state != Claim.State.SUBMITTED:
        raise LedgerError(_("The claim has been reviewed already."))
    before = {"photo": claim.photo.name or ""}
    _attach_photo(claim, photo)
    claim.save(update_fields=["photo"])
    audit.record("points.claim_photo", claim, before, {"photo": claim.photo.name}, actor=actor)
    return claim


@transaction.atomic
def do_review_claim(actor, claim: Claim, approve: bool, reason: str = "", now=None) -> Claim:
    """Take the next step of a claim: the first review, then the approval that starts its publicity.
    Rejecting (at any step before it counts, also on an objection during publicity) needs a reason."""
    now = now or clock.now()
    claim = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if claim is None or not (permits(actor, REVIEW, claim) or permits(actor, APPROVE, claim)):
        raise _not_found()
    if actor.person_id and actor.person_id == claim.person_id:
        raise _forbidden(_("Nobody reviews their own claim."))
    _refuse_own(actor, claim.account, claim.person_id)
    before = audit.snapshot(claim)
    if claim.state == Claim.State.SUBMITTED:
        if not permits(actor, REVIEW, claim):
            raise _forbidden()
        step = "review"
    elif claim.state in (Claim.State.REVIEWED, Claim.State.PUBLICISED):
        if not permits(actor, APPROVE, claim):
            raise _forbidden(_("The village committee approves claims."))
        if claim.state == Claim.State.PUBLICISED and approve:
            raise LedgerError(_("This claim is approved already and in publicity."))
        if approve and claim.reviewed_by_id == actor.pk:
            raise _forbidden(_("The approval must come from someone other than the reviewer."))
        step = "approve"
    else:
        raise LedgerError(_("This claim is closed."))
    if not approve:
        claim.reject_reason = _text(reason, _("Give the reason for the rejection."), "reason")
        claim.state = Claim.State.REJECTED
        action = "points.claim_rejected"
    elif step == "review":
        claim.state, claim.reviewed_by, claim.reviewed_at = Claim.State.REVIEWED, actor, now
        action = "points.claim_reviewed"
    else:
        claim.state, claim.approved_by, claim.approved_at = Claim.State.PUBLICISED, actor, now
        claim.publicity_until = now + datetime.timedelta(days=conf.get_int("GRIDGOV_POINTS_PUBLICITY_DAYS"))
        action = "points.claim_approved"
    claim.save()
    audit.record(action, claim, *audit.diff(before, audit.snapshot(claim)), actor=actor)
    return claim


def make_claims_count(now=None) -> dict:
    """Claims whose publicity is over count: their entry is posted (key claim:<id>), once."""
    now = now or clock.now()
    counted = rejected = 0
    due = Claim.objects.filter(state=Claim.State.PUBLICISED, publicity_until__lte=now) \
        .order_by("publicity_until", "pk").values_list("pk", flat=True)  # first come, first counted under a cap
    for pk in list(due[:500]):
        with transaction.atomic():
            claim = Claim.objects.select_for_update(of=("self",)).select_related("rule", "account").filter(
                pk=pk, state=Claim.State.PUBLICISED).first()
            if claim is None:  # another worker took it
                continue
            before = audit.snapshot(claim)
            try:
                with transaction.atomic():
                    claim.entry = apply_rule(claim.rule, claim.account, claim.person,
                                             _("Claim approved: %(rule)s") % {"rule": claim.rule.name},
                                             f"claim:{claim.pk}", source=f"claim:{claim.pk}", now=now)
                claim.state = Claim.State.EFFECTIVE
                counted += 1
            except LedgerError as exc:
                claim.state, claim.reject_reason = Claim.State.REJECTED, str(exc.message)[:200]
                rejected += 1
            claim.save()
            audit.record("points.claim_counted" if claim.state == Claim.State.EFFECTIVE else "points.claim_rejected",
                         claim, *audit.diff(before, audit.snapshot(claim)), actor=None)
    return {"counted": counted, "rejected": rejected}


# --- shop ------------------------------------------------------------------------------------------

@transaction.atomic
def do_create_shop(actor, region: Region, name: str) -> Shop:
    if not (can(actor, CHANGE, "points_shop") and (actor.is_superuser or region.path.startswith(actor.scope_path))):
        raise _not_found()
    if region.level != Region.Level.VILLAGE:
        raise LedgerError(_("A shop belongs to a village."), status=400, field="region")
    shop = Shop.objects.create(region=region, name=_text(name, _("Give the shop a name."), "name", 100),
                               path=region.path)
    audit.record("points.shop_created", shop, None, audit.snapshot(shop), actor=actor)
    return shop


@transaction.atomic
def do_set_clerk(actor, shop: Shop, user, present: bool = True) -> Shop:
    """Attach (or detach) an account that may confirm pickups at the shop."""
    if not permits(actor, CHANGE, shop):
        raise _not_found()
    (shop.clerks.add if present else shop.clerks.remove)(user)
    audit.record("points.clerk_added" if present else "points.clerk_removed", shop, None,
                 {"user": user.pk}, actor=actor)
    return shop


def _count(value, field, message, minimum=0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise LedgerError(message, status=400, field=field) from None
    if number < minimum or number > 10**7:
        raise LedgerError(message, status=400, field=field)
    return number


@transaction.atomic
def do_save_product(actor, shop: Shop, name: str, price, stock, is_active: bool = True,
                    product: Product | None = None) -> Product:
    if not permits(actor, CHANGE, shop):
        raise _not_found()
    if product is not None:
        product = Product.objects.select_for_update().filter(pk=product.pk, shop=shop).first()
        if product is None:
            raise _not_found()
    before = audit.snapshot(product) if product else None
    product = product or Product(shop=shop, path=shop.path)
    product.name = _text(name, _("Give the product a name."), "name", 100)
    product.price = _count(price, "price", _("The price is a whole number of points, at least 1."), 1)
    product.stock = _count(stock, "stock", _("The stock is a whole number, zero or more."), 0)
    product.is_active = bool(is_active)
    product.save()
    audit.record("points.product_saved", product, *(audit.diff(before, audit.snapshot(product)) if before else
                                                    (None, audit.snapshot(product))), actor=actor)
    return product


@transaction.atomic
def do_redeem(actor, product: Product, quantity, account: Account | None = None, now=None) -> Order:
    """Redeem (兑换) goods for points: the product row is locked first, then the account's, so concurrent
    redeemers queue and stock and balance can never go below zero; the order has a pickup code."""
    now = now or clock.now()
    quantity = _count(quantity, "quantity", _("Order at least one, at most 99."), 1)
    if quantity > 99:
        raise LedgerError(_("Order at least one, at most 99."), status=400, field="quantity")
    if account is None:
        if not getattr(actor, "person_id", None):
            raise LedgerError(_("Your login is not linked to a person with a points account."), status=400,
                              field="account")
        account = ledger.account_for(person=actor.person)
    if not permits(actor, REDEEM, account):
        raise _not_found()
    product = Product.objects.select_for_update(of=("self",)).select_related("shop") \
        .filter(pk=product.pk).first()
    if product is None or not permits(actor, "view", product):
        raise _not_found()
    if not (product.is_active and product.shop.is_active):
        raise LedgerError(_("This product is not on sale."))
    if not account.path.startswith(product.shop.path):
        raise LedgerError(_("This shop serves another village."))
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.suspended_until and account.suspended_until >= ledger.local_date(now):
        raise LedgerError(_("Redemption is suspended until %(day)s.") % {"day": account.suspended_until})
    if product.stock < quantity:
        raise LedgerError(_("Out of stock: %(n)d left.") % {"n": product.stock})
    points = product.price * quantity
    if account.balance < points:
        raise LedgerError(_("Not enough points: %(need)d needed, %(have)d available.")
                          % {"need": points, "have": account.balance})
    taken = Product.objects.filter(pk=product.pk, stock__gte=quantity).update(stock=F("stock") - quantity)
    if taken != 1:
        raise LedgerError(_("Out of stock: %(n)d left.") % {"n": 0})
    order = None
    for _attempt in range(5):  # a code clash with another waiting order of the shop: draw again
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    account=account, product=product, shop=product.shop, quantity=quantity, points=points,
                    code=new_pickup_code(), placed_by=actor, placed_at=now, path=product.shop.path,
                    expires_at=now + datetime.timedelta(days=conf.get_int("GRIDGOV_POINTS_PICKUP_DAYS")))
            break
        except IntegrityError:
            continue
    if order is None:
        raise LedgerError(_("Please try again."))
    ledger.post(account, Entry.Kind.REDEEM, -points, _("Redeemed %(product)s x%(n)d") % {
        "product": product.name, "n": quantity}, f"order:{order.pk}", source=f"order:{order.pk}", actor=actor,
        now=now)
    audit.record("points.order_placed", order, None, audit.snapshot(order), actor=actor)
    return order


def may_pick_up(user, shop: Shop) -> bool:
    """Clerks of a shop: its attached clerks, the village's secretary and grid workers, town staff."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or shop.clerks.filter(pk=user.pk).exists():
        return True
    if user.role == GRID_WORKER:
        return bool(user.scope_path) and user.scope_path.startswith(shop.path)
    return permits(user, PICKUP, shop)


def clerk_shops(user):
    """The shops where the user may confirm pickups."""
    if not user.is_authenticated:
        return Shop.objects.none()
    if user.is_superuser:
        return Shop.objects.all()
    q = Q(clerks=user)
    if user.role == GRID_WORKER and user.scope_path:
        parts = user.scope_path.split(".")
        q |= Q(path__in=[".".join(parts[:n]) + "." for n in range(1, len(parts))])
    elif can(user, PICKUP, "points_shop") and user.scope_path:
        q |= Q(path__startswith=user.scope_path)
    return Shop.objects.filter(q).distinct()


@transaction.atomic
def do_pickup(actor, order: Order | None = None, code: str = "", shop: Shop | None = None, now=None) -> Order:
    """Confirm a pickup (核销) by the order's code, at the shop. The code is required on every path: it is
    what proves the resident (or their household) is at the counter."""
    now = now or clock.now()
    code = (code or "").strip()
    if not code:
        raise LedgerError(_("Enter the pickup code the resident shows."), status=400, field="code")
    if order is None:
        order = Order.objects.filter(shop=shop, code=code, state=Order.State.PLACED).first()
        if order is None:
            raise LedgerError(_("No waiting order has this pickup code."), status=404, field="code")
    order = Order.objects.select_for_update(of=("self",)).select_related("shop", "product") \
        .filter(pk=order.pk).first()
    if order is None or not may_pick_up(actor, order.shop):
        raise _not_found()
    if not secrets.compare_digest(order.code.encode(), code.encode()):
        raise LedgerError(_("The pickup code does not match."), status=400, field="code")
    if order.state != Order.State.PLACED:
        raise LedgerError(_("This order is %(state)s.") % {"state": order.get_state_display()})
    if order.expires_at <= now:
        raise LedgerError(_("This order has expired."))
    before = audit.snapshot(order)
    order.state, order.closed_at, order.closed_by = Order.State.PICKED_UP, now, actor
    order.save(update_fields=["state", "closed_at", "closed_by"])
    audit.record("points.order_picked_up", order, *audit.diff(before, audit.snapshot(order)), actor=actor)
    return order


def _refund(order: Order, state: str, reason: str, actor=None, now=None) -> Order:
    """Close a waiting order and give points and stock back (the caller holds the order's row lock)."""
    now = now or clock.now()
    before = audit.snapshot(order)
    # Product before account, the order do_redeem takes its locks in: no deadlock with a redemption.
    Product.objects.filter(pk=order.product_id).update(stock=F("stock") + order.quantity)
    ledger.post(order.account, Entry.Kind.REFUND, order.points, reason, f"order:{order.pk}:refund",
                source=f"order:{order.pk}", actor=actor, now=now)
    order.state, order.closed_at, order.closed_by = state, now, actor if getattr(actor, "pk", None) else None
    order.save(update_fields=["state", "closed_at", "closed_by"])
    audit.record(f"points.order_{state}", order, *audit.diff(before, audit.snapshot(order)), actor=actor)
    return order


@transaction.atomic
def do_cancel_order(actor, order: Order, now=None) -> Order:
    """The resident (or a clerk) cancels a waiting order: points and stock come back."""
    order = Order.objects.select_for_update(of=("self",)).select_related("shop").filter(pk=order.pk).first()
    if order is None or not (permits(actor, "view", order) or may_pick_up(actor, order.shop)):
        raise _not_found()
    if order.state != Order.State.PLACED:
        raise LedgerError(_("This order is %(state)s.") % {"state": order.get_state_display()})
    return _refund(order, Order.State.CANCELLED, _("Order cancelled"), actor, now)


def expire_orders(now=None) -> int:
    """Orders not picked up in time expire and are refunded (once: the refund key is the order's)."""
    now = now or clock.now()
    done = 0
    due = Order.objects.filter(state=Order.State.PLACED, expires_at__lte=now).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=pk, state=Order.State.PLACED).first()
            if order is None:
                continue
            _refund(order, Order.State.EXPIRED, _("Order not picked up in time"), None, now)
            done += 1
    return done


# --- year end --------------------------------------------------------------------------------------

def settle_year(year: int, policy: str | None = None, now=None) -> int:
    """Year-end settlement (年度清算): with the policy "clear", every positive balance is taken to zero
    by a settlement entry keyed by year and account (running it twice changes nothing); "carry" keeps
    balances and writes nothing. Returns the number of entries written."""
    policy = policy or conf.get("GRIDGOV_POINTS_YEAR_END")
    if policy not in ("carry", "clear"):
        raise ValueError(f"unknown year-end policy {policy!r}")
    if policy == "carry":
        return 0
    written = 0
    for pk in list(Account.objects.filter(balance__gt=0).values_list("pk", flat=True)):
        with transaction.atomic():
            account = Account.objects.select_for_update().get(pk=pk)
            if account.balance <= 0:
                continue
            _entry, created = ledger.post(account, Entry.Kind.SETTLEMENT, -account.balance,
                                          _("Year-end settlement %(year)d: balance cleared") % {"year": year},
                                          f"settle:{year}:{account.pk}", source=f"settle:{year}", now=now)
            written += created
    return written
