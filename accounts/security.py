"""Login throttling helpers for django-axes."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address. Behind ACCOUNTS_TRUSTED_PROXY_COUNT reverse proxies, each of
    which appends to X-Forwarded-For, the client is that many entries from the right; what
    a client writes to the left of them is not believed."""
    proxies = getattr(settings, "ACCOUNTS_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
