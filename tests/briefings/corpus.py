"""Entries of every visibility for briefings and comparisons, with the fields they show."""

from tests.factories import make_entry

ORG_A = {"id": "org-a", "name": "Org A", "country": "DE"}
ORG_B = {"id": "org-b", "name": "Org B", "country": "FR"}

PUBLIC_GOOD = {
    "id": "chat-good",
    "title": "Anonymous chat for leavers",
    "summary": "Counsellors answer leavers in an anonymous chat, evenings and weekends.",
    "organisation": ORG_A,
    "formats": ["chat"],
    "approaches": ["one-to-one-intervention"],
    "assessment": "good",
    "evaluation": "external",
    "status": "active",
    "started": 2019,
    "outcomes": "Most clients stayed in contact for three months.",
    "metrics": [{"name": "Clients reached", "value": 412, "unit": "people"}],
    "recommendations": ["Answer within one hour."],
    "counsellor_choice": True,
    "safety": "Counsellors use the Zebra protocol for threats.",
    "visibility": "public",
}
PUBLIC_LESS_GOOD = {
    "id": "video-less-good",
    "kind": "lesson",
    "title": "Video outreach that reached nobody",
    "summary": "Short videos on a platform its audience had already left.",
    "organisation": ORG_B,
    "formats": ["video"],
    "assessment": "less-good",
    "evaluation": "internal",
    "status": "ended",
    "started": 2016,
    "ended": 2018,
    "what_did_not_work": "The platform lost its audience before the videos were out.",
    "recommendations": ["Check where the audience is before producing."],
    "counsellor_choice": False,
    "visibility": "public",
}
PUBLIC_PROMISING = {
    "id": "forum-promising",
    "title": "Forum moderation with exit offers",
    "summary": "Moderators of a gaming forum point users to an exit programme.",
    "organisation": ORG_B,
    "formats": ["chat"],
    "assessment": "promising",
    "evaluation": "none",
    "visibility": "public",
}
MEMBERS = {
    "id": "members-walrus",
    "title": "Walrus members practice",
    "summary": "Walrus summary that only members read.",
    "organisation": ORG_A,
    "formats": ["chat"],
    "assessment": "good",
    "visibility": "members",
}
ORGANISATION = {
    "id": "org-only-narwhal",
    "title": "Narwhal organisation practice",
    "summary": "Narwhal summary for Org B only.",
    "organisation": ORG_B,
    "formats": ["video"],
    "assessment": "good",
    "visibility": "organisation",
}
# A translation: one translation group, counted and listed once in a search's briefing.
PUBLIC_GOOD_FR = {
    **PUBLIC_GOOD,
    "id": "chat-good-fr",
    "language": "fr",
    "translation_of": "chat-good",
    "title": "Chat anonyme pour sortants",
    "summary": "Des conseillers répondent aux sortants dans un chat anonyme.",
}
ENTRIES = (PUBLIC_GOOD, PUBLIC_GOOD_FR, PUBLIC_LESS_GOOD, PUBLIC_PROMISING, MEMBERS, ORGANISATION)
PUBLIC = (PUBLIC_GOOD, PUBLIC_LESS_GOOD, PUBLIC_PROMISING)
HIDDEN = (MEMBERS, ORGANISATION)


def key(entry: dict) -> str:
    return f"{entry['organisation']['id']}/{entry['id']}"


def corpus_create() -> None:
    for data in ENTRIES:
        make_entry(**data)
