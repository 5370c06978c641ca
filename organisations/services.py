from organisations.models import OrganisationPage
from portal.services import site_ensure


def organisation_upsert(
    *, id: str, name: str, country: str = "", url: str = ""
) -> OrganisationPage:
    """Create the organisation an entry names, or bring its name, country and site up to
    date. A missing country or url in a line leaves what the portal knows in place."""
    organisation = OrganisationPage.objects.filter(slug=id).first()
    if organisation is None:
        index = site_ensure()
        return index.add_child(
            instance=OrganisationPage(title=name, slug=id, country=country, website=url)
        )
    wanted = {
        "title": name,
        "country": country or organisation.country,
        "website": url or organisation.website,
    }
    if any(getattr(organisation, field) != value for field, value in wanted.items()):
        for field, value in wanted.items():
            setattr(organisation, field, value)
        organisation.save_revision().publish()
    return organisation
