"""Forms of the case pages. They only parse input; the do_* actions decide and refuse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import MAX_TEXT
from .models import MAX_PLACE, Category, Level, State

MAX_PHOTOS = 6


class ReportForm(forms.Form):
    main = forms.ChoiceField(label=_("Main category"), required=False)
    category = forms.ChoiceField(label=_("Subcategory"))
    description = forms.CharField(label=_("What is the problem?"), max_length=MAX_TEXT,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    # Filled by report.js with a UUID once per form: a resent form finds the case it made (do_report).
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    grid = forms.ChoiceField(label=_("Or choose the grid"), required=False)
    place = forms.CharField(label=_("Place description"), required=False, max_length=MAX_PLACE,
                            widget=forms.TextInput(attrs={
                                "placeholder": _("e.g. next to the shop at the village entrance, outside No. 12, "
                                                 "group 3"),
                                "autocomplete": "off", "enterkeyhint": "done"}))
    reporter_phone = forms.CharField(label=_("Resident's phone (reporting on behalf of a resident)"),
                                     required=False, max_length=20)

    def __init__(self, *args, categories=(), grids=(), proxy=False, **kwargs):
        super().__init__(*args, **kwargs)
        mains = [c for c in categories if c.level == 1]
        subs = [c for c in categories if c.level == 2]
        self.fields["main"].choices = [("", _("Choose…"))] + [(c.code, c.name) for c in mains]
        grouped = {}
        for c in subs:
            grouped.setdefault(c.parent_id, []).append((c.code, c.name))
        self.fields["category"].choices = [("", _("Choose…"))] + [
            (m.name, grouped[m.pk]) for m in mains if m.pk in grouped]
        self.fields["grid"].choices = [("", _("Use the map pin"))] + [(g.code, g.name) for g in grids]
        if not proxy:
            del self.fields["reporter_phone"]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        if data.get("lat") is None and not data.get("grid"):
            raise forms.ValidationError(_("Put a pin on the map or choose your grid."))
        return data


class CaseFilterForm(forms.Form):
    """Filters of the staff boards; every field optional."""

    state = forms.ChoiceField(label=_("State"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=[("", _("Any level"))] + list(Level.choices))
    category = forms.ChoiceField(label=_("Category"), required=False)
    grid = forms.CharField(label=_("Grid code"), required=False, max_length=20)
    clock = forms.ChoiceField(label=_("Clock"), required=False, choices=[
        ("", _("Any")), ("overdue", _("Overdue")), ("due_soon", _("Due soon")), ("paused", _("Paused"))])

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Any state"))] + [(s, State(s).label) for s in states]
        self.fields["category"].choices = [("", _("Any category"))] + [
            (c.code, c.name) for c in Category.objects.filter(level=1).order_by("code")]


class StatsForm(forms.Form):
    scope = forms.CharField(label=_("Region or grid code"), required=False, max_length=20)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # The preset window (views.PERIODS); dates given replace its ends. Kept across a change of scope.
    period = forms.ChoiceField(choices=[("30d", "30d"), ("month", "month"), ("year", "year")], required=False,
                               widget=forms.HiddenInput)
