"""A search as a saved search keeps it: the parameters of its address, validated."""

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from follow.models import MAX_PARAMS_LENGTH
from search.api import PARAMETERS, SearchParameterError, SearchQuery, search_query_from_params

# Which page of the results was shown is no part of what is followed.
NOT_KEPT = ("page", "page_size")


def params_lists(params: str) -> dict[str, list[str]]:
    """A saved query string as search_query_from_params reads it."""
    lists: dict[str, list[str]] = {}
    for key, value in parse_qsl(params):
        lists.setdefault(key, []).append(value)
    return lists


def saved_query(params: str, *, language: str) -> SearchQuery:
    return search_query_from_params(params_lists(params), language=language)


def params_as_saved(pairs: list[tuple[str, str]]) -> str:
    """The search page's parameters as a saved search keeps them."""
    return urlencode([(key, value) for key, value in pairs if key not in NOT_KEPT])


def params_clean(search: str) -> str:
    """The parameters of a search given as its address (https://.../en/search/?q=chat) or
    its query string (q=chat&formats=chat), as a saved search keeps them; ValidationError
    naming what is wrong."""
    search = search.strip()
    if "?" in search or search.startswith(("http:", "https:", "/")):
        search = urlsplit(search).query
    else:
        search = search.split("#", 1)[0]
    if len(search) > MAX_PARAMS_LENGTH:
        raise ValidationError(
            _("This search is too long to save: at most %(most)d characters.")
            % {"most": MAX_PARAMS_LENGTH}
        )
    pairs = parse_qsl(search)
    unknown = sorted({key for key, _value in pairs if key not in PARAMETERS})
    if unknown:
        raise ValidationError(
            _("This is not a search of the portal: it has unknown parameters: %(names)s.")
            % {"names": ", ".join(name[:40] for name in unknown[:5])}
        )
    try:
        search_query_from_params(params_lists(urlencode(pairs)))
    except SearchParameterError as error:
        raise ValidationError(
            _("This search could not run: %(parameter)s %(message)s.")
            % {"parameter": error.parameter, "message": error.message}
        ) from error
    return params_as_saved(pairs)
