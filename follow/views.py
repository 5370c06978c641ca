"""A member's saved searches: save one, list and change them, and stop a digest from the
link in the e-mail without signing in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from follow.forms import SavedSearchChangeForm, SavedSearchForm
from follow.selectors import saved_search_for_token, saved_searches_of
from follow.services import (
    MAX_SAVED_SEARCHES,
    saved_search_create,
    saved_search_delete,
    saved_search_unsubscribe,
    saved_search_update,
)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _page(request, *, add_form=None, changed=None, status=200):
    """The saved searches page; `changed`: a row's bound form that has errors, by the
    saved search's pk."""
    changed = changed or {}
    rows = []
    for saved_search in saved_searches_of(user=request.user):
        form = changed.get(saved_search.pk)
        if form is None:
            form = SavedSearchChangeForm(
                initial={"name": saved_search.name, "frequency": saved_search.frequency},
                auto_id=f"search-{saved_search.pk}-%s",
            )
        rows.append(
            {
                "saved_search": saved_search,
                "form": form,
                "url": reverse("search")
                + (f"?{saved_search.params}" if saved_search.params else ""),
            }
        )
    context = {
        "rows": rows,
        "add_form": add_form or SavedSearchForm(auto_id="new-search-%s"),
        "most": MAX_SAVED_SEARCHES,
    }
    return render(request, "follow/saved_searches.html", context, status=status)


@never_cache
@login_required
def saved_searches(request):
    return _page(request)


@require_POST
@login_required
def saved_search_save(request):
    form = SavedSearchForm(request.POST, auto_id="new-search-%s")
    if form.is_valid():
        try:
            saved_search = saved_search_create(
                user=request.user,
                name=form.cleaned_data["name"],
                search=form.cleaned_data["search"],
                frequency=form.cleaned_data["frequency"],
                language=get_language(),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                gettext("Saved “%(name)s”.") % {"name": saved_search.name},
            )
            return redirect("follow:saved_searches")
    return _page(request, add_form=form, status=400)


@require_POST
@login_required
def saved_search_change(request, pk: int):
    saved_search = get_object_or_404(saved_searches_of(user=request.user), pk=pk)
    form = SavedSearchChangeForm(request.POST, auto_id=f"search-{pk}-%s")
    if form.is_valid():
        try:
            saved_search_update(
                saved_search=saved_search,
                name=form.cleaned_data["name"],
                frequency=form.cleaned_data["frequency"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request, gettext("Changes to “%(name)s” saved.") % {"name": saved_search.name}
            )
            return redirect("follow:saved_searches")
    return _page(request, changed={pk: form}, status=400)


@require_POST
@login_required
def saved_search_remove(request, pk: int):
    saved_search = get_object_or_404(saved_searches_of(user=request.user), pk=pk)
    saved_search_delete(saved_search=saved_search)
    messages.success(request, gettext("Deleted “%(name)s”.") % {"name": saved_search.name})
    return redirect("follow:saved_searches")


# The token is what authorises the change, not a session: a mail client's one-click
# unsubscribe (RFC 8058) posts without any CSRF token.
@csrf_exempt
@never_cache
def unsubscribe(request, token: str):
    saved_search = saved_search_for_token(token=token)
    if saved_search is None:
        return render(request, "follow/unsubscribe_invalid.html", status=400)
    done = request.method == "POST"
    if done:
        saved_search_unsubscribe(saved_search=saved_search)
    return render(request, "follow/unsubscribe.html", {"saved_search": saved_search, "done": done})
