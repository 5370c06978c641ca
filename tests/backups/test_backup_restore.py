"""manage.py backup_portal and restore_portal, end to end.

The test database becomes a small portal (organisations, members with passwords and
authenticator devices, an API token, public, members and organisation entries, an uploaded
document). It is backed up, restored into an empty portal, backed up there and restored
again, across SQLite and PostgreSQL when POSTGRES_TEST_URL names a server (required under
CI=true); the last portal must give every reader what the first gave: the same export, the
same searches, the same sign-ins, the same files. The portal's rows are committed (a backup
reads committed data, outside any transaction), so the module empties the database after.
"""

import io
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.documents import get_document_model
from wagtail.models import Collection

from accounts.services import token_issue
from backups.manifest import file_sha256
from organisations.services import membership_set
from search.indexing import index_drop_all
from tests.backups.portals import (
    POSTGRES_URL,
    Portal,
    finished,
    postgres_admin,
    postgres_url_of,
    sqlite_copy_of_test_database,
)
from tests.backups.probe import portal_probe, probe_command
from tests.factories import make_entry
from tests.search.live import ENGINE_NAME, ENGINE_URL, engine_answers
from vocabulary.services import vocabulary_load

PASSWORD = "a long passphrase nobody guesses"  # noqa: S105
IN_CI = os.environ.get("CI") == "true"
ORGANISATIONS = {
    "org-a": {"id": "org-a", "name": "Exit Organisation A", "country": "DE"},
    "org-b": {"id": "org-b", "name": "Exit Organisation B", "country": "FR"},
}
REPORT = b"Evaluation of the chat service, 2024.\n"


def portal_build() -> dict:
    """The portal to back up; returns what its people hold outside it (their
    authenticators' keys, an API token)."""
    vocabulary_load()
    # Transactional tests that ran earlier flushed the database, the root collection that a
    # migration made included: documents need it.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    keys = {}
    # member_b's organisation has no entries: they read what any member reads.
    for username, organisation in (("member_a", "org-a"), ("member_b", "org-c")):
        user = membership_set(username=username, organisation_id=organisation, role="member").user
        user.set_password(PASSWORD)
        user.save()
        keys[username] = TOTPDevice.objects.create(user=user, name="phone", confirmed=True).key
    for entry_id, organisation, visibility in (
        ("public-chat", "org-a", "public"),
        ("members-chat", "org-b", "members"),
        ("own-chat", "org-a", "organisation"),
        ("other-own-chat", "org-b", "organisation"),
    ):
        make_entry(
            id=entry_id,
            title=f"Chat counselling ({entry_id})",
            organisation=ORGANISATIONS[organisation],
            visibility=visibility,
        )
    make_entry(
        id="public-chat-fr",
        language="fr",
        title="Conseil par chat",
        translation_of="public-chat",
        organisation=ORGANISATIONS["org-a"],
    )
    get_document_model().objects.create(
        title="Evaluation report", file=ContentFile(REPORT, name="evaluation.txt")
    )
    api_token = token_issue(user=get_user_model().objects.get(username="member_b"))
    return {"keys": keys, "api_token": api_token}


def probe_arguments(held: dict) -> dict:
    """What people present now: their password, the code their authenticator shows (from
    the key they were given, not from any database) and the API token."""
    codes = {username: f"{totp(bytes.fromhex(key)):06d}" for username, key in held["keys"].items()}
    return {"password": PASSWORD, "codes": codes, "api_token": held["api_token"]}


@dataclass(frozen=True)
class RoundTrip:
    chain: str
    backup: Path
    expected: dict
    restored: dict
    failed_restore: str
    drift: str | None
    media_after_failure: list[Path]


def hops(source_vendor: str) -> list[str]:
    """The portals restored into, in turn: both ways across the vendors when PostgreSQL
    is at hand."""
    if not POSTGRES_URL:
        return ["sqlite"]
    return ["postgresql", "sqlite"] if source_vendor == "sqlite" else ["sqlite", "postgresql"]


def backup_broken(backup: Path, into: Path) -> Path:
    """A copy of a backup whose page table names a content type no portal has, its
    manifest signed again: it passes every check and fails in the middle of the load."""
    shutil.copytree(backup, into)
    table = into / "database" / "wagtailcore.page.jsonl"
    rows = [json.loads(line) for line in table.read_text(encoding="utf-8").splitlines()]
    rows[-1]["fields"]["content_type"] = ["nowhere", "nothing"]
    table.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    manifest = json.loads((into / "manifest.json").read_text(encoding="utf-8"))
    for item in manifest["tables"]:
        if item["path"] == "database/wagtailcore.page.jsonl":
            item.update(sha256=file_sha256(table), bytes=table.stat().st_size)
    (into / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return into


@pytest.fixture(scope="module")
def round_trip(django_db_setup, django_db_blocker, tmp_path_factory):
    if IN_CI and not POSTGRES_URL:
        pytest.fail("CI=true and POSTGRES_TEST_URL is not set: restores across vendors must run")
    with_engine = engine_answers()
    if IN_CI and not with_engine:
        pytest.fail(f"CI=true and no search engine answers at {ENGINE_URL}")
    engine = {
        "SEARCH_URL": ENGINE_URL,
        "SEARCH_ENGINE": ENGINE_NAME,
        "SEARCH_INDEX_PREFIX": f"backup-{uuid.uuid4().hex[:10]}",
    }
    tmp = tmp_path_factory.mktemp("backups")
    scratch = []
    migrations = []
    with django_db_blocker.unblock():
        source_vendor = connection.vendor
        plan = hops(source_vendor)
        try:
            targets = {}
            # Empty portals to restore into, migrated while the source is built.
            for vendor in plan:
                if vendor == "sqlite":
                    target = Portal(vendor, f"sqlite:///{tmp}/restored.sqlite3", tmp / "media-s")
                    if source_vendor == "sqlite":
                        sqlite_copy_of_test_database(tmp / "restored.sqlite3")
                    else:
                        migrations.append(target.start("migrate", "-v0"))
                else:
                    name = f"backup_scratch_{uuid.uuid4().hex[:12]}"
                    postgres_admin(f'CREATE DATABASE "{name}"')
                    scratch.append(name)
                    target = Portal(vendor, postgres_url_of(name), tmp / "media-p")
                    migrations.append(target.start("migrate", "-v0"))
                targets[vendor] = target

            with override_settings(MEDIA_ROOT=tmp / "media-source"):
                held = portal_build()
                expected = portal_probe(**probe_arguments(held))
                backup = tmp / "backup-source"
                call_command("backup_portal", str(backup), stdout=io.StringIO())
            for process in migrations:
                finished(process)

            previous = backup
            for vendor in plan[:-1]:
                targets[vendor].ok("restore_portal", str(previous))
                previous = tmp / f"backup-{vendor}"
                targets[vendor].ok("backup_portal", str(previous))
            final = targets[plan[-1]]
            # A restore that fails half-way first: the portal must stay empty, so that
            # the real restore is accepted and gives the same portal.
            broken = backup_broken(previous, tmp / "backup-broken")
            failed = final.run("restore_portal", str(broken))
            assert failed.returncode != 0, "a broken backup was restored"
            media_after_failure = sorted(p for p in final.media_root.rglob("*") if p.is_file())
            final.ok("restore_portal", str(previous), extra=engine if with_engine else None)
            restored = json.loads(final.ok(python=probe_command(**probe_arguments(held))))
            drift = final.run("check_search_index", extra=engine) if with_engine else None
            yield RoundTrip(
                chain=" -> ".join([source_vendor, *plan]),
                backup=backup,
                expected=expected,
                restored=restored,
                failed_restore=failed.stderr,
                drift=None if drift is None else f"{drift.returncode}: {drift.stdout}",
                media_after_failure=media_after_failure,
            )
        finally:
            for process in migrations:
                if process.poll() is None:
                    process.kill()
                    process.communicate()
            call_command("flush", interactive=False, verbosity=0)
            for name in scratch:
                postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if with_engine:
                with override_settings(**engine):
                    index_drop_all()


def test_the_restored_portal_exports_the_same_entries(round_trip):
    exported = round_trip.restored["export"].splitlines()
    assert len(exported) == 5, round_trip.chain
    assert round_trip.restored["export"] == round_trip.expected["export"], round_trip.chain


@pytest.mark.parametrize("reader", ["anonymous", "member", "organisation"])
def test_each_kind_of_reader_finds_the_same(round_trip, reader):
    before = round_trip.expected["searches"][reader]
    after = round_trip.restored["searches"][reader]
    assert after == before, f"{reader} after {round_trip.chain}"
    # What each reader finds differs, so that the comparison means something.
    counts = {kind: found[0]["count"] for kind, found in round_trip.expected["searches"].items()}
    assert counts["anonymous"] < counts["member"] < counts["organisation"]


def test_people_sign_in_as_before_with_password_second_factor_and_api_token(round_trip):
    signed_in = {"password": True, "second_factor": True}
    assert round_trip.expected["sign_ins"] == {"member_a": signed_in, "member_b": signed_in}
    assert round_trip.restored["sign_ins"] == round_trip.expected["sign_ins"], round_trip.chain
    assert round_trip.restored["api_token_of"] == "member_b"


def test_uploaded_files_come_back_unchanged(round_trip):
    assert round_trip.expected["media"]
    assert round_trip.restored["media"] == round_trip.expected["media"], round_trip.chain


def test_members_keep_the_date_they_joined(round_trip):
    assert len(round_trip.expected["members_since"]) == 2
    assert round_trip.restored["members_since"] == round_trip.expected["members_since"], (
        round_trip.chain
    )


def test_the_rebuilt_search_index_matches_the_restored_database(round_trip):
    if round_trip.drift is None:
        pytest.skip(f"no search engine answers at {ENGINE_URL}")
    assert round_trip.drift.startswith("0: "), round_trip.drift


def test_a_restore_failing_half_way_leaves_the_portal_as_it_was(round_trip):
    assert "nowhere" in round_trip.failed_restore
    assert "nothing restored" in round_trip.failed_restore
    assert round_trip.media_after_failure == []


def test_the_manifest_describes_the_backup(round_trip):
    manifest = json.loads((round_trip.backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == 1
    assert manifest["vendor"] == connection.vendor
    tables = {item["path"]: item for item in manifest["tables"]}
    assert tables["database/auth.user.jsonl"]["rows"] == 2
    assert tables["database/otp_totp.totpdevice.jsonl"]["rows"] == 2
    assert "database/sessions.session.jsonl" not in tables
    assert "database/contenttypes.contenttype.jsonl" not in tables
    (report,) = manifest["media"]
    assert report["sha256"] == file_sha256(round_trip.backup / report["path"])


def restore_refusal(directory: Path) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore_portal", str(directory), stdout=io.StringIO())
    return str(refused.value)


def test_a_changed_file_is_refused_by_name(round_trip, db, tmp_path):
    copy = Path(shutil.copytree(round_trip.backup, tmp_path / "copy"))
    table = copy / "database" / "entries.entrypage.jsonl"
    changed = bytearray(table.read_bytes())
    changed[len(changed) // 2] ^= 1  # one bit
    table.write_bytes(bytes(changed))
    message = restore_refusal(copy)
    assert "database/entries.entrypage.jsonl" in message
    assert "SHA-256" in message


def test_a_backup_of_an_unknown_format_version_is_refused(round_trip, db, tmp_path):
    copy = Path(shutil.copytree(round_trip.backup, tmp_path / "copy"))
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["format_version"] = 2
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert "format version 2 is unknown" in restore_refusal(copy)


def test_a_portal_with_content_is_not_restored_into(round_trip, db):
    # The test database still holds the portal that was backed up.
    message = restore_refusal(round_trip.backup)
    assert "not empty" in message
    assert "2 user accounts" in message


def test_a_backup_goes_only_into_an_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("kept", encoding="utf-8")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_portal", str(tmp_path), stdout=io.StringIO())
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
