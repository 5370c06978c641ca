from collections.abc import Iterator
from contextlib import contextmanager

from asgiref.local import Local
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import pre_page_move

from entries.models import EntryPage

# Sent (with instance, the entry) once entries/services.py has written an entry, after the
# saves whose index updates it deferred (entry_saves_deferring).
entry_written = Signal()

# Set while entries/services.py writes an entry (entry_saves_deferring).
_entry_saves_deferred = Local()


def entry_saves_deferred() -> bool:
    return getattr(_entry_saves_deferred, "value", False)


@contextmanager
def entry_saves_deferring() -> Iterator[None]:
    """Writing an entry saves the page up to three times (creation, revision, publication)
    and each child item with it. Wagtail updates its reference index (what uses a term, an
    organisation) on every such save, and the admin search index (below) and
    the portal's search queue (search/signals.py) follow every save of the page. Within
    this, none is updated: entry_upsert updates each once, after the last save."""
    _entry_saves_deferred.value = True
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        del _entry_saves_deferred.value


@receiver(pre_page_move)
def keep_entries_with_their_organisation(
    sender, instance, parent_page_before, parent_page_after, **kwargs
):
    """An entry belongs to the organisation that published it: moving it under another
    would hand it over, so it is refused for everyone, by any path (admin, bulk, code)."""
    if issubclass(sender, EntryPage) and parent_page_after.pk != parent_page_before.pk:
        raise PermissionDenied("An entry stays with the organisation that published it.")


@receiver(post_save)
def admin_search_index_update(sender, instance, **kwargs):
    """Wagtail's admin search index follows an entry's saves (EntryPage turns modelsearch's
    own handlers off), but for the saves of an entry being written, whose writer updates
    it once."""
    if isinstance(instance, EntryPage) and not entry_saves_deferred():
        post_save_signal_handler(instance, **kwargs)


@receiver(post_delete)
def admin_search_index_remove(sender, instance, **kwargs):
    if isinstance(instance, EntryPage):
        post_delete_signal_handler(instance, **kwargs)
