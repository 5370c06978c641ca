"""The layout of a backup folder and its manifest (described in README.md, "Backup and
restore"):

    manifest.json           what the folder holds, written last
    database/<model>.jsonl  the rows of one table (backups/tables.py), e.g. auth.user.jsonl
    media/<path>            the files of MEDIA_ROOT, under their own paths

The manifest names the format's version, the portal's schema (every applied migration),
the database it was made from, when, the content types of that database (revisions keep a
page's content type by number), and every file with its size, SHA-256 and, for tables,
the number of rows. A restore reads nothing that the manifest does not vouch for.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

FORMAT = "portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_DIR = "database"
MEDIA_DIR = "media"


class BackupError(Exception):
    """A backup or restore refused, with what is wrong; nothing was written."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class BackupFile:
    path: str  # relative to the backup folder, with "/"
    sha256: str
    bytes: int
    rows: int | None = None  # tables only

    def as_json(self) -> dict:
        data = {"path": self.path, "sha256": self.sha256, "bytes": self.bytes}
        if self.rows is not None:
            data["rows"] = self.rows
        return data


@dataclass(frozen=True)
class Manifest:
    portal_version: str
    vendor: str
    created: str
    migrations: dict[str, list[str]]
    content_types: dict[int, tuple[str, str]]
    tables: list[BackupFile]
    media: list[BackupFile]

    @property
    def files(self) -> list[BackupFile]:
        return [*self.tables, *self.media]

    def as_json(self) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "portal_version": self.portal_version,
            "vendor": self.vendor,
            "created": self.created,
            "counts": {
                "tables": len(self.tables),
                "rows": sum(table.rows or 0 for table in self.tables),
                "media_files": len(self.media),
            },
            "migrations": self.migrations,
            "content_types": [
                [pk, app_label, model] for pk, (app_label, model) in self.content_types.items()
            ],
            "tables": [table.as_json() for table in self.tables],
            "media": [item.as_json() for item in self.media],
        }


def manifest_write(directory: Path, manifest: Manifest) -> None:
    text = json.dumps(manifest.as_json(), indent=2, ensure_ascii=False)
    (directory / MANIFEST).write_text(text + "\n", encoding="utf-8")


def _files(data: dict, key: str) -> list[BackupFile]:
    return [
        BackupFile(
            path=item["path"], sha256=item["sha256"], bytes=item["bytes"], rows=item.get("rows")
        )
        for item in data[key]
    ]


def manifest_read(directory: Path) -> Manifest:
    """The manifest of a backup folder, refused when it is missing, of another format or
    version, or not what this code wrote."""
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path}: no manifest; is {directory} a portal backup?")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path}: not a portal backup manifest (format is not {FORMAT!r})")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            f"{path}: format version {version!r} is unknown to this portal, "
            f"which reads version {FORMAT_VERSION}"
        )
    try:
        return Manifest(
            portal_version=data["portal_version"],
            vendor=data["vendor"],
            created=data["created"],
            migrations={app: list(names) for app, names in data["migrations"].items()},
            content_types={
                int(pk): (app_label, model) for pk, app_label, model in data["content_types"]
            },
            tables=_files(data, "tables"),
            media=_files(data, "media"),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(f"{path}: incomplete or malformed ({error!r})") from error


def backup_verify(directory: Path, manifest: Manifest) -> None:
    """Every file the manifest names is there, unchanged, and nothing else is, nor a path
    that leads out of the folder."""
    root = directory.resolve()
    listed = set()
    for item in manifest.files:
        path = (directory / item.path).resolve()
        if not path.is_relative_to(root) or item.path in listed:
            raise BackupError(f"{MANIFEST}: {item.path!r} is not a file of this backup")
        listed.add(item.path)
        if not path.is_file():
            raise BackupError(f"{item.path}: missing from {directory}")
        if path.stat().st_size != item.bytes or file_sha256(path) != item.sha256:
            raise BackupError(
                f"{item.path}: its content differs from the manifest's SHA-256 "
                "(changed or damaged since the backup)"
            )
    present = {
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    unlisted = sorted(present - listed)
    if unlisted:
        raise BackupError(f"{unlisted[0]}: not in the manifest")
