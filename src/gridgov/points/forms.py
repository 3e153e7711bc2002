from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.scoping import ROLE_CHOICES

from . import public
from .models import Period, Unit

STAFF_ROLE_CHOICES = [(code, label) for code, label in ROLE_CHOICES
                      if code in ("town_admin", "village_secretary", "grid_worker")]


class RedeemForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99, initial=1)


class PickupForm(forms.Form):
    code = forms.CharField(label=_("Pickup code"), max_length=8,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                         "pattern": "[0-9]*"}))
    shop = forms.TypedChoiceField(label=_("Shop"), coerce=int, choices=())

    def __init__(self, *args, shops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].choices = [(s.pk, s.name) for s in shops]
        if len(self.fields["shop"].choices) == 1:
            self.fields["shop"].initial = self.fields["shop"].choices[0][0]
            self.fields["shop"].widget = forms.HiddenInput()


class ClaimForm(forms.Form):
    rule = forms.TypedChoiceField(label=_("Rule"), coerce=int, choices=())
    person = forms.TypedChoiceField(label=_("Resident"), coerce=int, choices=(), required=False)
    evidence = forms.CharField(label=_("Evidence"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("What was done, when, who can confirm it."))
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))

    def __init__(self, *args, rules=(), people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r.pk, f"{r.name} (+{r.points})") for r in rules]
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].required = True
            self.fields["person"].choices = [(p.pk, f"{p.name} · {p.grid.name}") for p in people]


class AwardForm(forms.Form):
    rule = forms.TypedChoiceField(label=_("Rule"), coerce=int, choices=())
    person = forms.TypedChoiceField(label=_("Resident"), coerce=int, choices=())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, rules=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r.pk, f"{r.name} ({r.points:+d}, {r.get_unit_display()})") for r in rules]
        self.fields["person"].choices = [(p.pk, f"{p.name} · {p.grid.name}") for p in people]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class RuleForm(forms.Form):
    scope = forms.TypedChoiceField(label=_("Scope"), coerce=int, choices=())
    code = forms.CharField(label=_("Rule code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    points = forms.IntegerField(label=_("Points (negative: deduction)"))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    cap = forms.IntegerField(label=_("Cap per period"), min_value=1, required=False)
    cap_period = forms.ChoiceField(label=_("Cap period"), choices=Period.choices, required=False)
    award_roles = forms.MultipleChoiceField(label=_("Who may award"), choices=STAFF_ROLE_CHOICES, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    needs_review = forms.BooleanField(label=_("Needs a claim with review and publicity"), required=False)
    sanction_days = forms.IntegerField(label=_("Suspends redemption for days"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    auto = forms.ChoiceField(label=_("Automatic source"), required=False,
                             choices=lambda: [("", _("None")), *public.automatic_choices()])

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(r.pk, r.name) for r in regions]


class ClerkForm(forms.Form):
    username = forms.CharField(label=_("Username of the clerk"), max_length=150)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    price = forms.IntegerField(label=_("Price in points"), min_value=1)
    stock = forms.IntegerField(label=_("Stock"), min_value=0)
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)


class ShopForm(forms.Form):
    village = forms.TypedChoiceField(label=_("Village"), coerce=int, choices=())
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(r.pk, r.name) for r in villages]


class RankingForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False,
                               choices=[("month", _("This month")), ("year", _("This year"))])
    unit = forms.ChoiceField(label=_("Unit"), required=False, choices=Unit.choices)
    scope = forms.ChoiceField(label=_("Village or grid"), required=False, choices=())

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [("", _("All I can see"))] + list(scopes)


class WindowForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
