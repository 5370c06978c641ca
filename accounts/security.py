"""Login throttling helpers for django-axes."""

import ipaddress

from django.conf import settings


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted_proxy(address) -> bool:
    return address is not None and any(
        address in network for network in settings.ACCOUNTS_TRUSTED_PROXIES
    )


def client_ip(request) -> str | None:
    """The client's address. X-Forwarded-For is believed only when the peer that connected
    (REMOTE_ADDR) is one of ACCOUNTS_TRUSTED_PROXIES: each trusted proxy appends the address
    it saw, so the client is the first address from the right that is not a trusted proxy.
    A client that reaches the portal directly cannot choose its address by sending the
    header, and what it writes to the left of the proxies' entries is not believed."""
    remote = request.META.get("REMOTE_ADDR")
    if not _is_trusted_proxy(_address(remote or "")):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for text in reversed(forwarded):
        address = _address(text)
        if address is None:
            # Not an address a proxy would write: stop believing the header here.
            return remote
        if not _is_trusted_proxy(address):
            return str(address)
    return remote
