"""The points pages: my points and statement, the shop, my orders with pickup codes (residents); claims to
review, filing for a resident, awards, rules, products and pickup (staff); rankings, the public village
board and Excel exports.

Rows come from restrict(); every change goes through a do_* action, whose LedgerError becomes a message
and changes nothing. Lists use select_related so a page costs the same few queries whatever its length.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.cases.models import village_path
from gridgov.core import audit
from gridgov.core.redirects import safe_next
from gridgov.core.scoping import CHANGE, EXPORT, PERSONAL_ROLES, VIEW, can, permits, restrict
from gridgov.org.models import Grid, Person, Region, User
from gridgov.org.queries import scope_node

from . import actions, queries
from .forms import (AwardForm, ClaimForm, ClerkForm, PickupForm, ProductForm, RankingForm, ReasonForm, RedeemForm,
                    RuleForm, ShopForm, WindowForm)
from .ledger import LedgerError
from .models import Account, Board, Claim, Entry, Order, Product, Rule, Shop, Unit
from .policy import APPROVE, AWARD, CLAIM, REDEEM, REVIEW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _personal(user) -> bool:
    return user.role in PERSONAL_ROLES and bool(user.person_id)


def _fail(request, exc: LedgerError):
    messages.error(request, exc.message)


# --- residents -------------------------------------------------------------------------------------

@login_required
def index(request):
    """My points (residents and party members); the staff overview otherwise."""
    user = request.user
    if user.role not in PERSONAL_ROLES:
        if not can(user, VIEW, "points_account"):
            raise PermissionDenied
        return render(request, "points/staff.html", {"box": queries.home_box(user),
                                                     "may_award": can(user, AWARD, "points_account"),
                                                     "may_change_rules": can(user, CHANGE, "points_rule"),
                                                     "may_manage_shop": can(user, CHANGE, "points_shop"),
                                                     "may_export": can(user, EXPORT, "points_account"),
                                                     "may_pick_up": actions.clerk_shops(user).exists(),
                                                     "window": WindowForm()})
    accounts = list(restrict(user, VIEW, Account).select_related("person", "household"))
    entries = Entry.objects.filter(account__in=accounts).select_related("rule", "account").order_by("-time", "-id")[:20]
    claims = restrict(user, VIEW, Claim).select_related("rule")[:10]
    return render(request, "points/mine.html", {"accounts": accounts, "entries": entries, "claims": claims,
                                                "clerk": actions.clerk_shops(user).exists()})


@login_required
def accounts(request):
    """Staff: the accounts under their node with balances, by name, linking to each statement."""
    user = request.user
    if user.role in PERSONAL_ROLES or not can(user, VIEW, "points_account"):
        raise PermissionDenied
    rows = restrict(user, VIEW, Account).select_related("person__grid", "household__grid", "household__head")
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        rows = rows.filter(Q(person__name__contains=q) | Q(household__head__name__contains=q))
    rows = rows.order_by("-balance", "id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "points/accounts.html", {"page": page, "q": q})


@login_required
def statement(request, pk: int):
    """One account's statement: every entry, newest first, with reversal for staff who may."""
    account = get_object_or_404(restrict(request.user, VIEW, Account).select_related("person", "household"), pk=pk)
    entries = account.entries.select_related("rule", "reversed_by").order_by("-time", "-id")[:500]
    counter = []
    if request.user.role not in PERSONAL_ROLES and permits(request.user, REDEEM, account):
        # 代兑换: staff redeem at the counter for a resident who has no login or phone.
        counter = restrict(request.user, VIEW, Product).filter(
            is_active=True, shop__is_active=True, stock__gt=0, shop__path__in=_ancestors(account.path)
        ).select_related("shop").order_by("price")
    return render(request, "points/statement.html", {
        "account": account, "entries": entries, "may_reverse": permits(request.user, "reverse", account),
        "reason_form": ReasonForm(), "counter": counter})


@login_required
@require_POST
def counter_redeem(request, pk: int):
    account = get_object_or_404(restrict(request.user, VIEW, Account), pk=pk)
    product = get_object_or_404(restrict(request.user, VIEW, Product), pk=request.POST.get("product") or 0)
    form = RedeemForm(request.POST)
    try:
        if not form.is_valid():
            raise LedgerError(_("Order at least one, at most 99."), status=400)
        order = actions.do_redeem(request.user, product, form.cleaned_data["quantity"], account=account)
        messages.success(request, _("Redeemed %(product)s x%(n)d; the pickup code is %(code)s.") % {
            "product": product.name, "n": order.quantity, "code": order.code})
    except LedgerError as exc:
        _fail(request, exc)
    return redirect("points:statement", account.pk)


@login_required
@require_POST
def reverse(request, pk: int):
    entry = get_object_or_404(restrict(request.user, VIEW, Entry), pk=pk)
    form = ReasonForm(request.POST)
    try:
        actions.do_reverse(request.user, entry, form.data.get("reason", ""))
        messages.success(request, _("The entry has been reversed."))
    except LedgerError as exc:
        _fail(request, exc)
    return redirect("points:statement", entry.account_id)


@login_required
def shop(request):
    """The shelves of the shops the user may see (a resident's: their village's)."""
    products = restrict(request.user, VIEW, Product).filter(is_active=True, shop__is_active=True) \
        .select_related("shop").order_by("shop__name", "price", "id")
    balance = None
    if request.user.person_id:
        own = Account.objects.filter(person_id=request.user.person_id)
        balance = own.values_list("balance", flat=True).first() or 0
    return render(request, "points/shop.html", {"products": products, "balance": balance, "form": RedeemForm(),
                                                "may_redeem": _personal(request.user)})


@login_required
@require_POST
def redeem(request, pk: int):
    product = get_object_or_404(restrict(request.user, VIEW, Product), pk=pk)
    form = RedeemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Order at least one, at most 99."))
        return redirect("points:shop")
    try:
        order = actions.do_redeem(request.user, product, form.cleaned_data["quantity"])
    except LedgerError as exc:
        _fail(request, exc)
        return redirect("points:shop")
    messages.success(request, _("Redeemed. Show the pickup code %(code)s at the shop.") % {"code": order.code})
    return redirect("points:orders")


@login_required
def orders(request):
    """My orders with their pickup codes (residents); the orders of the shops in scope (staff)."""
    rows = restrict(request.user, VIEW, Order).select_related("product", "shop", "account__person")[:200]
    return render(request, "points/orders.html", {"orders": rows, "personal": _personal(request.user),
                                                  "now": timezone.now()})


@login_required
@require_POST
def cancel(request, pk: int):
    order = Order.objects.select_related("shop").filter(pk=pk).first()
    if order is None:
        raise Http404
    try:
        actions.do_cancel_order(request.user, order)
        messages.success(request, _("The order is cancelled; the points are back."))
    except LedgerError as exc:
        if exc.status == 404:
            raise Http404 from None
        _fail(request, exc)
    return redirect("points:orders")


# --- clerks ----------------------------------------------------------------------------------------

@login_required
def pickup(request):
    """Confirm a pickup (核销) by the code the resident shows."""
    shops = list(actions.clerk_shops(request.user))
    if not shops:
        raise PermissionDenied
    done = None
    form = PickupForm(request.POST or None, shops=shops)
    if request.method == "POST" and form.is_valid():
        shop_obj = next(s for s in shops if s.pk == form.cleaned_data["shop"])
        try:
            done = actions.do_pickup(request.user, code=form.cleaned_data["code"].strip(), shop=shop_obj)
            messages.success(request, _("Picked up: %(product)s x%(n)d.") % {"product": done.product.name,
                                                                             "n": done.quantity})
            form = PickupForm(shops=shops)
        except LedgerError as exc:
            _fail(request, exc)
    return render(request, "points/pickup.html", {"form": form, "done": done})


# --- claims ----------------------------------------------------------------------------------------

def _claim_rules(user, person_path: str | None):
    rules = actions.rules_for(person_path or user.scope_path, points__gt=0)
    return list(rules.order_by("code"))


@login_required
def claims(request):
    """Staff: claims to review and approve in scope. Residents: their claims and a form to file one."""
    user = request.user
    if not can(user, VIEW, "points_claim"):
        raise PermissionDenied
    rows = restrict(user, VIEW, Claim).select_related("person", "rule", "reviewed_by", "approved_by")
    state = request.GET.get("state") or ("" if _personal(user) else "open")
    if state == "open":
        rows = rows.filter(state__in=[Claim.State.SUBMITTED, Claim.State.REVIEWED, Claim.State.PUBLICISED])
    elif state in Claim.State.values:
        rows = rows.filter(state=state)
    return render(request, "points/claims.html", {
        "claims": rows[:200], "state": state, "states": Claim.State.choices,
        "may_review": can(user, REVIEW, "points_claim"), "may_approve": can(user, APPROVE, "points_claim"),
        "reason_form": ReasonForm()})


@login_required
def claim_new(request):
    """File a claim: residents for themselves, staff for a resident of their area."""
    user = request.user
    personal = _personal(user)
    if not can(user, CLAIM, "points_claim"):
        raise PermissionDenied
    people = None
    if not personal:
        people = restrict(user, VIEW, Person).select_related("grid").order_by("grid__path", "name")[:500]
    rules = _claim_rules(user, user.person.path if personal else None)
    form = ClaimForm(request.POST or None, request.FILES or None, rules=rules, people=people)
    if request.method == "POST" and form.is_valid():
        rule = next(r for r in rules if r.pk == form.cleaned_data["rule"])
        if personal:
            person = user.person
        else:
            person = restrict(user, VIEW, Person).filter(pk=form.cleaned_data["person"]).first()
        try:
            actions.do_file_claim(user, person, rule, form.cleaned_data["evidence"],
                                  photo=form.cleaned_data.get("photo"))
            messages.success(request, _("The claim is filed. The grid reviews it, then the village approves it."))
            return redirect("points:claims")
        except LedgerError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
    return render(request, "points/form.html", {"form": form, "title": _("File a claim for points"),
                                                "multipart": True})


@login_required
@require_POST
def claim_review(request, pk: int, decision: str):
    claim = get_object_or_404(restrict(request.user, VIEW, Claim), pk=pk)
    try:
        actions.do_review_claim(request.user, claim, decision == "approve", request.POST.get("reason", ""))
        messages.success(request, _("Done."))
    except LedgerError as exc:
        _fail(request, exc)
    return redirect(safe_next(request) or "points:claims")


@login_required
def claim_photo(request, pk: int):
    claim = get_object_or_404(restrict(request.user, VIEW, Claim), pk=pk)
    if not claim.photo:
        raise Http404
    from django.http import FileResponse

    response = FileResponse(claim.photo.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- staff: awards, rules, shop --------------------------------------------------------------------

@login_required
def award(request):
    user = request.user
    if not can(user, AWARD, "points_account"):
        raise PermissionDenied
    # The rules of the user's town and village, and those set under their node.
    candidates = Rule.objects.filter(Q(path__in=_ancestors(user.scope_path)) | Q(path__startswith=user.scope_path),
                                     is_active=True, needs_review=False).order_by("code")
    rules = [r for r in candidates if user.is_superuser or user.role in (r.award_roles or [])]
    people = restrict(user, VIEW, Person).select_related("grid").order_by("grid__path", "name")[:500]
    form = AwardForm(request.POST or None, rules=rules, people=people)
    if request.method == "POST" and form.is_valid():
        rule = next(r for r in rules if r.pk == form.cleaned_data["rule"])
        person = restrict(user, VIEW, Person).filter(pk=form.cleaned_data["person"]).first()
        try:
            entry = actions.do_award(user, rule, form.cleaned_data["reason"], person=person)
            messages.success(request, _("%(points)+d points recorded for %(name)s.") % {
                "points": entry.points, "name": person.name})
            return redirect("points:award")
        except LedgerError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
    return render(request, "points/form.html", {"form": form, "title": _("Award or deduct points")})


@login_required
def rules(request):
    user = request.user
    rows = queries.visible_rules(user).select_related("region")
    if _personal(user):
        rows = rows.filter(is_active=True)
    form = None
    if can(user, CHANGE, "points_rule"):
        regions = restrict(user, VIEW, Region).filter(level__in=[Region.Level.TOWN, Region.Level.VILLAGE])
        form = RuleForm(request.POST or None, regions=regions)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            region = regions.get(pk=data.pop("scope"))
            try:
                actions.do_save_rule(user, region, **data)
                messages.success(request, _("The rule is saved."))
                return redirect("points:rules")
            except LedgerError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
    rows = list(rows.order_by("path", "code"))
    may_change = can(user, CHANGE, "points_rule")
    for rule in rows:  # staff change the rules set at or under their node, not the town's from a village
        rule.editable = may_change and (user.is_superuser or rule.path.startswith(user.scope_path or "-"))
    return render(request, "points/rules.html", {"rules": rows, "form": form})


@login_required
def rule_edit(request, pk: int):
    """Change a rule (its points, cap, who may award it) or retire it; the ledger keeps past entries."""
    user = request.user
    rule = get_object_or_404(restrict(user, CHANGE, Rule).select_related("region"), pk=pk)
    regions = restrict(user, VIEW, Region).filter(level__in=[Region.Level.TOWN, Region.Level.VILLAGE])
    initial = {f: getattr(rule, f) for f in actions.RULE_FIELDS}
    initial["scope"] = rule.region_id
    form = RuleForm(request.POST or None, initial=initial, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region = regions.get(pk=data.pop("scope"))
        try:
            actions.do_save_rule(user, region, rule=rule, **data)
            messages.success(request, _("The rule is saved."))
            return redirect("points:rules")
        except LedgerError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
    return render(request, "points/form.html", {"form": form, "title": rule.name})


def _ancestors(path: str) -> list[str]:
    parts = (path or "").split(".")
    return [".".join(parts[:n]) + "." for n in range(1, len(parts))]


@login_required
def products(request):
    """Shops and their products in scope: add a shop, add or change products, attach clerks, pickup link."""
    user = request.user
    if not can(user, CHANGE, "points_shop"):
        raise PermissionDenied
    shops = list(restrict(user, CHANGE, Shop).prefetch_related("products", "clerks"))
    villages = restrict(user, VIEW, Region).filter(level=Region.Level.VILLAGE)
    shop_form = ShopForm(request.POST if request.POST.get("form") == "shop" else None, villages=villages)
    if shop_form.is_bound and shop_form.is_valid():
        try:
            actions.do_create_shop(user, villages.get(pk=shop_form.cleaned_data["village"]),
                                   shop_form.cleaned_data["name"])
            return redirect("points:products")
        except LedgerError as exc:
            shop_form.add_error(None, str(exc.message))
    return render(request, "points/products.html", {"shops": shops, "shop_form": shop_form,
                                                    "product_form": ProductForm(), "clerk_form": ClerkForm()})


@login_required
@require_POST
def clerk_set(request, shop_id: int):
    """Attach (or with remove=1 detach) a clerk, an account of the shop's village, e.g. the shopkeeper."""
    shop_obj = get_object_or_404(restrict(request.user, CHANGE, Shop), pk=shop_id)
    form = ClerkForm(request.POST)
    clerk = None
    if form.is_valid():
        clerk = User.objects.filter(username=form.cleaned_data["username"].strip(), is_active=True,
                                    scope_path__startswith=shop_obj.path).first()
    if clerk is None:
        messages.error(request, _("No active account of this village has that username."))
    else:
        actions.do_set_clerk(request.user, shop_obj, clerk, present=request.POST.get("remove") != "1")
        messages.success(request, _("Done."))
    return redirect("points:products")


@login_required
@require_POST
def product_save(request, shop_id: int, pk: int | None = None):
    shop_obj = get_object_or_404(restrict(request.user, CHANGE, Shop), pk=shop_id)
    product = get_object_or_404(Product, pk=pk, shop=shop_obj) if pk else None
    form = ProductForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the name, price and stock."))
    else:
        try:
            actions.do_save_product(request.user, shop_obj, product=product, **form.cleaned_data)
            messages.success(request, _("The product is saved."))
        except LedgerError as exc:
            _fail(request, exc)
    return redirect("points:products")


# --- rankings, board, exports ----------------------------------------------------------------------

def _scope_choices(user):
    villages = restrict(user, VIEW, Region).filter(level=Region.Level.VILLAGE).values_list("code", "name")
    grids = restrict(user, VIEW, Grid).filter(level=Grid.Level.SMALL).values_list("code", "name")
    return [(c, n) for c, n in villages] + [(c, n) for c, n in grids]


@login_required
def ranking(request):
    """Rankings by village and grid, person and household, month and year (names masked)."""
    user = request.user
    if _personal(user):
        path, choices = village_path(user.person.path), []
    else:
        if not can(user, VIEW, "points_account"):
            raise PermissionDenied
        path, choices = user.scope_path, _scope_choices(user)
    form = RankingForm(request.GET or None, scopes=choices)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("scope"):
        node = scope_node(user, data["scope"])
        if node is None:
            raise Http404
        path = node.path
    period, unit = data.get("period") or "month", data.get("unit") or Unit.PERSON
    boards = []
    if can(user, CHANGE, "points_rule"):
        boards = restrict(user, VIEW, Region).filter(level=Region.Level.VILLAGE).select_related("points_board")
    return render(request, "points/ranking.html", {
        "form": form, "rows": queries.ranking(path or "", unit, period), "period": period, "unit": unit,
        "boards": boards})


@login_required
@require_POST
def board_rotate(request, region_id: int):
    """Create or replace the secret link of a village's public board (the old link stops working)."""
    region = get_object_or_404(restrict(request.user, VIEW, Region).filter(level=Region.Level.VILLAGE), pk=region_id)
    if not can(request.user, CHANGE, "points_rule"):
        raise PermissionDenied
    with transaction.atomic():
        board, created = Board.objects.select_for_update().get_or_create(
            region=region, defaults={"token": Board.new_token(), "path": region.path})
        if not created:
            board.token = Board.new_token()
            board.save(update_fields=["token"])
        audit.record("points.board_link", board, None, {"rotated": not created}, actor=request.user)
    return redirect("points:ranking")


def board(request, token: str):
    """The village screen: no login, reachable only by the village's secret link; large type, masked
    names, points only."""
    found = Board.objects.select_related("region").filter(token=token).first()
    if found is None:
        raise Http404
    path = found.region.path
    response = render(request, "points/board.html", {
        "region": found.region, "month": queries.ranking(path, Unit.PERSON, "month", limit=20),
        "households": queries.ranking(path, Unit.HOUSEHOLD, "year", limit=10), "now": timezone.localtime()})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _window(request):
    form = WindowForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    since, until = queries.period_bounds("year")
    return data.get("since") or since, data.get("until") or until


def _xlsx(request, book, name: str, kind: str) -> HttpResponse:
    response = HttpResponse(content_type=XLSX)
    book.save(response)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    audit.record(f"points.export_{kind}", request.user, None, {"file": name}, actor=request.user)
    return response


@login_required
def export_ledger(request):
    if not can(request.user, EXPORT, "points_account"):
        raise PermissionDenied
    since, until = _window(request)
    return _xlsx(request, queries.ledger_workbook(request.user, since, until),
                 f"points-ledger-{since:%Y%m%d}-{until:%Y%m%d}.xlsx", "ledger")


@login_required
def export_orders(request):
    if not can(request.user, EXPORT, "points_order"):
        raise PermissionDenied
    since, until = _window(request)
    return _xlsx(request, queries.orders_workbook(request.user, since, until),
                 f"points-orders-{since:%Y%m%d}-{until:%Y%m%d}.xlsx", "orders")


@login_required
def box(request):
    """The home page's points box, loaded by htmx after the page so the home page costs no query for it."""
    user = request.user
    if not (can(user, VIEW, "points_account") or can(user, VIEW, "points_claim")) or \
            (user.role in PERSONAL_ROLES and not user.person_id):
        return HttpResponse("")
    return render(request, "points/_box.html", {"box": queries.home_box(user)})

