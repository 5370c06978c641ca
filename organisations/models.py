from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

ID_MAX_LENGTH = 100
ID_PATTERN = rf"^[a-z0-9][a-z0-9-]{{1,{ID_MAX_LENGTH - 1}}}$"
id_validator = RegexValidator(
    ID_PATTERN,
    _("Use 2 to 100 lowercase letters, digits or hyphens, starting with a letter or digit."),
)


def slug_validate(slug: str) -> None:
    """A page's slug is its id in the interchange format: an invalid one is said on the
    slug field (the admin's Promote tab), not as an error of the whole form."""
    try:
        id_validator(slug)
    except ValidationError as error:
        raise ValidationError({"slug": error.messages}) from error


country_validator = RegexValidator(r"^[A-Z]{2}$", _("Use an ISO 3166-1 alpha-2 code such as FR."))


def language_codes(value: str) -> list[str]:
    """The language codes of a list written "en, fr, ar" (commas or spaces), in its order."""
    return list(dict.fromkeys(value.replace(",", " ").split()))


def languages_validator(value: str) -> None:
    """Every code names a language the page can name in each reader's language (those
    Django knows, by their ISO 639-1 code)."""
    unknown = [code for code in language_codes(value) if "name" not in LANG_INFO.get(code, {})]
    if unknown:
        raise ValidationError(
            _("Not a known ISO 639-1 language code: %(codes)s. Use codes such as en, fr, ar."),
            params={"codes": ", ".join(unknown)},
        )


class OrganisationIndexPage(Page):
    """/organisations/: the member organisations, and the parent of their pages. Its
    template lists them with their entries through the entries app's template tags."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["organisations.OrganisationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("list of member organisations")
        verbose_name_plural = _("lists of member organisations")


class OrganisationPage(Page):
    """A member organisation. Its page lists its entries, which live below it in the tree
    (through the entries app's template tags).

    The page slug is the organisation id of the interchange format, so an entry's URL is
    /organisations/<organisation id>/<entry id>/ and entry ids need only be unique within
    their organisation, as the format says.
    """

    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[country_validator],
        help_text=_("ISO 3166-1 alpha-2 code, such as FR or DE."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    languages = models.CharField(
        _("languages worked in"),
        max_length=200,
        blank=True,
        validators=[languages_validator],
        help_text=_("ISO 639-1 codes separated by commas, such as en, fr, ar."),
    )
    contact_email = models.EmailField(
        _("contact address for members"),
        blank=True,
        help_text=_(
            "Shown on the organisation's page to signed-in members of the network only, "
            "never to the public."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )
    # The Wagtail groups that carry each role's rights on this organisation's pages.
    editors_group = models.OneToOneField(
        "auth.Group", null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    moderators_group = models.OneToOneField(
        "auth.Group", null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("country"),
        FieldPanel("website"),
        FieldPanel("description"),
        FieldPanel("languages"),
        FieldPanel("contact_email"),
        FieldPanel("logo"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["organisations.OrganisationIndexPage"]
    subpage_types = ["practices.PracticePage", "lessons.LessonPage"]
    template = "organisations/organisation.html"

    class Meta:
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")

    @property
    def name(self) -> str:
        return self.title

    @property
    def language_codes(self) -> list[str]:
        return language_codes(self.languages)

    def clean(self):
        super().clean()
        slug_validate(self.slug)


# Network staff review across organisations; on the site they read what members read, and
# like editors and moderators they sign in with a second factor.
NETWORK_STAFF_GROUP = "Network staff"


class Role(models.TextChoices):
    MEMBER = "member", _("Member (reads members-only entries)")
    EDITOR = "editor", _("Editor (writes the organisation's entries)")
    MODERATOR = "moderator", _("Moderator (approves entries, manages members)")

    @property
    def short_label(self) -> str:
        """The role's name alone, to use within a sentence ("… as editor")."""
        return ROLE_NAMES[self]


ROLE_NAMES = {
    Role.MEMBER: _("member"),
    Role.EDITOR: _("editor"),
    Role.MODERATOR: _("moderator"),
}


class Membership(models.Model):
    """A user's place in a member organisation. A user may belong to several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        OrganisationPage,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation.slug} · {self.role}"
