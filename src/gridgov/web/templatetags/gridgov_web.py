"""Template helpers for the web UI."""

from django import template

from gridgov.core.scoping import can as scoping_can

register = template.Library()


@register.simple_tag
def can(user, action, kind):
    """Whether `user` may `action` some objects of `kind`: for menus and buttons only; the
    pages themselves still restrict their rows."""
    return scoping_can(user, action, kind)


@register.simple_tag(takes_context=True)
def plugged(context, kind):
    """The home boxes or menu links of the practice apps (gridgov.core.modules), each rendered with the
    page's context."""
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe

    from gridgov.core import modules

    flat = context.flatten()
    return mark_safe("".join(get_template(name).render(flat, context.get("request"))
                             for name in modules.templates(kind)))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (pagination keeps the filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
