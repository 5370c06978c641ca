from vocabulary.models import Term


def _normalise(name: str) -> str:
    return " ".join(name.casefold().split())


def term_lookup(facet: str) -> dict[str, Term]:
    """Every name of every term of a facet (id, labels, synonyms), normalised, to its term.

    Importers use it so that "hotline" in formats lands on the helpline term.
    """
    lookup: dict[str, Term] = {}
    for term in Term.objects.filter(facet=facet):
        for name in term.names:
            lookup.setdefault(_normalise(name), term)
    return lookup


def term_resolve(lookup: dict[str, Term], name: str) -> Term | None:
    return lookup.get(_normalise(name))
