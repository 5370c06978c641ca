"""The only place that reads the process environment.

Every setting that differs between a laptop, CI and production comes from here, so
that an operator can see in one file what the portal can be told from outside.
"""

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SEARCH_ENGINES = ("opensearch", "elasticsearch")


class ConfigurationError(RuntimeError):
    pass


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from error


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


def _networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in _list(name, []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ConfigurationError(
                f"{name} must list IP addresses or networks (10.0.0.5, 10.0.0.0/24), not {item!r}"
            ) from error
    return networks


@dataclass(frozen=True)
class Environment:
    debug: bool
    secret_key: str | None
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database_url: str
    search_url: str | None
    search_engine: str
    search_index_prefix: str
    search_timeout: float
    # Seconds the database may take to answer a search in place of a configured engine.
    search_fallback_timeout: float
    # Debian's FreeDict dictionaries (dict-freedict-*), which translate a query's words.
    search_dictionary_dir: Path
    # None when BASE_URL is not set: production refuses to start then.
    base_url: str | None
    # Reverse proxies whose X-Forwarded-For is believed (login throttling counts by address).
    trusted_proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
    media_root: Path
    static_root: Path
    # Outgoing e-mail (invitations). In production EMAIL_HOST must name a relay.
    default_from_email: str
    email_host: str
    email_port: int
    email_host_user: str
    email_host_password: str
    email_use_tls: bool


def read_environment() -> Environment:
    search_engine = os.environ.get("SEARCH_ENGINE", "opensearch").strip().lower()
    if search_engine not in SEARCH_ENGINES:
        raise ConfigurationError(
            f"SEARCH_ENGINE must be one of {', '.join(SEARCH_ENGINES)}, not {search_engine!r}"
        )
    try:
        search_timeout = float(os.environ.get("SEARCH_TIMEOUT", "5"))
    except ValueError as error:
        raise ConfigurationError("SEARCH_TIMEOUT must be a number of seconds") from error
    try:
        search_fallback_timeout = float(os.environ.get("SEARCH_FALLBACK_TIMEOUT", "10"))
    except ValueError as error:
        raise ConfigurationError("SEARCH_FALLBACK_TIMEOUT must be a number of seconds") from error
    if search_fallback_timeout < 0:
        raise ConfigurationError("SEARCH_FALLBACK_TIMEOUT must not be negative")
    return Environment(
        debug=_bool("DEBUG", False),
        secret_key=os.environ.get("SECRET_KEY") or None,
        allowed_hosts=_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"]),
        csrf_trusted_origins=_list("CSRF_TRUSTED_ORIGINS", []),
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        search_url=os.environ.get("SEARCH_URL") or None,
        search_engine=search_engine,
        search_index_prefix=os.environ.get("SEARCH_INDEX_PREFIX", "portal").strip() or "portal",
        search_timeout=search_timeout,
        search_fallback_timeout=search_fallback_timeout,
        search_dictionary_dir=Path(os.environ.get("SEARCH_DICTIONARY_DIR") or "/usr/share/dictd"),
        base_url=os.environ.get("BASE_URL", "").rstrip("/") or None,
        trusted_proxies=_networks("TRUSTED_PROXIES"),
        media_root=Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media"),
        static_root=Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "static"),
        default_from_email=os.environ.get("DEFAULT_FROM_EMAIL") or "portal@localhost",
        email_host=os.environ.get("EMAIL_HOST") or "localhost",
        email_port=_int("EMAIL_PORT", 25),
        email_host_user=os.environ.get("EMAIL_HOST_USER", ""),
        email_host_password=os.environ.get("EMAIL_HOST_PASSWORD", ""),
        email_use_tls=_bool("EMAIL_USE_TLS", False),
    )


ENV = read_environment()
