"""Who is who by email address: our mailboxes, agents, customers."""

from __future__ import annotations

import hashlib

from django.conf import settings

from helpmesh.accounts.models import Role, User
from helpmesh.channels.email.models import Mailbox
from helpmesh.conversations import pipeline
from helpmesh.conversations.models import Ticket
from helpmesh.customers import services as customers
from helpmesh.customers.models import IdentityKind


def ours() -> set[str]:
    """Every address we send from (mailboxes and the default support address), lower case."""
    found = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    found.add(support_address().lower())
    return found


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
    lowered = [a.lower() for a in candidates]
    found = User.objects.filter(
        email__in=lowered, is_active=True, role__in=[Role.AGENT, Role.ADMIN]
    ).values_list("email", flat=True)
    return {e.lower() for e in found}


def agent_for(address: str) -> User | None:
    """The active agent or admin who uses this address, if any."""
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
