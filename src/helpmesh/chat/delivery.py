"""How an agent's reply on a chat ticket reaches the visitor (conversations.tasks'
``REPLY_SENDERS["chat"]``): live while they are there (the stream already carried it, see
steps.py), by email once they have gone and left an address. Replies follow the channel the
customer used last: after an email from them, the answer is mail too."""

from __future__ import annotations

from helpmesh.conversations.models import Channel, Message


def register() -> None:
    """Let agent replies on chat tickets go through ``send_reply``."""
    from helpmesh.conversations import tasks

    tasks.register_reply_sender(Channel.CHAT, send_reply)


def send_reply(message: Message) -> str:
    """Deliver an agent's public reply on a chat ticket; returns what happened."""
    from helpmesh.bot import steps as bot_steps
    from helpmesh.chat import services
    from helpmesh.chat.models import ChatSession

    if message.author_user is not None and message.author_user.email == bot_steps.BOT_EMAIL:
        return "skipped: the bot's answer is read in the chat"
    ticket = message.ticket
    last = (
        Message.objects.filter(ticket=ticket, author_customer__isnull=False, internal=False)
        .order_by("-created_at", "-id")
        .values_list("channel", flat=True)
        .first()
    )
    sessions = list(ChatSession.objects.filter(ticket=ticket))
    if last != Channel.EMAIL and any(services.present(s) for s in sessions):
        return "delivered live"
    return _by_email(message)


def _by_email(message: Message) -> str:
    """The email channel's threaded reply from the mailbox (to the requester's address), so
    the visitor's answer by mail threads back onto this ticket."""
    from helpmesh.channels.email import outbound

    return outbound.queue_reply(message)
