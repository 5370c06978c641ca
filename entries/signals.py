from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from wagtail.signals import pre_page_move

from entries.models import EntryPage


@receiver(pre_page_move)
def keep_entries_with_their_organisation(
    sender, instance, parent_page_before, parent_page_after, **kwargs
):
    """An entry belongs to the organisation that published it: moving it under another
    would hand it over, so it is refused for everyone, by any path (admin, bulk, code)."""
    if issubclass(sender, EntryPage) and parent_page_after.pk != parent_page_before.pk:
        raise PermissionDenied("An entry stays with the organisation that published it.")
