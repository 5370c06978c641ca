from vocabulary.models import Facet, Term


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


def terms_by_facet() -> dict[str, list[Term]]:
    grouped: dict[str, list[Term]] = {facet.value: [] for facet in Facet}
    for term in Term.objects.all():
        grouped[term.facet].append(term)
    return grouped
