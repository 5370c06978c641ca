"""Keep the index in step with entries: every change that can alter what a search shows
(publish, unpublish, edit, import, delete, visibility, the organisation's name, the
original of a translation, a peer review given or withdrawn) queues the entry, and the
entries translating it, for an index update, applied at once when the engine answers
(search/queue.py). And keep the process cache (search/cache.py) in step with the
vocabulary and the organisations."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from entries.models import EntryPage, PeerReview
from entries.signals import entry_saves_deferred, entry_written
from entries.translations import entries_translating, entry_original_pk
from organisations.models import OrganisationPage
from search.cache import process_cache_clear
from search.queue import index_update_enqueue
from vocabulary.models import Term


def _entry_and_translations(entry: EntryPage) -> list[int]:
    # Translations of translations are in the group of the entry's original: when the
    # entry's translation_of changes, so does their group. The original's document says
    # that its group holds other versions (search.documents.SHARED_GROUP_FIELD).
    original = entry_original_pk(entry)
    return [entry.pk, *entries_translating(entry), *([original] if original else [])]


def _entry_changed(sender, instance, **kwargs) -> None:
    if isinstance(instance, EntryPage):
        if entry_saves_deferred():
            return  # Its writer sends entry_written after the last save.
        index_update_enqueue(_entry_and_translations(instance))
    elif isinstance(instance, OrganisationPage) and kwargs.get("signal") is page_published:
        # Results show the organisation's name: its entries carry it in their documents.
        index_update_enqueue(list(instance.entries.values_list("pk", flat=True)))


def _entry_saved(sender, instance, **kwargs) -> None:
    # A live entry saved outside a publish (a visibility change by a service, a move).
    if isinstance(instance, EntryPage) and not (kwargs.get("raw") or entry_saves_deferred()):
        index_update_enqueue(_entry_and_translations(instance))


def _review_changed(sender, instance: PeerReview, **kwargs) -> None:
    # Whether an entry is peer-reviewed is a facet of its document. Only the reviewed
    # version changes: each version of a translation group is reviewed on its own.
    if not kwargs.get("raw"):
        index_update_enqueue([instance.entry_id])


def connect() -> None:
    page_published.connect(_entry_changed, dispatch_uid="search_page_published")
    page_unpublished.connect(_entry_changed, dispatch_uid="search_page_unpublished")
    post_delete.connect(_entry_changed, dispatch_uid="search_entry_deleted")
    entry_written.connect(_entry_changed, dispatch_uid="search_entry_written")
    post_save.connect(_entry_saved, dispatch_uid="search_entry_saved")
    post_save.connect(_review_changed, sender=PeerReview, dispatch_uid="search_review_saved")
    post_delete.connect(_review_changed, sender=PeerReview, dispatch_uid="search_review_deleted")
    for model in (Term, OrganisationPage):
        post_save.connect(process_cache_clear, sender=model, dispatch_uid=f"search-cache-{model}")
        post_delete.connect(process_cache_clear, sender=model, dispatch_uid=f"search-del-{model}")
