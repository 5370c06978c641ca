from django import template

from briefings.selectors import SelectionShown, selection_shown, selection_stored
from entries.visibility import reader_for

register = template.Library()


def _session(context):
    # Pages rendered without a request (or a session) have no selection to show.
    return getattr(context.get("request"), "session", None)


@register.simple_tag(takes_context=True)
def comparison_selection(context) -> SelectionShown:
    """The reader's selection as the tray shows it: only entries they may see."""
    session = _session(context)
    if not session or not selection_stored(session=session):
        return SelectionShown(entries=[])
    return selection_shown(reader=reader_for(context["request"].user), session=session)


@register.inclusion_tag("briefings/comparison_form.html", takes_context=True)
def comparison_form(context, return_to: str = ""):
    """The page's one form that every "Add to comparison" button submits (with its entry's
    key): it carries the return address once, however many cards the page has. It returns
    to this page (`return_to` where the page knows a cleaner address than the one it was
    asked by), at the card whose button was pressed."""
    request = context.get("request")
    return {
        "request": request,
        "next": return_to or (request.get_full_path() if request else ""),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("briefings/comparison_toggle.html", takes_context=True)
def comparison_toggle(context, organisation_id: str, entry_id: str, title: str, language: str):
    """The entry's button, "Add to comparison" or, once selected, "Remove from comparison",
    submitting the page's comparison form: it works without JavaScript."""
    key = f"{organisation_id}/{entry_id}"
    return {
        "key": key,
        "selected": key in selection_stored(session=_session(context)),
        "title": title,
        "language": language,
    }
