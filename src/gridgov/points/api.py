"""Points (积分) and shop (积分超市) endpoints of the JSON API: accounts and their ledger, rules, hand
awards, claims and their review, shop products, orders and pickup.

Thin: parse, call an action (actions.py), render. A refused action answers its status with
{"detail"}: 409 when stock or balance is short or the state does not allow it, 404 out of scope,
403 when the caller's role may not take the step; bad input answers 422 with field errors.
"""

import datetime
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gridgov.cases.models import village_path
from gridgov.core.api import ErrorOut, InvalidOut, Rendered
from gridgov.core.api import invalid as _invalid
from gridgov.core.scoping import PERSONAL_ROLES, VIEW, can, restrict
from gridgov.org.api import ScopeCode
from gridgov.org.models import Household, Person, Region
from gridgov.org.queries import scope_node

from . import actions, queries
from .ledger import LedgerError
from .models import Account, Claim, Entry, Order, Product, Rule, Shop

router = Router(tags=["points"])


def _refused(exc: LedgerError, field: str = "body"):
    if exc.status == 400:
        return _invalid(exc.field or field, exc.message)
    return Status(exc.status, {"detail": str(exc.message)})


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}


# --- accounts --------------------------------------------------------------------------------------

class EntryOut(Schema):
    id: int
    time: datetime.datetime
    date: datetime.date
    kind: str
    points: int = Field(..., description="signed: positive adds to the balance")
    rule: str | None = Field(None, description="code of the rule")
    reason: str
    source: str = Field(..., description="the record it comes from, e.g. case:123:verified, claim:7, order:9")
    actor: str
    reversal_of: int | None
    reversed: bool


class AccountOut(Schema):
    id: int
    unit: str = Field(..., description="person or household")
    person: int | None
    household: int | None
    name: str
    balance: int
    suspended_until: datetime.date | None = Field(None, description="a sanction suspends redemption until this day")


class AccountDetailOut(AccountOut):
    entries: list[EntryOut] = Field(..., description="the newest 200 entries, newest first")
    entry_count: int


def _account_out(a: Account) -> dict:
    return {"id": a.pk, "unit": a.unit, "person": a.person_id, "household": a.household_id,
            "name": a.person.name if a.person_id else a.household.number, "balance": a.balance,
            "suspended_until": a.suspended_until}


def _entry_out(e: Entry) -> dict:
    return {"id": e.pk, "time": e.time, "date": e.date, "kind": e.kind, "points": e.points,
            "rule": e.rule.code if e.rule_id else None, "reason": e.reason, "source": e.source,
            "actor": e.actor_name, "reversal_of": e.reversal_of_id, "reversed": hasattr(e, "reversed_by")}


class AccountFilter(Schema):
    person: int | None = None
    household: int | None = None


@router.get("/points/accounts", response=list[AccountOut])
@paginate(PageNumberPagination)
def account_list(request, filters: Query[AccountFilter]):
    """Accounts in scope (staff: under their node; residents: their own and their household's), by path."""
    rows = restrict(request.user, VIEW, Account).select_related("person", "household")
    if filters.person is not None:
        rows = rows.filter(person_id=filters.person)
    if filters.household is not None:
        rows = rows.filter(household_id=filters.household)
    return Rendered(rows, _account_out)


@router.get("/points/accounts/{account_id}", response={200: AccountDetailOut, 404: ErrorOut})
def account_detail(request, account_id: int):
    """An account's balance and its ledger (the statement)."""
    account = restrict(request.user, VIEW, Account).select_related("person", "household").filter(pk=account_id).first()
    if account is None:
        raise Http404
    entries = account.entries.select_related("rule", "reversed_by").order_by("-time", "-id")
    return {**_account_out(account), "entries": [_entry_out(e) for e in entries[:200]],
            "entry_count": entries.count()}


# --- rules -----------------------------------------------------------------------------------------

class RuleOut(Schema):
    id: int
    code: str
    name: str
    points: int
    unit: str
    cap: int | None
    cap_period: str = Field(..., description="month, year or empty (no cap)")
    award_roles: list[str]
    needs_review: bool
    sanction_days: int
    auto: str = Field(..., description="automatic source: case_verified, case_closed_on_time or empty")
    scope: str = Field(..., description="code of the town or village that set it")
    is_active: bool


def _rule_out(r: Rule) -> dict:
    return {**{f: getattr(r, f) for f in ("id", "code", "name", "points", "unit", "cap", "cap_period", "award_roles",
                                          "needs_review", "sanction_days", "auto", "is_active")},
            "scope": r.region.code}


@router.get("/points/rules", response=list[RuleOut])
@paginate(PageNumberPagination)
def rule_list(request):
    """Rules in scope: staff see the rules under their node; residents those of their town and village."""
    return Rendered(queries.visible_rules(request.user).select_related("region").order_by("path", "code"), _rule_out)


class RuleIn(Schema):
    scope: str = Field(..., description="code of the town or village")
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=100)
    points: int
    unit: Literal["person", "household"] = "person"
    cap: int | None = Field(None, ge=1)
    cap_period: Literal["", "month", "year"] = ""
    award_roles: list[str] = []
    needs_review: bool = False
    sanction_days: int = Field(0, ge=0, le=3650)
    auto: str = Field("", max_length=32, description="automatic source (see the rule form's list: "
                                                    "case_verified, case_closed_on_time, those other apps add) or empty")


@router.post("/points/rules", response={201: RuleOut, **ERRORS})
def rule_create(request, body: RuleIn):
    """Staff (town or village) define a rule for their town or a village under them."""
    region = restrict(request.user, VIEW, Region).filter(code=body.scope.strip()).first()
    if region is None and request.user.role in ("town_admin", "village_secretary"):
        return _invalid("scope", _("Choose a town or village of your area."))
    if region is None:
        raise Http404
    fields = body.dict(exclude={"scope"})
    try:
        rule = actions.do_save_rule(request.user, region, **fields)
    except LedgerError as exc:
        return _refused(exc)
    return Status(201, _rule_out(rule))


def _visible_rule(user, value) -> Rule | None:
    """The rule named by id or code among those the user may read (queries.visible_rules)."""
    rows = queries.visible_rules(user)
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        found = rows.filter(pk=int(value)).first()
        if found:
            return found
    return rows.filter(code=str(value).strip()).first()


# --- awards and reversals --------------------------------------------------------------------------

class AwardIn(Schema):
    person: int | None = Field(None, description="id of the person (for person rules, or a member of the household)")
    household: int | None = Field(None, description="id of the household (for household rules)")
    rule: int | str = Field(..., description="id or code of the rule")
    reason: str = Field(..., max_length=200)
    key: str | None = Field(None, max_length=64, description="optional idempotency key chosen by the client: a "
                                                             "repeated request with the same key answers the "
                                                             "first award instead of awarding again")


@router.post("/points/awards", response={201: EntryOut, **ERRORS})
def award(request, body: AwardIn):
    """Staff award or deduct a rule's points by hand (rules that need no review; the caller's role must be
    among the rule's `award_roles`). Beyond the rule's cap for the period the award is refused (409)."""
    user = request.user
    if (body.person is None) == (body.household is None):
        return _invalid("person", _("Name a person or a household."))
    rule = _visible_rule(user, body.rule)
    if rule is None:
        return _invalid("rule", _("No such rule."))
    person = household = None
    if body.person is not None:
        person = restrict(user, VIEW, Person).filter(pk=body.person).first()
        if person is None:
            return _invalid("person", _("No such person in your area."))
    else:
        household = restrict(user, VIEW, Household).filter(pk=body.household).first()
        if household is None:
            return _invalid("household", _("No such household in your area."))
    try:
        key = f"award:{user.pk}:{body.key.strip()}" if body.key and body.key.strip() else None
        entry = actions.do_award(user, rule, body.reason, person=person, household=household, key=key)
    except LedgerError as exc:
        return _refused(exc)
    return Status(201, _entry_out(entry))


class ReverseIn(Schema):
    reason: str = Field(..., max_length=200)


@router.post("/points/entries/{entry_id}/reverse", response={201: EntryOut, **ERRORS})
def reverse(request, entry_id: int, body: ReverseIn):
    """Undo an award or deduction by a reversing entry (the original stays in the ledger)."""
    entry = restrict(request.user, VIEW, Entry).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    try:
        reversal = actions.do_reverse(request.user, entry, body.reason)
    except LedgerError as exc:
        return _refused(exc)
    return Status(201, _entry_out(reversal))


# --- rankings --------------------------------------------------------------------------------------

class RankOut(Schema):
    rank: int = Field(..., description="ties share a rank")
    name: str = Field(..., description="masked, e.g. 张*华; a household by its head")
    grid: str
    points: int = Field(..., description="awards and deductions (and their reversals) in the period")


class RankingIn(Schema):
    scope: ScopeCode = Field(None, description="code of a region or grid in your area (a village and its village "
                                               "grid mean the same); residents: their village")
    unit: Literal["person", "household"] = "person"
    period: Literal["month", "year"] = "month"


class _Ranking:
    """The ranking as the paginator slices it: ranks count the accounts above, ties included, so a
    page reads the ranking down to its own last row and no further."""

    def __init__(self, path: str, unit: str, period: str):
        self.path, self.unit, self.period = path, unit, period

    def __len__(self) -> int:
        return queries.ranking_count(self.path, self.unit, self.period)

    def __getitem__(self, page: slice) -> list[dict]:
        rows = queries.ranking(self.path, self.unit, self.period, limit=page.stop)
        return [{k: r[k] for k in ("rank", "name", "grid", "points")} for r in rows[page]]


@router.get("/points/ranking", response={200: list[RankOut], 404: ErrorOut, 422: InvalidOut})
@paginate(PageNumberPagination)
def ranking(request, params: Query[RankingIn]):
    """Accounts under a node by points earned this month or year (积分排行), highest first, names masked."""
    user = request.user
    if user.role in PERSONAL_ROLES and user.person_id:
        path = village_path(user.person.path)
    elif can(user, VIEW, "points_account"):
        path = user.scope_path or ""
        if params.scope:
            node = scope_node(user, params.scope)
            if node is None:
                raise Http404
            path = node.path
    else:
        raise Http404
    return _Ranking(path, params.unit, params.period)


# --- claims ----------------------------------------------------------------------------------------

class ClaimOut(Schema):
    id: int
    state: str = Field(..., description="submitted → reviewed → publicised → effective; or rejected")
    person: int
    person_name: str
    account: int
    rule: str
    points: int
    evidence: str
    filed_at: datetime.datetime
    reviewed_by: str | None
    approved_by: str | None
    publicity_until: datetime.datetime | None = Field(None, description="counts after this moment (公示期)")
    reject_reason: str
    entry: int | None
    has_photo: bool


def _claim_out(c: Claim) -> dict:
    return {"id": c.pk, "state": c.state, "person": c.person_id, "person_name": c.person.name,
            "account": c.account_id, "rule": c.rule.code, "points": c.rule.points, "evidence": c.evidence,
            "filed_at": c.filed_at, "reviewed_by": c.reviewed_by.username if c.reviewed_by_id else None,
            "approved_by": c.approved_by.username if c.approved_by_id else None,
            "publicity_until": c.publicity_until, "reject_reason": c.reject_reason, "entry": c.entry_id,
            "has_photo": bool(c.photo)}


class ClaimIn(Schema):
    person: int | None = Field(None, description="staff filing for a resident: the person's id; default yourself")
    rule: int | str = Field(..., description="id or code of the rule")
    evidence: str = Field(..., max_length=1000, description="what was done, when, who can confirm")


class ClaimFilter(Schema):
    state: Literal["submitted", "reviewed", "publicised", "effective", "rejected"] | None = None


@router.get("/points/claims", response=list[ClaimOut])
@paginate(PageNumberPagination)
def claim_list(request, filters: Query[ClaimFilter]):
    """Claims in scope, newest first (residents: their own)."""
    rows = restrict(request.user, VIEW, Claim).select_related("person", "rule", "reviewed_by", "approved_by")
    if filters.state:
        rows = rows.filter(state=filters.state)
    return Rendered(rows, _claim_out)


@router.post("/points/claims", response={201: ClaimOut, **ERRORS})
def claim_file(request, body: ClaimIn):
    """File a claim with evidence. It is reviewed by the grid, approved by the village committee, then
    published for GRIDGOV_POINTS_PUBLICITY_DAYS days (default 5) before its points count."""
    user = request.user
    rule = _visible_rule(user, body.rule)
    if rule is None:
        return _invalid("rule", _("No such rule."))
    if body.person is None:
        person = user.person if user.person_id else None
    else:
        person = restrict(user, VIEW, Person).filter(pk=body.person).first()
    if person is None:
        return _invalid("person", _("No such person in your area."))
    try:
        claim = actions.do_file_claim(user, person, rule, body.evidence)
    except LedgerError as exc:
        return _refused(exc)
    return Status(201, _claim_out(claim))


@router.post("/points/claims/{claim_id}/photo", response={200: ClaimOut, **ERRORS})
def claim_photo(request, claim_id: int, file: File[UploadedFile]):
    """The filer attaches a photo as evidence (multipart field `file`; JPEG, PNG, WebP or GIF, checked by
    decoding it and stored re-encoded without EXIF) while the claim waits for its first review."""
    claim = restrict(request.user, VIEW, Claim).filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    try:
        actions.do_add_claim_photo(request.user, claim, file)
    except LedgerError as exc:
        return _refused(exc, "file")
    claim = Claim.objects.select_related("person", "rule", "reviewed_by", "approved_by").get(pk=claim.pk)
    return _claim_out(claim)


class ReviewIn(Schema):
    decision: Literal["approve", "reject"]
    reason: str = Field("", max_length=200, description="required to reject")


@router.post("/points/claims/{claim_id}/review", response={200: ClaimOut, **ERRORS})
def claim_review(request, claim_id: int, body: ReviewIn):
    """The next step of a claim: a submitted claim is reviewed by the grid (grid worker; staff where the
    grid has none); a reviewed one is approved by the village committee (village secretary or town admin,
    not the reviewer) and goes into publicity. `reject` needs a reason, also during publicity."""
    claim = restrict(request.user, VIEW, Claim).filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    try:
        claim = actions.do_review_claim(request.user, claim, body.decision == "approve", body.reason)
    except LedgerError as exc:
        return _refused(exc)
    claim = Claim.objects.select_related("person", "rule", "reviewed_by", "approved_by").get(pk=claim.pk)
    return _claim_out(claim)


# --- shop ------------------------------------------------------------------------------------------

class ProductOut(Schema):
    id: int
    shop: int
    shop_name: str
    name: str
    price: int = Field(..., description="points per piece")
    stock: int
    is_active: bool


def _product_out(p: Product) -> dict:
    return {"id": p.pk, "shop": p.shop_id, "shop_name": p.shop.name, "name": p.name, "price": p.price,
            "stock": p.stock, "is_active": p.is_active}


class ProductIn(Schema):
    shop: int = Field(..., description="id of the shop")
    name: str = Field(..., max_length=100)
    price: int = Field(..., ge=1)
    stock: int = Field(..., ge=0)
    is_active: bool = True


@router.get("/shop/products", response=list[ProductOut])
@paginate(PageNumberPagination)
def product_list(request, shop: int | None = None):
    """Products of the shops in scope (residents: their village's shop, only what is on sale)."""
    rows = restrict(request.user, VIEW, Product).select_related("shop")
    if request.user.role in ("resident", "party_member"):
        rows = rows.filter(is_active=True, shop__is_active=True)
    if shop is not None:
        rows = rows.filter(shop_id=shop)
    return Rendered(rows, _product_out)


@router.post("/shop/products", response={201: ProductOut, **ERRORS})
def product_create(request, body: ProductIn):
    """Village or town staff put a product on a shop's shelf."""
    shop = restrict(request.user, VIEW, Shop).filter(pk=body.shop).first()
    if shop is None:
        return _invalid("shop", _("No such shop in your area."))
    try:
        product = actions.do_save_product(request.user, shop, body.name, body.price, body.stock, body.is_active)
    except LedgerError as exc:
        return _refused(exc)
    return Status(201, _product_out(product))


class OrderOut(Schema):
    id: int
    product: int
    product_name: str
    shop: int
    quantity: int
    points: int
    state: str = Field(..., description="placed, picked_up, expired (refunded) or cancelled (refunded)")
    code: str | None = Field(None, description="pickup code: shown to the account holder while it waits")
    account: int
    placed_at: datetime.datetime
    expires_at: datetime.datetime
    closed_at: datetime.datetime | None


def _order_out(user, o: Order) -> dict:
    own = bool(user.person_id) and (o.account.person_id == user.person_id
                                    or (o.account.household_id and o.account.household_id == user.person.household_id))
    return {"id": o.pk, "product": o.product_id, "product_name": o.product.name, "shop": o.shop_id,
            "quantity": o.quantity, "points": o.points, "state": o.state,
            "code": o.code if own and o.state == Order.State.PLACED else None, "account": o.account_id,
            "placed_at": o.placed_at, "expires_at": o.expires_at, "closed_at": o.closed_at}


class OrderIn(Schema):
    product: int = Field(..., description="id of the product")
    quantity: int = Field(1, ge=1, le=99)
    account: int | None = Field(None, description="your household's account instead of your own")


@router.get("/shop/orders", response=list[OrderOut])
@paginate(PageNumberPagination)
def order_list(request, state: Literal["placed", "picked_up", "expired", "cancelled"] | None = None):
    """Orders in scope, newest first: residents their own (with the pickup code), staff their shops'."""
    rows = restrict(request.user, VIEW, Order).select_related("product", "account")
    if state:
        rows = rows.filter(state=state)
    return Rendered(rows, lambda o: _order_out(request.user, o))


@router.post("/shop/orders", response={201: OrderOut, **ERRORS})
def order_place(request, body: OrderIn):
    """Redeem (兑换) a product for points from your own account. The answer carries the pickup code.
    409 with a message when the stock or the balance is short, or redemption is suspended by a sanction."""
    user = request.user
    product = restrict(user, VIEW, Product).filter(pk=body.product).first()
    if product is None:
        return _invalid("product", _("No such product."))
    account = None
    if body.account is not None:
        account = restrict(user, VIEW, Account).filter(pk=body.account).first()
        if account is None:
            return _invalid("account", pgettext("points", "No such account."))
    try:
        order = actions.do_redeem(user, product, body.quantity, account=account)
    except LedgerError as exc:
        return _refused(exc)
    order = Order.objects.select_related("product", "account").get(pk=order.pk)
    return Status(201, _order_out(user, order))


class PickupIn(Schema):
    code: str = Field(..., max_length=8, description="the pickup code the resident shows")


def _order_for(request, order_id: int) -> Order:
    order = Order.objects.select_related("shop").filter(pk=order_id).first()
    if order is None or not (actions.may_pick_up(request.user, order.shop)
                             or restrict(request.user, VIEW, Order).filter(pk=order_id).exists()):
        raise Http404
    return order


@router.post("/shop/orders/{order_id}/pickup", response={200: OrderOut, **ERRORS})
def order_pickup(request, order_id: int, body: PickupIn):
    """The shop's clerk confirms the pickup (核销) with the code (clerks: the shop's attached clerks, the
    village's secretary and grid workers, town staff)."""
    order = _order_for(request, order_id)
    try:
        order = actions.do_pickup(request.user, order=order, code=body.code)
    except LedgerError as exc:
        return _refused(exc)
    order = Order.objects.select_related("product", "account").get(pk=order.pk)
    return _order_out(request.user, order)


@router.post("/shop/orders/{order_id}/cancel", response={200: OrderOut, **ERRORS})
def order_cancel(request, order_id: int):
    """Cancel a waiting order (its holder or a clerk): the points and the stock come back."""
    order = _order_for(request, order_id)
    try:
        order = actions.do_cancel_order(request.user, order)
    except LedgerError as exc:
        return _refused(exc)
    order = Order.objects.select_related("product", "account").get(pk=order.pk)
    return _order_out(request.user, order)

