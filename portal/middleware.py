"""Who may keep an answer (private answers), and the answer of a page whose search is busy."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from search.api import RETRY_BUSY_SECONDS, SearchBusy


class PrivateAnswersMiddleware:
    """What a signed-in reader or an API token is answered may hold members-only entries:
    shared caches must not keep it (Cache-Control: private), on pages as on the API. An
    API answer depends on who asks by token as well as by session, so it varies by
    Authorization too (a page's session already makes it vary by Cookie)."""

    api_prefix = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.api_prefix):
            patch_vary_headers(response, ("Authorization",))
        if request.headers.get("Authorization") or request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


class SearchBusyMiddleware:
    """A page whose search the database could not answer in time, in place of a slow
    engine (search.api.SearchBusy), answers 503 with Retry-After: the reader is told to try
    again, a crawler or a proxy when. Pages that can do better catch it themselves (the
    search page keeps its form, the API answers JSON, an entry page drops its suggestions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SearchBusy):
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_BUSY_SECONDS)
        return response
