from urllib.parse import urlencode

from django import template
from django.urls import reverse

from briefings.selectors import MAX_COMPARED, selection_keys

register = template.Library()


@register.simple_tag(takes_context=True)
def comparison_add_url(context, entry) -> str:
    """The comparison of the entries the page's address carries (e=, as the comparison's
    links give it) with this one added: the selection lives in the URL, so it works without
    JavaScript and survives going from an entry to another. Past MAX_COMPARED the oldest
    choice gives way."""
    key = f"{entry.organisation.slug}/{entry.slug}"
    keys = [other for other in selection_keys(context["request"].GET.getlist("e")) if other != key]
    keys = [*keys[-(MAX_COMPARED - 1) :], key]
    return reverse("compare") + "?" + urlencode([("e", other) for other in keys])
