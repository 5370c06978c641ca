"""What a backup holds of the database, and how a row is written.

Every concrete table Django manages is backed up, the many-to-many tables among them,
except those each database makes for itself (content types and permissions, created by
`migrate`) and the state that is rebuilt or worth nothing in another portal: sessions,
login throttling, the search queue, the admin's search index and its editing sessions.

Rows are written in Django's JSON Lines serialization (one row a line, written and read
as a stream) with their primary keys, so that every
reference between them (foreign keys, generic relations, page links in rich text, the
page tree's paths) stays true; a reference to a content type or a permission is written
by its natural key (app label and model, codename), since each database numbers those
itself. The same files load into SQLite and PostgreSQL.
"""

import datetime
import json

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLinesSerializer
from django.db import models
from django.utils.timezone import is_aware

# Made by `migrate` in every database, numbered by it: referred to by natural key.
BY_NATURAL_KEY = (ContentType, Permission)

NOT_BACKED_UP = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        # Signed-in sessions: people sign in again on the restored portal.
        "sessions.session",
        # Login throttling: a restored portal starts with no lockouts.
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accessfailurelog",
        "axes.accesslog",
        # Rebuilt after a restore (search.api.search_index_rebuild).
        "search.pendingindexupdate",
        # The admin's search index, written differently by each database: rebuilt too.
        "wagtailsearch.indexentry",
        "wagtailsearch.sqliteftsindexentry",
        # Who is editing which page right now, and unsaved preview forms.
        "wagtailadmin.editingsession",
        "wagtailadmin.formstate",
    }
)


def _is_table(model: type[models.Model]) -> bool:
    meta = model._meta
    return meta.managed and not meta.proxy and not meta.swapped


def backed_up_models() -> list[type[models.Model]]:
    """Every table a backup holds, many-to-many tables included, in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if _is_table(model) and model._meta.label_lower not in NOT_BACKED_UP
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def cleared_models() -> list[type[models.Model]]:
    """The tables a restore empties before it loads: all but those `migrate` fills with
    what the backup refers to by natural key."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if _is_table(model) and model not in BY_NATURAL_KEY
    ]


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but with times to the microsecond, as the databases keep them:
    Django's cuts them to the millisecond (JavaScript's precision), and a restored row
    would differ from its original."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and not is_aware(o):
            return o.isoformat()
        return super().default(o)


class RowSerializer(JSONLinesSerializer):
    """Django's JSON Lines serializer, writing natural keys for content types and permissions
    only (a page's natural key, its URL path, would change with its parent). Many-to-many
    fields are skipped: their tables are backed up as tables of their own.

    The natural keys come from `natural_keys` (by model, then primary key), read once from
    the snapshot: Django's serializer would load the related row of every reference, a query
    per row (three for a reference index row)."""

    def __init__(self, natural_keys: dict[type[models.Model], dict[int, tuple[str, ...]]]):
        super().__init__()
        self.natural_keys = natural_keys

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder

    def handle_fk_field(self, obj, field):
        keys = self.natural_keys.get(field.remote_field.model)
        if keys is None:
            super().handle_fk_field(obj, field)
            return
        pk = getattr(obj, field.get_attname())
        self._current[field.name] = None if pk is None else keys[pk]

    def handle_m2m_field(self, obj, field):
        pass

    def end_object(self, obj):
        # The same line Django writes, but through json.dumps: Django's json.dump encodes
        # in pure Python, several times slower than dumps' C encoder.
        line = json.dumps(self.get_dump_object(obj), **self.json_kwargs)
        self.stream.write(line + "\n")
        self._current = None
