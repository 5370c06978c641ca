"""A small corpus for the overview: a translated entry (counted once), entries in several
domains, formats, countries and years, a less good practice with its lessons, and hidden
entries whose country, domain and title no public entry has, so that a leak shows."""

from entries.services import entry_upsert
from tests.factories import entry_data

ALPHA = {"id": "alpha", "name": "Alpha Exit Network", "country": "DE"}
BETA = {"id": "beta", "name": "Beta Helpline Trust", "country": "GB"}
GAMMA = {"id": "gamma", "name": "Association Gamma", "country": "FR"}

CHAT = {
    "organisation": ALPHA,
    "domains": ["exit-work", "family-support"],
    "formats": ["chat"],
    "countries": ["DE"],
    "ideologies": ["far-right"],
    "assessment": "good",
    "evaluation": "external",
    "status": "active",
    "started": 2019,
}

ENTRIES = [
    {
        "id": "exit-chat",
        "title": "Exit chat for people leaving the far right",
        "summary": "Leavers write to counsellors in a text chat.",
        "published": "2024-01-10",
        **CHAT,
    },
    {
        "id": "exit-chat-fr",
        "language": "fr",
        "translation_of": "exit-chat",
        "title": "Un chat de sortie pour quitter l'extrême droite",
        "summary": "Les personnes en sortie écrivent à des conseillers.",
        "published": "2024-01-11",
        **CHAT,
    },
    {
        "id": "school-videos",
        "organisation": BETA,
        "title": "Videos for schools",
        "summary": "Short films that pupils discuss in class.",
        "domains": ["prevention"],
        "formats": ["video", "website"],
        "countries": ["GB"],
        "ideologies": ["islamist"],
        "assessment": "promising",
        "evaluation": "internal",
        "status": "active",
        "started": 2020,
        "published": "2023-03-01",
    },
    {
        "id": "chat-lesson",
        "kind": "lesson",
        "organisation": ALPHA,
        "title": "What night shifts in a chat taught us",
        "summary": "Answer within the hour, or the leaver is gone.",
        "domains": ["exit-work"],
        "formats": ["chat"],
        "countries": ["DE"],
        "ideologies": ["far-right"],
        "started": 2021,
        "published": "2023-06-01",
    },
    {
        "id": "failed-adverts",
        "organisation": GAMMA,
        "title": "Search adverts that nobody clicked",
        "summary": "Adverts shown to people searching for violent content.",
        "domains": ["prevention"],
        "formats": ["search-advertising"],
        "countries": ["FR"],
        "ideologies": ["far-right"],
        "assessment": "less-good",
        "evaluation": "none",
        "status": "ended",
        "started": 2018,
        "ended": 2019,
        "published": "2024-02-01",
        "what_did_not_work": "Almost nobody clicked the adverts.",
        "recommendations": ["Test the adverts with former members first."],
    },
    {
        "id": "adverts-lesson",
        "kind": "lesson",
        "organisation": GAMMA,
        "title": "Adverts need words people really type",
        "summary": "The adverts were shown for words few people searched for.",
        "domains": ["prevention"],
        "formats": ["search-advertising"],
        "countries": ["FR"],
        "ideologies": ["far-right"],
        "started": 2019,
        "published": "2024-03-01",
        "related": ["failed-adverts"],
    },
    # Hidden: members only, organisation only. Norway, Mongolia, returnees and
    # gamification appear nowhere else.
    {
        "id": "zebracorn-game",
        "organisation": GAMMA,
        "visibility": "members",
        "title": "Zebracorn game for returnees",
        "summary": "A game that did not reach anyone.",
        "domains": ["returnees"],
        "formats": ["gamification"],
        "countries": ["NO"],
        "ideologies": ["far-right"],
        "assessment": "less-good",
        "evaluation": "external",
        "started": 2015,
        "published": "2024-05-01",
        "what_did_not_work": "Nobody played the zebracorn game.",
        "recommendations": ["Ask returnees before building a game."],
    },
    {
        "id": "zebracorn-lesson",
        "kind": "lesson",
        "organisation": GAMMA,
        "visibility": "members",
        "title": "Zebracorn lessons from the adverts",
        "summary": "What members learned.",
        "domains": ["returnees"],
        "formats": ["gamification"],
        "countries": ["NO"],
        "started": 2015,
        "published": "2024-04-01",
        "related": ["failed-adverts"],
    },
    {
        "id": "beta-internal",
        "organisation": BETA,
        "visibility": "organisation",
        "title": "Internal quokka notes",
        "summary": "Notes for Beta's own staff.",
        "domains": ["rehabilitation-reintegration"],
        "formats": ["in-person"],
        "countries": ["MN"],
        "started": 2014,
        "published": "2024-06-01",
    },
]

HIDDEN_WORDS = ("Norway", "Mongolia", "Zebracorn", "quokka", "Returnees", "Gamification")


def corpus_create() -> None:
    for overrides in ENTRIES:
        entry_upsert(data=entry_data(**overrides))
