"""Chat's step in the ticket pipeline (settings.HELPMESH_TICKET_HOOKS "message_added"):
every public message on a chat ticket (an agent's reply, the bot's answer, the visitor's own
words) rings the session's stream, so the widget shows it at once."""

from __future__ import annotations

from typing import Any

from helpmesh.conversations.models import Channel, Message, Ticket


def publish_message(ticket: Ticket, *, message: Message, **context: Any) -> None:
    """Announce a public message on a chat ticket to its visitor (and agents) after commit."""
    if message.internal or ticket.channel != Channel.CHAT:
        return
    from helpmesh.chat import services

    services.announce(ticket, message)
