from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,99}$"
id_validator = RegexValidator(
    ID_PATTERN,
    "Use 2 to 100 lowercase letters, digits or hyphens, starting with a letter or digit.",
)
country_validator = RegexValidator(r"^[A-Z]{2}$", "Use an ISO 3166-1 alpha-2 code such as FR.")


class OrganisationIndexPage(Page):
    """/organisations/: the member organisations, and the parent of their pages. Its
    template lists them with their entries through the entries app's template tags."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["organisations.OrganisationPage"]
    max_count = 1


class OrganisationPage(Page):
    """A member organisation. Its page lists its entries, which live below it in the tree
    (through the entries app's template tags).

    The page slug is the organisation id of the interchange format, so an entry's URL is
    /organisations/<organisation id>/<entry id>/ and entry ids need only be unique within
    their organisation, as the format says.
    """

    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
        FieldPanel("logo"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["organisations.OrganisationIndexPage"]
    subpage_types = ["practices.PracticePage", "lessons.LessonPage"]
    template = "organisations/organisation.html"

    class Meta:
        verbose_name = "member organisation"

    @property
    def name(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        id_validator(self.slug)


# Network staff review across organisations; on the site they read what members read, and
# like editors and moderators they sign in with a second factor.
NETWORK_STAFF_GROUP = "Network staff"


class Role(models.TextChoices):
    MEMBER = "member", "Member (reads members-only entries)"
    EDITOR = "editor", "Editor (writes the organisation's entries)"
    MODERATOR = "moderator", "Moderator (approves entries, manages members)"


class Membership(models.Model):
    """A user's place in a member organisation. A user may belong to several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        OrganisationPage, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation.slug} · {self.role}"
