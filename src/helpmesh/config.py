"""Settings read from the environment, validated once at start.

Every knob an operator turns is an environment variable named ``HELPMESH_*``; a secret may instead
come from a file named by ``HELPMESH_*_FILE`` (for container secrets). Bad values fail at start with
a message that names the variable, never later in a request.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def env(name: str, default: str | None = None) -> str | None:
    """Read ``name`` or the file named by ``name_FILE``; empty strings count as unset."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {file_name!r}: {exc.strerror}") from exc
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: expected true/false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number, got {value!r}") from None


def home() -> Path:
    """The folder that holds the embedded database, uploads and the demo secret."""
    return Path(env("HELPMESH_HOME", "./.helpmesh") or ".helpmesh").resolve()


def database(home_dir: Path) -> dict[str, Any]:
    url = env("HELPMESH_DATABASE_URL") or f"sqlite:///{home_dir / 'helpmesh.sqlite3'}"
    scheme = urlparse(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise ConfigError(
            f"HELPMESH_DATABASE_URL: unsupported scheme {scheme!r}; use sqlite:/// or postgres://"
        )
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=env_int("HELPMESH_DB_CONN_MAX_AGE", 60))
    )
    if config["ENGINE"].endswith("sqlite3"):
        # IMMEDIATE takes the write lock when a transaction starts, so two writers never race
        # on the audit chain head; WAL lets readers run beside the writer.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


def broker_url() -> str | None:
    url = env("HELPMESH_BROKER_URL")
    if url is None:
        return None
    scheme = urlparse(url).scheme
    if scheme not in ("redis", "rediss", "amqp", "amqps", "pyamqp"):
        raise ConfigError(
            f"HELPMESH_BROKER_URL: unsupported scheme {scheme!r}; use redis:// or amqp://"
        )
    return url


def secret_key(home_dir: Path) -> str:
    """The configured secret, else one generated once per home (fine for the demo only)."""
    configured = env("HELPMESH_SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ConfigError("HELPMESH_SECRET_KEY: must be at least 32 characters long")
        return configured
    path = home_dir / "secret_key"
    if not path.exists():
        home_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False


def email(home_dir: Path) -> EmailConfig:
    """Parse ``HELPMESH_EMAIL_URL`` (smtp://user:pass@host:587?starttls=1, smtps://..., file:)."""
    url = env("HELPMESH_EMAIL_URL")
    if url is None or url == "file:":
        return EmailConfig(backend="django.core.mail.backends.filebased.EmailBackend")
    if url == "console:":
        return EmailConfig(backend="django.core.mail.backends.console.EmailBackend")
    parsed = urlparse(url)
    if parsed.scheme not in ("smtp", "smtps"):
        raise ConfigError(
            f"HELPMESH_EMAIL_URL: unsupported scheme {parsed.scheme!r}; use smtp://, smtps://, "
            "file: or console:"
        )
    query = parse_qs(parsed.query)
    return EmailConfig(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=parsed.hostname or "localhost",
        port=parsed.port or (465 if parsed.scheme == "smtps" else 25),
        user=unquote(parsed.username or ""),
        password=unquote(parsed.password or ""),
        use_tls=query.get("starttls", ["0"])[0] in ("1", "true"),
        use_ssl=parsed.scheme == "smtps",
    )


def allowed_hosts() -> list[str]:
    raw = env("HELPMESH_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver") or ""
    hosts = [h.strip() for h in raw.split(",") if h.strip()]
    if not hosts:
        raise ConfigError("HELPMESH_ALLOWED_HOSTS: list at least one host name")
    return hosts
