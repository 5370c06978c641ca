"""Reads about the portal a backup is made of or restored into."""

import hashlib
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from entries.models import EntryPage
from organisations.models import OrganisationPage


def migrations_applied(*, using: str = "default") -> dict[str, list[str]]:
    """Every applied migration, by app: the schema the rows fit."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def portal_version(migrations: dict[str, list[str]]) -> str:
    """The portal's version as far as its data is concerned: a digest of its schema."""
    text = json.dumps(migrations, sort_keys=True)
    return "schema-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def content_types_numbered(*, using: str = "default") -> dict[int, tuple[str, str]]:
    return {
        pk: (app_label, model)
        for pk, app_label, model in ContentType.objects.using(using).values_list(
            "pk", "app_label", "model"
        )
    }


def permissions_numbered(*, using: str = "default") -> dict[int, tuple[str, str, str]]:
    """Every permission by number, with its natural key (codename, app label, model)."""
    return {
        pk: (codename, app_label, model)
        for pk, codename, app_label, model in Permission.objects.using(using).values_list(
            "pk", "codename", "content_type__app_label", "content_type__model"
        )
    }


def portal_content_found(*, media_root: Path) -> list[str]:
    """What makes this portal other than empty (freshly migrated, the vocabulary loaded or
    not): a restore goes only into an empty one, so that it replaces nothing anyone made."""
    found = []
    checks = (
        ("user accounts", get_user_model().objects),
        ("organisations", OrganisationPage.objects),
        ("entries", EntryPage.objects),
        ("documents", get_document_model().objects),
        ("images", get_image_model().objects),
    )
    for name, manager in checks:
        count = manager.count()
        if count:
            found.append(f"{count} {name}")
    if media_root.is_dir() and any(path.is_file() for path in media_root.rglob("*")):
        found.append(f"files in MEDIA_ROOT ({media_root})")
    return found
