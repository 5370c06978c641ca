from django import template

from follow.params import params_as_saved

register = template.Library()


@register.filter
def saved_params(params: list[tuple[str, str]]) -> str:
    """The search page's parameters as a saved search keeps them."""
    return params_as_saved(params)
