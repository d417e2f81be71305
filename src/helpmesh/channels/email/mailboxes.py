"""The only writer of mailboxes (the admin and the API call these)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helpmesh.channels.email.models import Mailbox
from helpmesh.conversations.errors import TicketError
from helpmesh.core import audit

_SECRETS = {"imap_password", "imap_oauth2_token", "smtp_password"}


def by_name(name: str) -> Mailbox | None:
    """The mailbox called ``name``, if any."""
    return Mailbox.objects.filter(name=name).first()


def all_mailboxes():
    """Every mailbox, by name."""
    return Mailbox.objects.order_by("name")


def create_mailbox(values: dict[str, Any], *, actor: Any = None) -> Mailbox:
    """Validate and create a mailbox; the audit event never contains its secrets."""
    mailbox = Mailbox(**values)
    try:
        mailbox.full_clean(exclude=["locked_by", "locked_until", "last_polled_at", "last_error"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise TicketError(f"{field}: {messages[0]}", field=field) from None
    try:
        with transaction.atomic():
            mailbox.save()
            shown = {k: v for k, v in values.items() if k not in _SECRETS}
            audit.record("email.mailbox_created", "mailbox", mailbox.pk, actor=actor, data=shown)
    except IntegrityError:
        raise TicketError("a mailbox with that name exists", field="name", code="exists") from None
    return mailbox
