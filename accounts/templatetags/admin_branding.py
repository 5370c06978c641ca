from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def portal_name() -> str:
    """The portal's name, as the admin's titles and sign-in page show it."""
    return settings.WAGTAIL_SITE_NAME
