from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections

from organisations.models import OrganisationIndexPage
from portal.models import HomePage
from portal.services import site_ensure


def site_ensure_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """A migrated or flushed database (a flush emits post_migrate too) always has the home
    page, the default site and /organisations/, which imports put organisations under.
    Skipped while the portal's tables are absent (the database migrated back before them)."""
    if using != DEFAULT_DB_ALIAS:
        return
    tables = connections[using].introspection.table_names()
    if not {HomePage._meta.db_table, OrganisationIndexPage._meta.db_table} <= set(tables):
        return
    # A flush empties the content types too, and the portal's receiver runs before the
    # contenttypes app makes them again: forget the cached ones, so that the pages' types
    # are made afresh rather than pointing to rows that are gone.
    ContentType.objects.clear_cache()
    site_ensure()
