"""A small corpus for the search behaviour tests: each entry is there to prove one thing.

Hidden entries carry a word ("zebracorn") and a platform (telegram) that no public entry
has, so any leak through results, counts, suggestions or related entries shows.
"""

from entries.services import entry_upsert
from tests.factories import entry_data

ORG = {
    "alpha": {"id": "alpha", "name": "Alpha Exit Network", "country": "DE"},
    "beta": {"id": "beta", "name": "Beta Helpline Trust", "country": "GB"},
    "gamma": {"id": "gamma", "name": "Association Gamma", "country": "FR"},
    "delta": {"id": "delta", "name": "Delta Beratung", "country": "DE"},
}

ENTRIES = [
    {
        "id": "chat-anon",
        "organisation": ORG["alpha"],
        "title": "Anonymous chat counselling for people leaving the far right",
        "summary": "Leavers write to trained counsellors in a text chat without giving their name.",
        "body": "Most first contacts happen late at night. Counsellors answer within an hour.",
        "formats": ["chat"],
        "target_groups": ["anonymity-seekers", "leavers"],
        "ideologies": ["far-right"],
        "countries": ["DE"],
        "assessment": "good",
        "status": "active",
        "started": 2019,
        "published": "2023-01-10",
    },
    {
        "id": "consultation-line",
        "organisation": ORG["beta"],
        "title": "A consultation line for worried teachers",
        "summary": "School staff call practitioners to talk through a pupil's worrying remarks.",
        "body": "Calls are free. The line is open on school days.",
        "domains": ["education"],
        "formats": ["helpline"],
        "target_groups": ["practitioners"],
        "countries": ["GB"],
        "assessment": "promising",
        "status": "ended",
        "started": 2015,
        "ended": 2018,
        "published": "2022-03-01",
        # Members-only field of a public entry: searching it must not find the entry.
        "safety": "Staff carry a separate quokkaphone for night calls.",
    },
    {
        "id": "direct-messages",
        "organisation": ORG["alpha"],
        "title": "Direct online intervention with people posting extremist content",
        "summary": "Trained interveners send private messages to users who post hateful content.",
        "body": "The first message is short and personal; most replies come within two days.",
        "approaches": ["one-to-one-intervention"],
        "formats": ["social-media-outreach"],
        "platforms": ["facebook"],
        "countries": ["GB"],
        "assessment": "good",
        "status": "active",
        "started": 2017,
        "published": "2021-05-01",
    },
    {
        "id": "redirect-fr",
        "kind": "lesson",
        "language": "fr",
        "organisation": ORG["gamma"],
        "title": "Rediriger les internautes qui cherchent des contenus violents",
        "summary": "Des annonces ciblées proposent des vidéos alternatives aux internautes.",
        "body": "Les annonces apparaissent pour certains mots-clés.",
        "formats": ["search-advertising"],
        "approaches": ["redirect-method"],
        "countries": ["FR"],
        "assessment": "promising",
        "status": "pilot",
        "started": 2020,
        "published": "2020-06-01",
    },
    {
        "id": "sect-desk",
        "language": "fr",
        "organisation": ORG["gamma"],
        "title": "Permanence sur l'emprise sectaire et la déradicalisation",
        "summary": "Une permanence téléphonique reçoit les familles inquiètes de l'emprise d'un groupe.",
        "body": "Les écoutants orientent les familles vers des professionnels.",
        "domains": ["deradicalisation", "family-support"],
        "ideologies": ["cults-and-sects"],
        "target_groups": ["families"],
        "countries": ["FR"],
        "assessment": "good",
        "status": "active",
        "started": 2016,
        "published": "2019-09-15",
    },
    {
        "id": "video-de",
        "language": "de",
        "organisation": ORG["delta"],
        "title": "Videoberatung für Aussteigende",
        "summary": "Beratungsgespräche per Video für Menschen, die eine Szene verlassen wollen.",
        "body": "Die Gespräche mit Lehrern finden wöchentlich statt.",
        "formats": ["video"],
        "ideologies": ["far-right"],
        "target_groups": ["leavers"],
        "countries": ["DE"],
        "assessment": "good",
        "status": "active",
        "started": 2021,
        "published": "2024-02-01",
    },
    {
        "id": "meet-in-person",
        "organisation": ORG["delta"],
        "title": "Meeting clients in a café after the first online contact",
        "summary": "Counsellors propose a meeting in a public place once trust is built online.",
        "body": "Safety rules apply to every meeting.",
        "formats": ["in-person"],
        "countries": ["AT"],
        "assessment": "less-good",
        "status": "active",
        "started": 2022,
        "published": "2024-06-01",
    },
    {
        "id": "members-protocol",
        "organisation": ORG["alpha"],
        "visibility": "members",
        "title": "Zebracorn protocol for chat safety",
        "summary": "Members-only notes on handling threats in the chat.",
        "body": "Zebracorn escalation steps.",
        "formats": ["chat"],
        "platforms": ["telegram"],
        "ideologies": ["far-right"],
        "countries": ["DE"],
        "published": "2024-08-01",
    },
    {
        "id": "beta-internal",
        "organisation": ORG["beta"],
        "visibility": "organisation",
        "title": "Zebracorn internal review of chat transcripts",
        "summary": "Only for Beta staff.",
        "body": "Zebracorn review.",
        "formats": ["chat"],
        "platforms": ["telegram"],
        "countries": ["GB"],
        "published": "2024-09-01",
    },
    {
        # The only entry naming Mongolia: its country term and its title are Beta's alone.
        "id": "beta-mongolia",
        "organisation": ORG["beta"],
        "visibility": "organisation",
        "title": "Zebracorn outreach to Mongolian-speaking leavers",
        "summary": "Only for Beta staff.",
        "body": "Zebracorn outreach.",
        "countries": ["MN"],
        "published": "2024-10-01",
    },
]

PUBLIC_IDS = {entry["id"] for entry in ENTRIES if entry.get("visibility", "public") == "public"}
HIDDEN_IDS = {entry["id"] for entry in ENTRIES} - PUBLIC_IDS


def corpus_create() -> None:
    for overrides in ENTRIES:
        data = entry_data(**{"domains": None, "formats": None, "countries": None, **overrides})
        entry_upsert(data=data)
