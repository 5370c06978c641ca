"""The words of a query that carry no evidence: articles, pronouns, prepositions,
conjunctions, question words and auxiliaries, in each language of the portal, folded.

A question ("what should a ministry fund", "was tun, wenn ...") is mostly such words; scored,
they would rank the entries that repeat them. Both backends drop them from the words they
score, mistyped ones too (search.matching.function_word), and keep the text as typed for
phrases. They are dropped whatever the query's language: queries mix languages (a German
question with an English platform name), and a word that is a function word in one
language and a content word in another ("die", "was") almost always is the function word
in a search for exit work.
"""

from __future__ import annotations

import re
import unicodedata

_FUNCTION_WORDS = {
    "en": """the a an and or nor but of to in on at for with without from by about into onto
        over under after before than as so if then there it its this that these those they them
        their theirs we our us you your he she his her him i my me who whom whose which what
        when where why how whether not no is are was were be been being am do does did done
        doing have has had having can could should shall would will may might must ought
        any some such very more most just also get gets got between among amongst during
        while within through because each both all other others only own same""",
    "fr": """le la les l un une des du de d et ou ni mais au aux pour par sur sous dans avec
        sans chez entre vers apres avant que qu qui quoi dont quel quelle quels quelles
        comment quand pourquoi ou est sont etait etaient etre ete a ont avoir peut peuvent
        pourrait doit doivent devrait faut il ils elle elles on nous vous je j me m te t se s
        ce c cet cette ces ceux celui celle celles leur leurs son sa ses mon ma mes ne n pas
        plus y en si tres pendant depuis jusqu parmi selon chaque tout tous toute toutes
        autre autres aussi ainsi donc alors lorsque lors""",
    "de": """der die das dem den des ein eine einer einem einen eines und oder aber zu zum zur
        im in am an ans auf aus bei beim mit von vom fur uber unter nach vor durch gegen ohne
        um wie was wer wen wem wessen wann wo woher wohin warum weshalb welche welcher
        welches welchen welchem gibt es ist sind war waren sein wird werden wurde wurden kann
        konnen konnte soll sollen sollte sollten darf durfen muss mussen hat haben hatte tun
        man nicht kein keine keinen sich wenn dass als auch ob so sehr er sie wir ihr ich
        zwischen wahrend seit bis neben wegen trotz innerhalb ausserhalb sowie damit dann da
        dies diese dieser diesem diesen dieses jede jeder jedes jeden etwas nichts noch nur
        schon viel viele wieder weil sondern""",
}
FUNCTION_WORDS = {language: frozenset(words.split()) for language, words in _FUNCTION_WORDS.items()}
STOP_WORDS = frozenset().union(*FUNCTION_WORDS.values())


def fold(text: str) -> str:
    """Lowercase, without accents, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


# British and American spellings of English words, as rules (a pattern and what replaces
# it) that write the British form the American way: entries of European organisations
# write "organised", "behaviour", "counselling"; dictionaries and American readers
# "organized", "behavior", "counseling". Patterns in the syntax Python and Java share: the
# engine's English analyzer applies them (search/documents.py) and the database search
# looks for both spellings (english_spellings).
BRITISH_TO_AMERICAN = (
    # organise, organisation, analyse: -ize, -yze
    (r"(?:(?<=\w{3}i)|(?<=\w{2}y))s(?=(?:e|es|ed|ing|ations?|ers?)$)", "z"),
    # behaviour, favourable: -or
    (r"(?<=\w{3})our(?=(?:s|ed|ing|ites?|abl[ey]|al|ally|ers?|hoods?)?$)", "or"),
    # centre, fibre: -er
    (r"(?<=\w{3}[tb])re(?=s?$)", "er"),
    # defence, licence: -se
    (r"(?<=\w{2}[fc]en)c(?=es?$)", "s"),
    # dialogue, catalogue: -og
    (r"(?<=\w{2}og)ue(?=s?$)", ""),
    # counsellor, travelled: one l
    (r"(?<=\w{2}[^aeiou\W][aeiou]l)l(?=(?:ed|ing|ers?|ors?)$)", ""),
    # programme: -m
    (r"(?<=\w{4}m)me(?=s?$)", ""),
)
# The American spellings whose British form is sure, the other way round.
AMERICAN_TO_BRITISH = (
    (r"(?:(?<=\w{3}i)|(?<=\w{2}y))z(?=(?:e|es|ed|ing|ations?|ers?)$)", "s"),
    (r"(?<=\w{2}[^aeiou\W][aeiou])l(?=(?:ed|ing|ers?|ors?)$)", "ll"),
)


def _compiled(rules: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(pattern), replacement) for pattern, replacement in rules]


_AMERICANISED = _compiled(BRITISH_TO_AMERICAN)
_BRITISHED = _compiled(AMERICAN_TO_BRITISH)


def _respelt(word: str, rules: list[tuple[re.Pattern, str]]) -> str:
    for pattern, replacement in rules:
        word = pattern.sub(replacement, word)
    return word


# How German on one side, French and English on the other, write the same sounds of the
# words they share (Kamera, caméra; Zentrum, centre; Telefon, téléphone), as rules in the
# syntax Python and Java share that write every word one way: the engine's language-neutral
# field applies them (search/documents.py), so that cognates meet there (Radikalisierung,
# radicalisation: "radik"); the database search looks for the other spelling too
# (cognate_spellings).
COGNATE_SPELLINGS = (
    ("ph", "f"),
    # A c sounding as in "centre", "social" is German's z (Zentrum, sozial)...
    ("c(?=[eiy])", "z"),
    # ...any other is its k (Kontakt, Klient, Kampagne).
    ("c", "k"),
)
_COGNATE = _compiled(COGNATE_SPELLINGS)
# The word written as French and English would, and as German would; German keeps the c
# of ch and ck (Chat, Rückkehr).
_ROMANCE = _compiled((("k", "c"), ("z(?=[eiy])", "c")))
_GERMANIC = _compiled((("c(?=[eiy])", "z"), ("c(?![hk])", "k")))


def cognate_key(word: str) -> str:
    """The folded word written as the engine's language-neutral field writes it."""
    return _respelt(word, _COGNATE)


def cognate_spellings(word: str, length: int) -> set[str]:
    """The folded word's first `length` letters as the other languages would write them,
    for a search that cannot write stored text one way: Kontakt, "conta"; centre, "zentr".
    The word's own spelling left out; empty for a word without c, k or z. Not f for ph:
    every word with an f would be looked for a second time, for the few that meet so."""
    spelt = {_respelt(word, _ROMANCE), _respelt(word, _GERMANIC)}
    key = cognate_key(word)
    return {other[:length] for other in spelt if cognate_key(other) == key} - {word[:length]}


def english_spellings(word: str) -> set[str]:
    """The folded word's other English spellings (organized: organised; behaviour:
    behavior), for a search that cannot normalise the text it looks in; empty for a word
    spelt one way."""
    return {_respelt(word, _AMERICANISED), _respelt(word, _BRITISHED)} - {word}
