"""What the admin names or lists to a user: the rule; a middleware that answers 404 for
every admin address naming a page the user may not see; and the admin views that list
pages and that Wagtail gives no hook for, overridden at their own addresses (portal/urls.py
puts these first).

An editor of one organisation must not learn, through a chooser, a bulk action or a report,
the title, status or existence of another organisation's hidden entries or drafts.
"""

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from taggit.models import Tag
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction
from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.models import Page

from entries.models import EntryPage
from entries.visibility import reader_for, visible_q


def pages_admin_visible_to(user) -> Q:
    """The pages the admin may name or list to this user, as a filter on any page queryset.

    Pages outside entries (the tree, organisation pages) stay visible. Entries of the
    user's own organisations are all visible, drafts included; another organisation's
    entry only when it is live, readable under the visibility rule, and has no unpublished
    change (its draft title, and that it exists at all, are that organisation's business).
    """
    reader = reader_for(user)
    if reader.sees_everything:
        return Q()
    shown = Q(organisation__slug__in=reader.organisation_ids) | (
        Q(live=True, has_unpublished_changes=False) & visible_q(reader)
    )
    return ~Q(pk__in=EntryPage.objects.exclude(shown).values("pk"))


def _visible_ids(user, ids: list) -> set[int]:
    """Those of the given page ids (ints, or strings from a query) the user may see."""
    wanted = [int(pk) for pk in ids if str(pk).isdigit()]
    visible = Page.objects.filter(pages_admin_visible_to(user), pk__in=wanted)
    return set(visible.values_list("pk", flat=True))


# The names Wagtail's admin addresses give a page they act on or show.
PAGE_URL_KWARGS = ("page_id", "parent_page_id", "page_pk")


class HiddenPagesAdminMiddleware:
    """Every admin address that names a page the user may not see answers 404, like a
    missing page, before its view runs: Wagtail's views refuse such a page, but some say
    first what they refused (the workflow views name the page's latest title in their
    message, or answer whether it awaits moderation). One rule for every such address,
    those of later Wagtail versions too, rather than an override per view."""

    prefix = "/admin/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(self.prefix) or not request.user.is_authenticated:
            return None
        named = [view_kwargs[name] for name in PAGE_URL_KWARGS if name in view_kwargs]
        if named and len(_visible_ids(request.user, named)) < len(set(named)):
            raise Http404
        return None


class ChosenVisibleMultiple(ChosenMultipleView):
    """The chooser's answer for several ids: only the pages the user may see."""

    def get(self, request):
        request.GET = request.GET.copy()
        request.GET.setlist("id", sorted(_visible_ids(request.user, request.GET.getlist("id"))))
        return super().get(request)


class VisiblePagesOnly:
    """A page bulk action that acts on, and names, only the pages the user may see: a
    hidden page is not even listed among those the user has no permission for."""

    def get_actionable_objects(self):
        objects, context = super().get_actionable_objects()
        refused = context["items_with_no_access"]
        visible = _visible_ids(self.request.user, [page.pk for page in objects + refused])
        return [page for page in objects if page.pk in visible], {
            "items_with_no_access": [page for page in refused if page.pk in visible]
        }


class DeleteVisible(VisiblePagesOnly, DeleteBulkAction):
    pass


class MoveVisible(VisiblePagesOnly, MoveBulkAction):
    pass


class PublishVisible(VisiblePagesOnly, PublishBulkAction):
    pass


class UnpublishVisible(VisiblePagesOnly, UnpublishBulkAction):
    pass


VISIBLE_PAGE_BULK_ACTIONS = [DeleteVisible, MoveVisible, PublishVisible, UnpublishVisible]


class PageTypesUsageOfVisiblePages(PageTypesUsageReportView):
    """The page types report counts, and names as last edited, only visible pages."""

    def get_queryset(self):
        pages = Page.objects.filter(pages_admin_visible_to(self.request.user))
        form = self.filters.form
        if form.is_valid() and form.cleaned_data.get("page_locale"):
            pages = pages.filter(locale__language_code=form.cleaned_data["page_locale"])
        if form.is_valid() and form.cleaned_data.get("site"):
            pages = pages.filter(path__startswith=form.cleaned_data["site"])
        of_type = pages.filter(content_type=OuterRef("pk"))
        return (
            super()
            .get_queryset()
            .annotate(
                visible_count=Coalesce(
                    Subquery(
                        of_type.order_by()
                        .values("content_type")
                        .annotate(number=Count("pk"))
                        .values("number"),
                        output_field=IntegerField(),
                    ),
                    0,
                ),
                visible_last_edited_id=Subquery(
                    of_type.order_by(
                        F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk"
                    ).values("pk")[:1]
                ),
            )
            .order_by("-visible_count", "app_label", "model")
        )

    def decorate_paginated_queryset(self, page_types):
        for item in page_types:
            item.count = item.visible_count
            item.last_edited_page_id = item.visible_last_edited_id
        return super().decorate_paginated_queryset(page_types)


def tag_autocomplete(request, app_name=None, model_name=None):
    """Wagtail's keyword suggestions without the keywords that only entries hidden from the
    user carry: a keyword can say what a hidden entry is about. Keywords of no entry (on
    images or documents) are suggested as before."""
    if (app_name, model_name) not in ((None, None), ("taggit", "tag")):
        raise Http404
    term = request.GET.get("term", "")
    if not term:
        return JsonResponse([], safe=False)
    on_entries = EntryPage.objects.values("tagged_items__tag")
    on_visible_entries = on_entries.filter(pages_admin_visible_to(request.user))
    tags = (
        Tag.objects.filter(name__istartswith=term)
        .filter(Q(pk__in=on_visible_entries) | ~Q(pk__in=on_entries.exclude(tagged_items=None)))
        .order_by("name")
        .values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]
    )
    return JsonResponse(list(tags), safe=False)


def _admin_view(view):
    return never_cache(require_admin_access(view))


# Wagtail's own addresses, unnamed so that reverse() still finds Wagtail's names.
overriding_urls = [
    path("choose-page/chosen-multiple/", _admin_view(ChosenVisibleMultiple.as_view())),
    path("tag-autocomplete/", _admin_view(tag_autocomplete)),
    path("tag-autocomplete/<slug:app_name>/<slug:model_name>/", _admin_view(tag_autocomplete)),
    path("reports/page-types-usage/", _admin_view(PageTypesUsageOfVisiblePages.as_view())),
    path(
        "reports/page-types-usage/results/",
        _admin_view(PageTypesUsageOfVisiblePages.as_view(results_only=True)),
    ),
]
