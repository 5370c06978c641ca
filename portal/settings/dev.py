from portal.env import ENV

from .base import *  # noqa: F403

DEBUG = True
# A fixed key is fine on a developer's machine; production refuses to start without one.
SECRET_KEY = ENV.secret_key or "dev-only-insecure-key-do-not-use-in-production"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
