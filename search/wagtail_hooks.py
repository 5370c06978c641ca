"""The vocabulary's synonyms as editors change them in the admin: applied to the live
search index once the change is saved (search.indexing.synonyms_reload), no rebuild."""

import logging

from django.db import transaction
from wagtail import hooks

from search.engine_adapters import EngineError, EngineUnavailable
from search.indexing import synonyms_reload
from vocabulary.models import Term

logger = logging.getLogger(__name__)


def _reload_synonyms() -> None:
    try:
        synonyms_reload()
    except (EngineError, EngineUnavailable):
        # The next rebuild applies them; searches meanwhile use the earlier synonyms.
        logger.exception("vocabulary synonyms not applied to the search index")


def _term_changed(request, instance) -> None:
    if isinstance(instance, Term):
        transaction.on_commit(_reload_synonyms)


hooks.register("after_create_snippet", _term_changed)
hooks.register("after_edit_snippet", _term_changed)


@hooks.register("after_delete_snippet")
def _terms_deleted(request, instances) -> None:
    if any(isinstance(instance, Term) for instance in instances):
        transaction.on_commit(_reload_synonyms)
