import nh3
from django import template
from django.utils.safestring import mark_safe

from entries.models import Assessment

register = template.Library()


@register.filter
def marked(fragment: str) -> str:
    """A highlight fragment (HTML-escaped text with <mark> around the matches, from either
    engine) with only the <mark> tags kept: any other markup is dropped, never rendered."""
    return mark_safe(nh3.clean(fragment, tags={"mark"}, attributes={}))  # noqa: S308


@register.filter
def best_fragments(highlight: dict) -> list[str]:
    for name in ("body", "summary", "details", "title"):
        if highlight.get(name):
            return highlight[name][:2]
    return []


@register.filter
def assessment_label(value: str) -> str:
    return dict(Assessment.choices).get(value, value)
