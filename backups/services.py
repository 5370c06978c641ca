"""Backup and restore of a whole portal: its database, read in one consistent snapshot,
and its media files, in the layout of backups/manifest.py."""

import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from wagtail.models import Revision

from backups.manifest import (
    DATABASE_DIR,
    MEDIA_DIR,
    BackupError,
    BackupFile,
    Manifest,
    backup_verify,
    file_sha256,
    manifest_read,
    manifest_write,
)
from backups.selectors import (
    content_types_numbered,
    migrations_applied,
    permissions_numbered,
    portal_content_found,
    portal_version,
)
from backups.snapshots import database_snapshot
from backups.tables import RowSerializer, backed_up_models, cleared_models
from search.api import search_caches_clear, search_index_rebuild

ROWS_PER_QUERY = 2000


# --- Backup ---


def _directory_prepare(directory: Path) -> bool:
    """Make the backup folder; True if it was made here. A backup never mixes with other
    files, so an existing folder must be empty."""
    if directory.exists():
        if not directory.is_dir():
            raise BackupError(f"{directory}: exists and is not a folder")
        if any(directory.iterdir()):
            raise BackupError(f"{directory}: not empty; a backup goes into a new or empty folder")
        return False
    directory.mkdir(parents=True)
    return True


def _table_write(
    directory: Path, model: type[models.Model], using: str, serializer: RowSerializer
) -> BackupFile:
    relative = f"{DATABASE_DIR}/{model._meta.label_lower}.jsonl"
    rows = 0

    def counted(objects: Iterable[models.Model]) -> Iterator[models.Model]:
        nonlocal rows
        for obj in objects:
            rows += 1
            yield obj

    queryset = model._base_manager.using(using).order_by("pk")
    path = directory / relative
    objects = counted(queryset.iterator(chunk_size=ROWS_PER_QUERY))
    with path.open("w", encoding="utf-8") as stream:
        serializer.serialize(objects, stream=stream)
    return BackupFile(path=relative, sha256=file_sha256(path), bytes=path.stat().st_size, rows=rows)


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def _media_write(directory: Path, media_root: Path) -> list[BackupFile]:
    """The media files, copied after the database snapshot: every file the snapshot
    names was written before it."""
    written = []
    for source in _media_files(media_root):
        relative = f"{MEDIA_DIR}/{source.relative_to(media_root).as_posix()}"
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(
            BackupFile(path=relative, sha256=file_sha256(target), bytes=target.stat().st_size)
        )
    return written


def portal_backup(*, directory: Path) -> Manifest:
    """Write the whole portal into `directory` (new or empty). On any failure, what was
    written is removed again: a folder with a manifest is a complete backup."""
    made = _directory_prepare(directory)
    try:
        (directory / DATABASE_DIR).mkdir()
        created = timezone.now()
        with database_snapshot(directory) as using:
            migrations = migrations_applied(using=using)
            content_types = content_types_numbered(using=using)
            serializer = RowSerializer(
                {ContentType: content_types, Permission: permissions_numbered(using=using)}
            )
            tables = [
                _table_write(directory, model, using, serializer) for model in backed_up_models()
            ]
        manifest = Manifest(
            portal_version=portal_version(migrations),
            vendor=connection.vendor,
            created=created.isoformat(),
            migrations=migrations,
            content_types=content_types,
            tables=tables,
            media=_media_write(directory, Path(settings.MEDIA_ROOT)),
        )
        manifest_write(directory, manifest)
    except BaseException:
        if made:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for child in directory.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        raise
    return manifest


# --- Restore ---


@dataclass(frozen=True)
class RestoreReport:
    rows: int
    media_files: int


def _schema_check(manifest: Manifest) -> None:
    here = migrations_applied()
    for app in sorted(set(here) | set(manifest.migrations)):
        if here.get(app, []) != manifest.migrations.get(app, []):
            raise BackupError(
                f"the backup was made with another schema than this portal's (app {app!r}: "
                f"{len(manifest.migrations.get(app, []))} migrations in the backup, "
                f"{len(here.get(app, []))} here); restore with the portal version that made "
                "the backup, then upgrade"
            )


def _emptiness_check(media_root: Path) -> None:
    found = portal_content_found(media_root=media_root)
    if found:
        raise BackupError(
            f"this portal is not empty ({', '.join(found)}); a backup is restored only into "
            "an empty portal: a new database after `manage.py migrate`, and an empty MEDIA_ROOT"
        )


def _media_restore(directory: Path, manifest: Manifest, media_root: Path) -> list[Path]:
    root = media_root.resolve()
    copied: list[Path] = []
    try:
        for item in manifest.media:
            relative = item.path.removeprefix(f"{MEDIA_DIR}/")
            target = (media_root / relative).resolve()
            if relative == item.path or not target.is_relative_to(root):
                raise BackupError(f"{item.path}: not a media file of this backup")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(directory / item.path, target)
            copied.append(target)
    except BaseException:
        _media_remove(copied)
        raise
    return copied


def _media_remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _tables_clear() -> None:
    """Empty every table but those the backup refers to by natural key: a migrated
    portal already has a home page, a site, groups and workflows of its own."""
    existing = set(connection.introspection.table_names())
    tables = [model._meta.db_table for model in cleared_models()]
    statements = connection.ops.sql_flush(
        no_style(), [table for table in tables if table in existing], reset_sequences=False
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _content_type_renumbering(manifest: Manifest) -> dict[int, int]:
    here = {natural: pk for pk, natural in content_types_numbered().items()}
    return {
        old: here[natural] for old, natural in manifest.content_types.items() if natural in here
    }


def _rows_insert(model: type[models.Model], rows: list[models.Model]) -> None:
    """Insert rows of one table as the backup holds them, many to a statement. Not through
    save() nor bulk_create(): those would give auto_now fields the time of the restore, and
    bulk_create() refuses a page type's table, whose parents' rows are files of their own.
    Inserted raw, as Django loads fixtures, so no signal fires: what the receivers keep
    (the admin's search index, the reference index, the search queue) is in the backup or
    rebuilt after it, and the caches are cleared once the restore is committed."""
    fields = model._meta.local_concrete_fields
    batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
    for start in range(0, len(rows), batch):
        model._base_manager._insert(rows[start : start + batch], fields=fields, raw=True)


def _table_load(
    directory: Path, table: BackupFile, allowed: set[type], renumbering: dict[int, int]
) -> set[type[models.Model]]:
    loaded: set[type[models.Model]] = set()
    rows = 0
    pending: list[models.Model] = []
    with (directory / table.path).open(encoding="utf-8") as stream:
        try:
            for item in serializers.deserialize("jsonl", stream):
                row = item.object
                model = type(row)
                if model not in allowed:
                    raise BackupError(f"{table.path}: rows of {model._meta.label}, not restored")
                if isinstance(row, Revision) and isinstance(row.content, dict):
                    # A revision keeps its page's content type by number, as the source
                    # database numbered it.
                    old = row.content.get("content_type")
                    row.content["content_type"] = renumbering.get(old, old)
                if pending and (type(pending[0]) is not model or len(pending) >= ROWS_PER_QUERY):
                    _rows_insert(type(pending[0]), pending)
                    pending = []
                pending.append(row)
                loaded.add(model)
                rows += 1
            if pending:
                _rows_insert(type(pending[0]), pending)
        except (DeserializationError, DatabaseError) as error:
            raise BackupError(f"{table.path}: {error}") from error
    if rows != table.rows:
        raise BackupError(f"{table.path}: {rows} rows, the manifest says {table.rows}")
    return loaded


def _sequences_reset(loaded: set[type[models.Model]]) -> None:
    # Rows came with their primary keys: new rows must be numbered after them.
    statements = connection.ops.sequence_reset_sql(no_style(), sorted(loaded, key=str))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _caches_clear() -> None:
    """Every cache held what the replaced database said (Wagtail's sites and locales among
    them), and the rows were written without the signals that would have cleared it."""
    for alias in settings.CACHES:
        caches[alias].clear()
    search_caches_clear()


def portal_restore(*, directory: Path) -> RestoreReport:
    """Restore a backup into this empty portal, all or nothing: the backup is checked
    whole (manifest, every file's SHA-256, schema) before anything is written, and the
    database is written in one transaction; media files copied before a failure are
    removed again."""
    manifest = manifest_read(directory)
    backup_verify(directory, manifest)
    _schema_check(manifest)
    media_root = Path(settings.MEDIA_ROOT)
    _emptiness_check(media_root)
    copied = _media_restore(directory, manifest, media_root)
    try:
        with transaction.atomic():
            _tables_clear()
            allowed = set(backed_up_models())
            renumbering = _content_type_renumbering(manifest)
            loaded: set[type[models.Model]] = set()
            for table in manifest.tables:
                loaded |= _table_load(directory, table, allowed, renumbering)
            _sequences_reset(loaded)
    except BaseException as error:
        _media_remove(copied)
        if isinstance(error, DatabaseError):
            # Raised as the transaction commits: a reference the rows do not satisfy.
            raise BackupError(f"the database refused the restored rows: {error}") from error
        raise
    _caches_clear()
    return RestoreReport(
        rows=sum(table.rows or 0 for table in manifest.tables), media_files=len(copied)
    )


def indexes_rebuild() -> int | None:
    """After a restore: the admin's search index (Wagtail's, in the database) and the
    portal's search index, if it has an engine (the number of entries indexed; None
    without SEARCH_URL, where the database answers searches itself)."""
    call_command("wagtail_update_index", verbosity=0)
    return search_index_rebuild()
