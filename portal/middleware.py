"""Response headers of the API."""

from django.utils.cache import patch_cache_control, patch_vary_headers


class ApiCallerHeadersMiddleware:
    """An API answer depends on who asks: a token or a session may show members-only
    entries. Shared caches must neither serve one caller's answer to another nor keep an
    authenticated one."""

    prefix = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.prefix):
            patch_vary_headers(response, ("Authorization",))
            if request.headers.get("Authorization") or request.user.is_authenticated:
                patch_cache_control(response, private=True)
        return response
