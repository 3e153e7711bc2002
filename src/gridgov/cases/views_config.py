"""The case configuration pages (town administrators) and the in-app notification inbox (everyone).

/cases/config/ shows the category tree (大类/小类) with each category's handling level, default unit and
time limits, the handling units with their members, and the working calendar (holidays and make-up
workdays of a year; the working hours come from GRIDGOV_WORKDAY and are only shown). Every change goes
through the configuration actions (do_create_category, do_update_category, do_create_unit,
do_set_unit_members, do_set_holiday, do_remove_holiday), which check the permission again and write
the audit rows; a form that does not validate, or an action that refuses, saves nothing and shows why.

Categories and the calendar are shared by the whole installation; units, their regions and the accounts
offered as members come through restrict(), so an administrator only sees and assigns those of their
own town.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase, Prefetch, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.core.scoping import CHANGE, VIEW, can, restrict
from gridgov.org import names
from gridgov.org.models import Region, User

from . import actions, conf
from .models import Category, Holiday, Level, Notification, TimeUnit, Unit
from .workflow import CaseError

NOTIFICATION_PAGE_SIZE = 20


def _configurator(user) -> None:
    if not can(user, CHANGE, "case_config"):
        raise PermissionDenied(_("The case configuration is for town administrators."))


def _units(user):
    return restrict(user, VIEW, Unit).select_related("region")


# Forms --------------------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    name = forms.CharField(label=_lazy("Name"), max_length=100)
    handling_level = forms.ChoiceField(label=_lazy("Handling level"), choices=Level.choices)
    default_unit = forms.ModelChoiceField(label=_lazy("Default unit"), queryset=Unit.objects.none(), required=False)
    limit_unit = forms.ChoiceField(label=_lazy("Time limits in"), choices=TimeUnit.choices)
    accept_limit = forms.IntegerField(label=_lazy("Time to assess"), min_value=1, max_value=10000)
    dispatch_limit = forms.IntegerField(label=_lazy("Time to dispatch"), min_value=1, max_value=10000)
    handle_limit = forms.IntegerField(label=_lazy("Time to handle"), min_value=1, max_value=10000)
    verify_limit = forms.IntegerField(label=_lazy("Time to verify"), min_value=1, max_value=10000)
    is_active = forms.BooleanField(label=_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_unit"].queryset = units if units is not None else Unit.objects.none()

    def action_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in (
            "name", "handling_level", "default_unit", "limit_unit", "accept_limit", "dispatch_limit",
            "handle_limit", "verify_limit", "is_active")}


class NewCategoryForm(CategoryForm):
    code = forms.CharField(label=_lazy("Code"), max_length=4,
                           help_text=_lazy("2 digits for a main category (01); its code and 2 more digits for a "
                                           "subcategory (0101)."))
    parent = forms.ModelChoiceField(label=_lazy("Main category"), required=False,
                                    queryset=Category.objects.filter(level=1).order_by("code"),
                                    empty_label=_lazy("(none: this is a main category)"))

    field_order = ["code", "parent", "name"]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("A category code is made of digits."))
        if Category.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A category with the code %(code)s already exists.") % {"code": code})
        return code

    def clean(self):
        data = super().clean()
        code, parent = data.get("code"), data.get("parent")
        if code and parent is None and len(code) != 2:
            self.add_error("code", _("A main category's code has 2 digits: %(code)s") % {"code": code})
        if code and parent is not None and not (len(code) == 4 and code.startswith(parent.code)):
            self.add_error("code", _("A subcategory's code is its main category's code and 2 digits: %(code)s")
                           % {"code": code})
        return data


class AccountsField(forms.ModelMultipleChoiceField):
    """Accounts to tick, each by name and post (org.names) rather than by username."""

    def label_from_instance(self, obj):
        return obj.label


class UnitForm(forms.Form):
    code = forms.CharField(label=_lazy("Code"), max_length=32)
    name = forms.CharField(label=_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=_lazy("Kind"), choices=Unit.Kind.choices)
    region = forms.ModelChoiceField(label=_lazy("Town or village"), queryset=Region.objects.none())
    members = AccountsField(label=_lazy("Members"), queryset=User.objects.none(), required=False,
                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, regions=None, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["members"].queryset = users

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Unit.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A unit needs a code of its own: %(code)s") % {"code": code})
        return code

    def clean(self):
        data = super().clean()
        kind, region = data.get("kind"), data.get("region")
        if kind and region is not None and (kind == Unit.Kind.VILLAGE) != (region.level == Region.Level.VILLAGE):
            self.add_error("kind", _("A village committee belongs to a village; town offices and departments "
                                     "to a town."))
        return data


class MembersForm(forms.Form):
    members = AccountsField(label=_lazy("Members"), queryset=User.objects.none(), required=False,
                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = users


class HolidayForm(forms.Form):
    date = forms.DateField(label=_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_lazy("Kind of day"), coerce=lambda v: v == "1",
        choices=[("0", _lazy("Holiday (no work)")), ("1", _lazy("Make-up workday"))])
    name = forms.CharField(label=_lazy("Name"), max_length=50, required=False)


# Pages --------------------------------------------------------------------------------------------


def _regions(user):
    return restrict(user, VIEW, Region).filter(level__in=[Region.Level.TOWN, Region.Level.VILLAGE]).order_by("path")


def _users(user):
    return (restrict(user, VIEW, User).filter(is_active=True).exclude(scope_path="")
            .select_related(*names.LABEL_RELATED).order_by("scope_path", "username"))


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


def _render_config(request, status=200, category_form=None, unit_form=None, holiday_form=None, edit_form=None,
                   editing=None, member_forms=None):
    user = request.user
    year = _year(request)
    units = _units(user)
    categories = list(Category.objects.select_related("default_unit").order_by("code"))
    mains = [c for c in categories if c.level == 1]
    children = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    tree = [(main, children.get(main.pk, [])) for main in mains]
    users = _users(user)
    members = User.objects.select_related(*names.LABEL_RELATED).order_by("username")
    unit_rows = list(units.prefetch_related(Prefetch("members", queryset=members)).order_by("path", "code"))
    member_forms = member_forms or {}
    for unit in unit_rows:
        unit.members_form = member_forms.get(unit.pk)  # the others load when their unit is opened
    holidays = list(Holiday.objects.filter(date__year=year).order_by("date"))
    return render(request, "cases/config_page.html", {
        "tree": tree,
        "category_form": category_form or NewCategoryForm(units=units),
        "edit_form": edit_form, "editing": editing,
        "units": unit_rows,
        "unit_form": unit_form or UnitForm(regions=_regions(user), users=users),
        "holidays": holidays, "year": year, "years": (year - 1, year + 1),
        "holiday_form": holiday_form or HolidayForm(),
        "workday": conf.get("GRIDGOV_WORKDAY"),
    }, status=status)


def _back(anchor: str, year: int | None = None) -> str:
    query = f"?year={year}" if year else ""
    return f"{reverse('cases:config')}{query}#{anchor}"


@login_required
def config(request):
    _configurator(request.user)
    return _render_config(request)


@login_required
@require_POST
def category_create(request):
    user = request.user
    _configurator(user)
    form = NewCategoryForm(request.POST, units=_units(user))
    if form.is_valid():
        fields = form.action_fields()
        name, is_active = fields.pop("name"), fields.pop("is_active")
        try:
            category = actions.do_create_category(user, form.cleaned_data["code"], name,
                                                  parent=form.cleaned_data["parent"], **fields)
            if not is_active:
                actions.do_update_category(user, category, is_active=False)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Category %(code)s %(name)s created.") % {"code": category.code,
                                                                                 "name": category.name})
            return redirect(_back("categories"))
    return _render_config(request, status=400, category_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, code):
    user = request.user
    _configurator(user)
    category = get_object_or_404(Category, code=code)
    units = _units(user)
    if request.method == "POST":
        form = CategoryForm(request.POST, units=units, prefix="edit")
        if form.is_valid():
            try:
                actions.do_update_category(user, category, **form.action_fields())
            except CaseError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Category %(code)s saved.") % {"code": category.code})
                return redirect(_back("categories"))
        return _render_config(request, status=400, edit_form=form, editing=category)
    form = CategoryForm(units=units, prefix="edit", initial={
        "name": category.name, "handling_level": category.handling_level, "default_unit": category.default_unit_id,
        "limit_unit": category.limit_unit, "accept_limit": category.accept_limit,
        "dispatch_limit": category.dispatch_limit, "handle_limit": category.handle_limit,
        "verify_limit": category.verify_limit, "is_active": category.is_active})
    return _render_config(request, edit_form=form, editing=category)


@login_required
@require_POST
def unit_create(request):
    user = request.user
    _configurator(user)
    form = UnitForm(request.POST, regions=_regions(user), users=_users(user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            unit = actions.do_create_unit(user, data["code"], data["name"], data["kind"], data["region"],
                                          members=data["members"])
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect(_back("units"))
    return _render_config(request, status=400, unit_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def unit_members(request, code):
    """GET: the unit's members form, loaded when the unit is opened on the configuration page (a form
    per unit, each listing every account, made that page weigh hundreds of KB). POST: save them."""
    user = request.user
    _configurator(user)
    unit = get_object_or_404(_units(user), code=code)
    if request.method == "GET":
        form = MembersForm(users=_users(user), initial={"members": list(unit.members.values_list("pk", flat=True))},
                           prefix=f"u{unit.pk}")
        return render(request, "cases/_unit_members_form.html", {"unit": unit, "form": form})
    form = MembersForm(request.POST, users=_users(user), prefix=f"u{unit.pk}")
    if form.is_valid():
        try:
            actions.do_set_unit_members(user, unit, form.cleaned_data["members"])
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Members of %(name)s saved.") % {"name": unit.name})
            return redirect(_back("units"))
    return _render_config(request, status=400, member_forms={unit.pk: form})


@login_required
@require_POST
def holiday_set(request):
    user = request.user
    _configurator(user)
    form = HolidayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_set_holiday(user, data["date"], data["is_workday"], data["name"])
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(date)s saved on the working calendar.") % {"date": data["date"]})
            return redirect(_back("calendar", data["date"].year))
    return _render_config(request, status=400, holiday_form=form)


@login_required
@require_POST
def holiday_remove(request):
    user = request.user
    _configurator(user)
    try:
        day = datetime.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        messages.error(request, _("Give a valid date."))
        return redirect(_back("calendar"))
    try:
        removed = actions.do_remove_holiday(user, day)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        if removed:
            messages.success(request, _("%(date)s follows the Monday-to-Friday rule again.") % {"date": day})
    return redirect(_back("calendar", day.year))


# Notifications ------------------------------------------------------------------------------------


@login_required
def notifications(request):
    # Only the user's own rows; unread first, then newest first.
    rows = (Notification.objects.filter(user=request.user).select_related("case")
            .annotate(unread=SqlCase(When(read_at__isnull=True, then=Value(0)), default=Value(1)))
            .order_by("unread", "-created_at", "-id"))
    page = Paginator(rows, NOTIFICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    marked = actions.do_mark_read(request.user)
    if marked:
        messages.success(request, _("All notifications marked read."))
    return redirect("cases:notifications")
