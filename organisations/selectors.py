from django.db.models import Count, Q, QuerySet

from entries.selectors import entries_visible
from entries.visibility import Reader
from organisations.models import OrganisationPage


def organisation_list(*, reader: Reader) -> QuerySet[OrganisationPage]:
    """Live organisations with the number of their entries this reader may see."""
    visible = entries_visible(reader=reader).values("pk")
    return (
        OrganisationPage.objects.live()
        .annotate(entry_count=Count("entries", filter=Q(entries__in=visible)))
        .order_by("title")
    )
