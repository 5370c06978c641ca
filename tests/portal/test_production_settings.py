"""Production settings refuse to start when an operator left something unsafe."""

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


def check_deploy(**changes: str | None) -> subprocess.CompletedProcess:
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
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
