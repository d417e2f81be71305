"""Who is who by email address: our mailboxes, agents, customers.

Our addresses and the agents' addresses are read for every message but change rarely: they are
cached per process for a few seconds (``core.config_cache``); saving a mailbox or a user in this
process forgets them at once (signals wired in ``apps.py``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from helpmesh.accounts.models import Role, User
from helpmesh.channels.email.models import Mailbox
from helpmesh.conversations import pipeline
from helpmesh.conversations.models import Ticket
from helpmesh.core import config_cache
from helpmesh.customers import services as customers
from helpmesh.customers.models import IdentityKind

CACHE_PREFIX = "email."


def ours() -> frozenset[str]:
    """Every address we send from (mailboxes and the default support address), lower case."""
    return config_cache.cached(CACHE_PREFIX + "ours", _load_ours)


def _load_ours() -> frozenset[str]:
    found = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    found.add(support_address().lower())
    return frozenset(found)


def agent_addresses() -> frozenset[str]:
    """The addresses (lower case) of every active agent and admin."""
    return config_cache.cached(CACHE_PREFIX + "agents", _load_agents)


def _load_agents() -> frozenset[str]:
    found = User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.ADMIN]).values_list(
        "email", flat=True
    )
    return frozenset(e.lower() for e in found if e)


def forget(*_: object, **__: object) -> None:
    """Drop the cached addresses (connected to Mailbox and User saves and deletes)."""
    config_cache.forget(CACHE_PREFIX)


def support_address() -> str:
    """The default support address (always set: settings give it a default)."""
    address = settings.HELPMESH_SUPPORT_ADDRESS
    return address if isinstance(address, str) else ""


def is_ours(address: str) -> bool:
    """True for one of our own sending addresses."""
    return address.lower() in ours()


def loop_token() -> str:
    """A value we put in X-Helpmesh-Loop on everything we send, unique to this installation."""
    return hashlib.sha256(f"helpmesh-loop:{settings.SECRET_KEY}".encode()).hexdigest()[:24]


def agents_among(candidates: list[str]) -> set[str]:
    """The addresses (lower case) among ``candidates`` that belong to active agents or admins."""
    if not candidates:
        return set()
    return {a.lower() for a in candidates} & agent_addresses()


def agent_for(address: str) -> User | None:
    """The active agent or admin who uses this address, if any."""
    if address.lower() not in agent_addresses():
        return None
    return User.objects.filter(
        email__iexact=address, is_active=True, role__in=[Role.AGENT, Role.ADMIN]
    ).first()


def takes_part(ticket: Ticket, address: str) -> bool:
    """True when the owner of ``address`` is the requester or a participant of ``ticket``."""
    try:
        customer = customers.find(IdentityKind.EMAIL, address)
    except customers.CustomerError:
        return False
    return customer is not None and pipeline.takes_part(ticket, customer)
