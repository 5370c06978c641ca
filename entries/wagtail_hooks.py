"""Admin wiring: every listing of pages goes through pages_admin_visible_to, so that a user
of one organisation is never shown another organisation's hidden entries or drafts. The
views without a hook are overridden in entries/admin_visibility.py. The entry form's
stylesheet is the admin's (Wagtail 8 has no hook for the editor's pages alone). On the site,
an organisation's page is served only to those who may open it."""

from django.http import Http404
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from entries.admin_visibility import VISIBLE_PAGE_BULK_ACTIONS, pages_admin_visible_to
from entries.dashboard import WAGTAIL_PANEL_REPLACED, EditorPanel
from entries.selectors import organisations_readable
from entries.visibility import reader_for
from organisations.models import OrganisationPage


@hooks.register("construct_page_chooser_queryset")
def chooser_lists_visible_pages(pages, request):
    return pages.filter(pages_admin_visible_to(request.user))


@hooks.register("construct_explorer_page_queryset")
def explorer_lists_visible_pages(parent_page, pages, request):
    return pages.filter(pages_admin_visible_to(request.user))


# After Wagtail's own registration (order 0), so that these replace its page bulk actions.
for action_class in VISIBLE_PAGE_BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class, order=1)


@hooks.register("construct_homepage_panels")
def editor_panel_on_the_dashboard(request, panels):
    panel = EditorPanel(user=request.user)
    if panel.is_shown:
        panels[:] = [shown for shown in panels if shown.name != WAGTAIL_PANEL_REPLACED]
        panels.append(panel)


@hooks.register("before_serve_page")
def organisation_page_only_for_its_readers(page, request, serve_args, serve_kwargs):
    """An organisation with no entry the reader may read (and not the reader's own) is not
    listed; its page answers 404, as a missing one does."""
    if isinstance(page, OrganisationPage):
        readable = organisations_readable(reader=reader_for(request.user))
        if not readable.filter(pk=page.pk).exists():
            raise Http404


@hooks.register("insert_global_admin_css")
def entry_form_css():
    return format_html('<link rel="stylesheet" href="{}">', static("entries/entry-form.css"))
