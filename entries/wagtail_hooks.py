"""Admin wiring: every listing of pages goes through pages_admin_visible_to, so that a user
of one organisation is never shown another organisation's hidden entries or drafts. The
views without a hook are overridden in entries/admin_visibility.py. The entry form's
stylesheet is the admin's (Wagtail 8 has no hook for the editor's pages alone)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from entries.admin_visibility import VISIBLE_PAGE_BULK_ACTIONS, pages_admin_visible_to


@hooks.register("construct_page_chooser_queryset")
def chooser_lists_visible_pages(pages, request):
    return pages.filter(pages_admin_visible_to(request.user))


@hooks.register("construct_explorer_page_queryset")
def explorer_lists_visible_pages(parent_page, pages, request):
    return pages.filter(pages_admin_visible_to(request.user))


# After Wagtail's own registration (order 0), so that these replace its page bulk actions.
for action_class in VISIBLE_PAGE_BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class, order=1)


@hooks.register("insert_global_admin_css")
def entry_form_css():
    return format_html('<link rel="stylesheet" href="{}">', static("entries/entry-form.css"))
