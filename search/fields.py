"""What of an entry is searched, and how much each field weighs: read by the index
documents, the engine's queries and the database search alike."""

# Text of the entry itself, in its own language; `details` gathers the lesson fields.
# Also the fields whose matches a hit highlights.
TEXT_FIELDS = ("title", "summary", "body", "details")
# The entry's columns gathered under `details`.
DETAIL_COLUMNS = ("outcomes", "context", "what_worked", "what_did_not_work", "ethics", "safety")

# Field weights. The title says what an entry is; terms are curated by the publisher.
FIELD_WEIGHTS = {
    "title": 4.0,
    "summary": 2.5,
    "terms": 2.0,
    "details": 1.0,
    "body": 1.0,
    "organisation_name": 1.5,
    "tags": 1.5,
    # The parts of an entry's German compounds (search/compounds.py): a word found inside
    # one of its words, wherever it is; a short field, weighed nearly as a summary (at a
    # body's weight, the translation of "accompagnement" found inside "Mailberatung" lost
    # to the same word alone in other bodies: bench/results/relevance.md).
    "parts": 2.0,
}
# A word's best field counts whole, its other fields this much each (the engine's
# `tie_breaker`; the database sums its columns' weights): a common word found in a title, a
# summary and a body adds little beyond its best field, and outvotes less the word found
# once (a typo's, a question's informative one). 0.15-0.25 rank the development queries
# alike; 0.3 ranked a typo's entry lower, 0.4 a question's (bench/results/relevance.md).
FIELD_TIE = 0.2
# What a dictionary's translation of a query word weighs against the word typed
# (search/translation.py): it stands for a word the author wrote in another language, and
# not all of a dictionary's senses are the query's.
TRANSLATION_WEIGHT = 0.4
