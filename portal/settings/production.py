from django.core.checks.security.base import _check_secret_key

from portal.env import ENV, ConfigurationError

from .base import *  # noqa: F403

if not ENV.secret_key:
    raise ConfigurationError("SECRET_KEY must be set in production")
# The rule of `manage.py check --deploy` (security.W009), applied before anything starts:
# API tokens and sessions are only as safe as this key.
if not _check_secret_key(ENV.secret_key):
    raise ConfigurationError(
        "SECRET_KEY is too weak for production: use at least 50 characters, with at least 5 "
        "different ones, not starting with 'django-insecure-' (python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))')"
    )
SECRET_KEY = ENV.secret_key
# Links in invitations and the admin's e-mails point here: a wrong default would send
# people to 127.0.0.1.
if not ENV.base_url or not ENV.base_url.startswith("https://"):
    raise ConfigurationError(
        "BASE_URL must be set in production to the portal's public https:// address"
    )
DEBUG = False

# The portal runs behind a reverse proxy that terminates TLS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading binds every subdomain of the organisation's domain to HTTPS in browsers for
# months: the domain owner's decision, not the portal's (security.W021).
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGGING["root"]["level"] = "INFO"  # noqa: F405
# Each line says when: a slow or failed request is then found beside the engine's logs.
LOGGING["formatters"] = {"timed": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}}  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = "timed"  # noqa: F405

# --- Accounts (accounts/) ---
# Login throttling counts attempts by the client's address: set TRUSTED_PROXIES to the
# reverse proxy's address so that its X-Forwarded-For is believed (and nobody else's).
# __Host- cookies are sent only over HTTPS, to this host and path /, never to a subdomain.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
