"""The page type of each kind of entry, found among the installed models: practices and
lessons subclass EntryPage and name their kind, and entries import neither of them."""

from django.apps import apps

from entries.models import EntryPage


def entry_page_class(kind: str) -> type[EntryPage]:
    """The concrete page type of this kind; LookupError for a kind no page type has."""
    for model in apps.get_models():
        if issubclass(model, EntryPage) and model.entry_kind == kind:
            return model
    raise LookupError(f"no page type of entries has the kind {kind!r}")
