"""The email channel's knobs: HELPMESH_EMAIL_* environment variables (or Django settings of the
same name, which tests override), read when used, never at import time."""

from __future__ import annotations

import ssl

from django.conf import settings

from helpmesh import config

DEFAULTS = {
    "HELPMESH_EMAIL_MAX_BYTES": 40 * 1024 * 1024,  # raw message size limit
    "HELPMESH_EMAIL_RATE_LIMIT": 30,  # messages per sender per hour
    "HELPMESH_EMAIL_SEND_ATTEMPTS": 5,  # SMTP tries before a send is failed
    "HELPMESH_EMAIL_RETRY_SECONDS": 60,  # first backoff; doubles each try
    "HELPMESH_EMAIL_LOCK_SECONDS": 300,  # how long a poller holds a mailbox
}


def get(name: str) -> int:
    """The value of one knob (settings override, then environment, then default)."""
    if hasattr(settings, name):
        return int(getattr(settings, name))
    return config.env_int(name, DEFAULTS[name])


def inbound_token() -> str:
    """The shared secret of the raw-MIME webhook (HELPMESH_EMAIL_INBOUND_TOKEN); "" = disabled."""
    return getattr(settings, "HELPMESH_EMAIL_INBOUND_TOKEN", None) or (
        config.env("HELPMESH_EMAIL_INBOUND_TOKEN", "") or ""
    )


def tls_context() -> ssl.SSLContext:
    """The context for IMAP and SMTP over TLS: certificates and host names are always verified,
    against the system's CAs or, when HELPMESH_EMAIL_CA_FILE names a PEM file, against those
    (a private CA, or a test server's self-signed certificate)."""
    cafile = getattr(settings, "HELPMESH_EMAIL_CA_FILE", None) or config.env(
        "HELPMESH_EMAIL_CA_FILE", ""
    )
    return ssl.create_default_context(cafile=cafile or None)
