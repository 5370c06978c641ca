"""Settings shared by every deployment. Values that vary come from portal.env."""

import dj_database_url

from portal.env import BASE_DIR, ENV

PROJECT_DIR = BASE_DIR / "portal"

DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins

INSTALLED_APPS = [
    "portal",
    "briefings",
    "overview",
    "organisations",
    "vocabulary",
    "entries",
    "practices",
    "lessons",
    "search",
    "partners",
    "follow",
    "backups",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language reads the signed-in user's profile, and CommonMiddleware
    # resolves paths under the language prefix: between the two.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.languages.ReaderLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.middleware.PrivateAnswersMiddleware",
    "portal.middleware.SearchBusyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "entries.middleware.VisibleRedirectMiddleware",
    "entries.admin_visibility.HiddenPagesAdminMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.i18n",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface speaks English, French and German; entries carry their own language. Public
# pages say theirs in the URL (/fr/...); see portal/languages.py for the reader's language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
LANGUAGE_COOKIE_SAMESITE = "Lax"
# A user's language in their Wagtail profile is also the public site's, for them.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "UTC"
USE_I18N = True
# The interface's catalogues (fr, de), compiled to .mo by scripts/setup.sh.
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as English readers write them ("31 January 2022", not Django's "Jan. 31,
# 2022"); French and German keep Django's own formats.
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True

STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = ENV.static_root
STATIC_URL = "/static/"
MEDIA_ROOT = ENV.media_root
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Online Exit Work Practices"
# A page's slug is its id in the interchange format, ASCII only: the admin makes one from a
# title such as "Über Umwege" by transliterating it ("uber-umwege").
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_BASE_URL = ENV.base_url or "http://127.0.0.1:8000"
# Wagtail's own search serves the admin; the public search has its own index (search/).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
TAGGIT_CASE_INSENSITIVE = True

# The published contract: schema, vocabulary and its description (docs/interchange/).
INTERCHANGE_DIR = BASE_DIR / "docs" / "interchange"

SEARCH_URL = ENV.search_url
SEARCH_ENGINE = ENV.search_engine
SEARCH_INDEX_PREFIX = ENV.search_index_prefix
SEARCH_TIMEOUT = ENV.search_timeout
SEARCH_FALLBACK_TIMEOUT = ENV.search_fallback_timeout
SEARCH_DICTIONARY_DIR = ENV.search_dictionary_dir
# The dictionaries read into one lookup file (search/dictionaries.py), rebuilt when they change.
SEARCH_DICTIONARY_LOOKUP = BASE_DIR / "var" / "search-dictionary.sqlite3"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The search clients log every failed request with a traceback; search.client logs
    # one line when the engine goes down and the database answers instead.
    "loggers": {
        "opensearch": {"level": "ERROR"},
        "elastic_transport": {"level": "ERROR"},
    },
}

# --- Accounts: invitations, API tokens, login throttling, two factors, security headers ---
# (accounts/; added in one block so that the lists above stay as they were)
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += [
    "accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

# The security headers wrap every response, so they go right after SecurityMiddleware.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "accounts.middleware.SecurityHeadersMiddleware",
)
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out login before the password is checked. Every
# authenticate() call must pass the request (the test client's login() does not: use
# force_login in tests).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# Reverse proxies in front of the portal that append to X-Forwarded-For (none: the header
# is not believed, whoever sends it).
ACCOUNTS_TRUSTED_PROXIES = ENV.trusted_proxies

OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# "Forgotten password?" also reaches members who never set a password (accounts/forms.py).
# (A form's dotted path, not a password.)
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "accounts.forms.PasswordResetForm"  # noqa: S105

DEFAULT_FROM_EMAIL = ENV.default_from_email
SERVER_EMAIL = ENV.default_from_email
EMAIL_HOST = ENV.email_host
EMAIL_PORT = ENV.email_port
EMAIL_HOST_USER = ENV.email_host_user
EMAIL_HOST_PASSWORD = ENV.email_host_password
EMAIL_USE_TLS = ENV.email_use_tls

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Wagtail's admin takes the CSRF token from the page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The admin would ask releases.wagtail.org for news; the Content-Security-Policy forbids it.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Nor may it send a hash of each user's e-mail address to gravatar.com for their avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Members sign in on the site; the admin has its own login page.
LOGIN_URL = "accounts:login"
