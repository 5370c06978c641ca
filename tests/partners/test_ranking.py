"""The partner finder's ranking: most aspects covered first, then the strength of the
evidence (good > promising > less good or not assessed), then the number of entries."""

import pytest
from django.http import QueryDict

from entries.visibility import ANONYMOUS, Reader
from partners.needs import need_from_params
from partners.selectors import partners_ranked
from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db")

MEMBER = Reader(is_member=True, organisation_ids=frozenset({"someone-else"}))


def entry(org: str, entry_id: str, **fields):
    return make_entry(
        id=entry_id,
        organisation={"id": org, "name": org.replace("-", " ").title(), "country": "DE"},
        title=f"{entry_id} title",
        **fields,
    )


def ranked(query: str, reader: Reader = ANONYMOUS) -> list:
    need = need_from_params(QueryDict(query), language="en")
    return partners_ranked(reader=reader, need=need)


def slugs(matches) -> list[str]:
    return [match.organisation.slug for match in matches]


NEED = (
    "formats=chat&counsellor_profiles=former-extremist&ideologies=far-right&target_groups=leavers"
)


def test_every_aspect_with_good_practices_ranks_above_half_of_them():
    # Made first, and with more entries: neither helps it past a fuller cover.
    entry(
        "half-org", "chat-far-right", formats=["chat"], ideologies=["far-right"], assessment="good"
    )
    entry("half-org", "chat-again", formats=["chat"], assessment="good")
    entry("half-org", "far-right-again", ideologies=["far-right"], assessment="good")
    entry(
        "full-org",
        "all-of-it",
        formats=["chat"],
        counsellor_profiles=["former-extremist"],
        ideologies=["far-right"],
        target_groups=["leavers"],
        assessment="good",
    )
    matches = ranked(NEED)
    assert slugs(matches) == ["full-org", "half-org"]
    full, half = matches
    assert [c.aspect.value for c in full.covered] == [
        "chat",
        "former-extremist",
        "far-right",
        "leavers",
    ]
    assert full.missing == []
    assert [c.aspect.value for c in half.covered] == ["chat", "far-right"]
    assert [a.value for a in half.missing] == ["former-extremist", "leavers"]
    assert len(half.evidence) == 3


def test_more_aspects_covered_beats_stronger_evidence_for_fewer():
    entry(
        "less-good-org", "all", formats=["chat"], ideologies=["far-right"], assessment="less-good"
    )
    entry("good-org", "chat", formats=["chat"], assessment="good")
    assert slugs(ranked("formats=chat&ideologies=far-right")) == ["less-good-org", "good-org"]


def test_as_many_aspects_covered_good_before_promising_before_less_good():
    entry("promising-org", "chat", formats=["chat"], assessment="promising")
    entry("less-good-org", "chat", formats=["chat"], assessment="less-good")
    entry("good-org", "chat", formats=["chat"], assessment="good")
    entry("lesson-org", "chat", kind="lesson", formats=["chat"], assessment=None)
    matches = ranked("formats=chat")
    # A lesson is not assessed: it weighs as a less good practice; then the name decides.
    assert slugs(matches) == ["good-org", "promising-org", "less-good-org", "lesson-org"]
    assert [match.covered[0].strongest_label for match in matches] == [
        "Good practice",
        "Promising practice",
        "Less good practice",
        "Not assessed",
    ]


def test_the_strongest_entry_of_an_aspect_is_what_counts():
    entry("mixed-org", "weak", formats=["chat"], assessment="less-good")
    entry("mixed-org", "strong", formats=["chat"], assessment="good")
    entry("promising-org", "chat", formats=["chat"], assessment="promising")
    entry("promising-org", "chat-2", formats=["chat"], assessment="promising")
    assert slugs(ranked("formats=chat")) == ["mixed-org", "promising-org"]


def test_ties_go_to_the_organisation_with_more_entries_then_by_name():
    entry("beta-org", "one", formats=["chat"], assessment="good")
    entry("beta-org", "two", formats=["chat"], assessment="good")
    entry("alpha-org", "one", formats=["chat"], assessment="good")
    entry("gamma-org", "one", formats=["chat"], assessment="good")
    assert slugs(ranked("formats=chat")) == ["beta-org", "alpha-org", "gamma-org"]


def test_a_translation_counts_once_and_shows_its_language():
    entry("org", "original", formats=["chat"], assessment="good")
    entry("org", "traduction", language="fr", translation_of="original", formats=["chat"])
    entry("other-org", "one", formats=["chat"], assessment="good")
    entry("other-org", "two", formats=["chat"], assessment="good")
    matches = ranked("formats=chat")
    # Two entries beat one entry and its translation.
    assert slugs(matches) == ["other-org", "org"]
    assert len(matches[1].evidence) == 1
    # Asking for French: the group covers it through its translation.
    (match,) = ranked("language=fr")
    assert match.organisation.slug == "org"
    assert match.evidence[0].entry.slug == "traduction"
    # Unassessed in French, the group is a good practice by its original.
    assert match.covered[0].strongest == "good"


def test_members_only_entries_count_only_for_members():
    entry("open-org", "public", formats=["chat"], assessment="promising")
    entry("open-org", "members", formats=["chat"], assessment="good", visibility="members")
    entry("closed-org", "members", formats=["chat"], assessment="good", visibility="members")
    entry("own-org", "own", formats=["chat"], assessment="good", visibility="organisation")
    visitor = ranked("formats=chat")
    assert slugs(visitor) == ["open-org"]
    assert [item.entry.slug for item in visitor[0].evidence] == ["public"]
    assert visitor[0].covered[0].strongest == "promising"
    member = ranked("formats=chat", MEMBER)
    # An organisation's own entries stay with its members.
    assert slugs(member) == ["open-org", "closed-org"]
    assert len(member[0].evidence) == 2
    assert member[0].covered[0].strongest == "good"


def test_counsellor_choice_and_online_or_in_person():
    entry("chooser-org", "choice", formats=["in-person"], counsellor_choice=True)
    entry("hybrid-org", "hybrid", formats=["hybrid"])
    entry("online-org", "chat", formats=["chat", "in-person"])
    assert slugs(ranked("counsellor_choice=yes")) == ["chooser-org"]
    assert set(slugs(ranked("mode=in-person"))) == {"chooser-org", "hybrid-org", "online-org"}
    # In person alone is not online; hybrid is both.
    assert set(slugs(ranked("mode=online"))) == {"hybrid-org", "online-org"}


def test_no_need_no_list():
    entry("org", "chat", formats=["chat"])
    assert ranked("") == []
    assert ranked("formats=no-such-format") == []
