from portal.env import ENV, ConfigurationError

from .base import *  # noqa: F403

if not ENV.secret_key:
    raise ConfigurationError("SECRET_KEY must be set in production")
SECRET_KEY = ENV.secret_key
DEBUG = False

# The portal runs behind a reverse proxy that terminates TLS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGGING["root"]["level"] = "INFO"  # noqa: F405

# --- Accounts (accounts/) ---
# One reverse proxy (see SECURE_PROXY_SSL_HEADER) appends the client's address to
# X-Forwarded-For; login throttling counts attempts by that address.
ACCOUNTS_TRUSTED_PROXY_COUNT = 1
# __Host- cookies are sent only over HTTPS, to this host and path /, never to a subdomain.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
