"""Production settings refuse to start when an operator left something unsafe; with a safe
configuration the application gunicorn serves starts and answers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Jx9-PqL2vR8sT4wY6zA1bC5dE7fG0hI_mN-oU3" + "xQ9rW2eT6yU"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": STRONG_KEY,
    "BASE_URL": "https://portal.example.org",
    "ALLOWED_HOSTS": "portal.example.org",
}


def run_in_production(command: list[str], **changes: str | None) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION
        and key not in ("DATABASE_URL", "TRUSTED_PROXIES", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(PRODUCTION)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(**changes: str | None) -> subprocess.CompletedProcess:
    return run_in_production(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **changes
    )


# gunicorn's entry point, asked for a page over plain HTTP as a browser would.
SERVE_ONE_REQUEST = """
from wsgiref.util import setup_testing_defaults
from portal.wsgi import application
environ = {"HTTP_HOST": "portal.example.org", "PATH_INFO": "/search/"}
setup_testing_defaults(environ)
application(environ, lambda status, headers: print(status, dict(headers).get("Location")))
"""


def test_the_production_application_starts_and_sends_plain_http_to_https():
    result = run_in_production(["-c", SERVE_ONE_REQUEST])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "301 Moved Permanently https://portal.example.org/search/"


def test_a_complete_production_configuration_passes_the_deploy_checks():
    result = check_deploy()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short-key",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "django-insecure-" + "x1y2z3" * 10,
    ],
)
def test_a_weak_secret_key_is_refused(key):
    result = check_deploy(SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr


@pytest.mark.parametrize("base_url", [None, "http://portal.example.org"])
def test_base_url_is_required_and_https(base_url):
    result = check_deploy(BASE_URL=base_url)
    assert result.returncode != 0
    assert "BASE_URL must be set in production" in result.stderr


def test_a_trusted_proxy_that_is_no_address_is_refused():
    result = check_deploy(TRUSTED_PROXIES="10.0.0.1, the-proxy")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must list IP addresses or networks" in result.stderr
    assert "'the-proxy'" in result.stderr
