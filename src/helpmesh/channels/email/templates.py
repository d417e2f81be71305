"""Notification templates: editable rows in the admin, with these defaults when none exists."""

from __future__ import annotations

from dataclasses import dataclass

from django.template import Context, Template

from helpmesh.channels.email.models import MailTemplate, TemplateKind

DEFAULTS: dict[str, tuple[str, str]] = {
    TemplateKind.ACKNOWLEDGEMENT: (
        "[#{{ ticket.pk }}] {{ ticket.subject }}",
        "Hello {{ customer_name }},\n\nwe received your request and will answer soon.\n"
        "Your reference is #{{ ticket.pk }}; reply to this mail to add to it.\n\n"
        "-- \n{{ mailbox_name }}\n",
    ),
    TemplateKind.REPLY: (
        "Re: [#{{ ticket.pk }}] {{ ticket.subject }}",
        "{{ body }}\n\n-- \n{{ agent_name }}, {{ mailbox_name }}\n",
    ),
    TemplateKind.STATUS_CHANGE: (
        "[#{{ ticket.pk }}] {{ ticket.subject }} is now {{ ticket.get_status_display }}",
        "Hello {{ customer_name }},\n\nyour request #{{ ticket.pk }} is now "
        "{{ ticket.get_status_display|lower }}.\n\n-- \n{{ mailbox_name }}\n",
    ),
}


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, context: dict) -> Rendered:
    """Render the template of ``kind`` (the admin's version, else the default)."""
    row = MailTemplate.objects.filter(kind=kind).first()
    subject, text = (row.subject, row.body_text) if row else DEFAULTS[kind]
    html = row.body_html if row else ""
    values = Context(context, autoescape=False)
    rendered_html = Template(html).render(Context(context)) if html else ""
    return Rendered(
        " ".join(Template(subject).render(values).split()),
        Template(text).render(values),
        rendered_html,
    )
