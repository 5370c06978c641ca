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


@register.inclusion_tag("briefings/comparison_toggle.html", takes_context=True)
def comparison_toggle(
    context, organisation_id: str, entry_id: str, title: str, language: str, return_to: str = ""
):
    """The entry's own form, "Add to comparison" or, once selected, "Remove from comparison":
    it works without JavaScript and returns to this card on this page (`return_to` where the
    page knows a cleaner address than the one it was asked by)."""
    key = f"{organisation_id}/{entry_id}"
    request = context["request"]
    return {
        "key": key,
        "selected": key in selection_stored(session=_session(context)),
        "next": return_to or request.get_full_path(),
        "title": title,
        "language": language,
        "request": request,
    }
