"""Where a webhook may post: http(s) URLs whose host resolves to public addresses only.

An admin-set URL is a request our server makes on their behalf, so without this guard a webhook
could reach the loopback interface, the private network or the cloud metadata service
(169.254.169.254) and report what it found through the delivery log (SSRF). The rule is checked
when a webhook is saved and again right before each delivery connects: ``resolve`` looks the host
up once, every address it returns must be allowed, and the connection goes to that very address
(``connection``), so a DNS answer that changes between the check and the connect cannot slip
through. Networks listed in ``HELPMESH_WEBHOOK_ALLOWED_NETWORKS`` are allowed although they are not
public (on-prem receivers, tests). See docs/adr/0021-webhook-ssrf-guard.md.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SETTING = "HELPMESH_WEBHOOK_ALLOWED_NETWORKS"
PORTS = {"http": 80, "https": 443}


class RefusedTarget(ValueError):
    """The URL is not one a webhook may post to; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked URL and the address the delivery connects to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def allowed_networks() -> list[Network]:
    """The operator's allowlist (``HELPMESH_WEBHOOK_ALLOWED_NETWORKS``), parsed."""
    networks = []
    for raw in getattr(settings, SETTING, []):
        try:
            networks.append(ipaddress.ip_network(str(raw).strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{SETTING}: {raw!r} is not a network (CIDR)") from None
    return networks


def refusal(address: Address) -> str:
    """Why ``address`` may not be posted to ("a loopback address"), or '' when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(address in network for network in allowed_networks()):
        return ""
    reasons = [
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address (where cloud metadata lives)"),
        (address.is_multicast, "a multicast address"),
        (address.is_unspecified, "the unspecified address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    ]
    return next((why for hit, why in reasons if hit), "")


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check(url: str) -> Target:
    """Parse and resolve ``url``; RefusedTarget unless every address it resolves to is allowed.

    A host that does not resolve raises OSError (socket.gaierror): at delivery time that is a
    network failure to retry, at save time the caller turns it into a refusal.
    """
    scheme, host, port, path = _parts(url)
    addresses = resolve(host, port)
    if not addresses:
        raise RefusedTarget(f"{host} does not resolve to any address")
    for address in addresses:
        why = refusal(address)
        if why and host == str(address):
            raise RefusedTarget(f"{host} is {why}")
        if why:
            raise RefusedTarget(f"{host} resolves to {address}, {why}")
    return Target(scheme, host, port, path, str(addresses[0]))


def _parts(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL, else RefusedTarget."""
    try:
        parts = urlsplit(url)
        port = parts.port or PORTS.get(parts.scheme, 0)
    except ValueError as exc:
        raise RefusedTarget(f"not a valid URL: {exc}") from None
    if parts.scheme not in PORTS:
        raise RefusedTarget("only http:// and https:// URLs are allowed")
    if not parts.hostname:
        raise RefusedTarget("the URL has no host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


class _PinnedHTTP(http.client.HTTPConnection):
    """Speaks to ``host`` (Host header) but connects to the address that was checked."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to the checked address, with SNI and certificate checks against ``host``."""

    def __init__(self, target: Target, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    """A connection to ``target``'s checked address (no proxies; redirects are not followed)."""
    if target.scheme == "https":
        return _PinnedHTTPS(target, timeout)
    return _PinnedHTTP(target, timeout)
