"""Forms of the agent inbox: they parse and validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from helpmesh.accounts.models import Role, Team, User
from helpmesh.automation.models import Macro
from helpmesh.conversations.models import Channel, Priority, Status
from helpmesh.conversations.services import TicketChanges
from helpmesh.routing.snapshots import SYSTEM_DOMAIN

BLANK = [("", "—")]


def assignable_agents() -> forms.ModelChoiceField:
    """A field listing the people who can own tickets (light agents cannot)."""
    agents = User.objects.filter(role__in=[Role.AGENT, Role.ADMIN], is_active=True).order_by("name")
    # System authors (routing, the answer bot, automation) are agents on paper, never owners.
    agents = agents.exclude(email__endswith=SYSTEM_DOMAIN)
    return forms.ModelChoiceField(agents, required=False, empty_label="Unassigned")


def split_tags(raw: str) -> list[str]:
    """Tags typed as "billing, vip" or "billing vip"."""
    return [t for t in raw.replace(",", " ").split() if t]


class LoginForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput)


class ReplyForm(forms.Form):
    """A public reply or an internal note, with optional files (read from request.FILES)."""

    MODES = [("public", "Public reply"), ("internal", "Internal note")]

    mode = forms.ChoiceField(choices=MODES, initial="public", widget=forms.RadioSelect)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Message")

    @property
    def internal(self) -> bool:
        return self.cleaned_data["mode"] == "internal"


class TicketForm(forms.Form):
    """The side panel: status, priority, team, assignee and tags in one change set.

    Each field carries its initial value in a hidden input, so only what the agent actually
    changed is sent to the service: a page left open while someone else (or a reply) moved the
    ticket does not silently revert those changes.
    """

    status = forms.ChoiceField(choices=Status.choices, show_hidden_initial=True)
    priority = forms.ChoiceField(choices=Priority.choices, show_hidden_initial=True)
    team = forms.ModelChoiceField(
        Team.objects.all(), required=False, empty_label="No team", show_hidden_initial=True
    )
    assignee = forms.ModelChoiceField(User.objects.none(), required=False)
    tags = forms.CharField(
        required=False, help_text="Separate with commas or spaces.", show_hidden_initial=True
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee"] = assignable_agents()
        self.fields["assignee"].show_hidden_initial = True

    def changes(self) -> TicketChanges:
        """The change set for services.update_ticket: the fields the agent changed, only."""
        data, changed = self.cleaned_data, set(self.changed_data)
        changes = TicketChanges()
        if "status" in changed:
            changes.status = data["status"]
        if "priority" in changed:
            changes.priority = data["priority"]
        if "team" in changed:
            changes.team, changes.clear_team = data["team"], data["team"] is None
        if "assignee" in changed:
            changes.assignee, changes.clear_assignee = data["assignee"], data["assignee"] is None
        if "tags" in changed:
            changes.tags = split_tags(data["tags"])
        return changes


class EscalateForm(forms.Form):
    """Send the ticket one tier up (tiered support models); the next tier reads the note."""

    note = forms.CharField(
        label="Handoff note",
        max_length=10_000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "What you found and what the next tier should do"}
        ),
        error_messages={"required": "An escalation needs a handoff note."},
    )


class MacroForm(forms.Form):
    """Apply one of the macros the agent may use (automation.services.macros_for)."""

    macro = forms.ModelChoiceField(
        Macro.objects.none(),
        empty_label="Choose a macro…",
        error_messages={"required": "Choose a macro to apply."},
    )

    def __init__(self, *args: object, macros: QuerySet[Macro], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["macro"].queryset = macros  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    """Merge into another ticket: the first post previews what moves, the confirmed one merges."""

    target = forms.IntegerField(min_value=1, label="Merge into ticket #")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class BulkForm(forms.Form):
    """One change applied to every selected ticket; empty fields are left alone."""

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    assignee = forms.ModelChoiceField(User.objects.none(), required=False)
    status = forms.ChoiceField(choices=BLANK + list(Status.choices), required=False)
    add_tag = forms.CharField(required=False, max_length=64)

    def __init__(self, *args: object, ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["ids"].choices = [(i, i) for i in ids]  # type: ignore[attr-defined]
        self.fields["assignee"] = assignable_agents()
        self.fields["assignee"].empty_label = "—"  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        if not (data.get("assignee") or data.get("status") or data.get("add_tag")):
            raise forms.ValidationError("Choose an assignee, a status or a tag to apply.")
        return data

    def changes(self) -> TicketChanges:
        data = self.cleaned_data
        return TicketChanges(
            assignee=data["assignee"],
            status=data["status"] or None,
            add_tags=split_tags(data["add_tag"]),
        )


class InboxFilters(forms.Form):
    """The query string of the inbox; unknown values fall back to the defaults."""

    VIEWS = [("mine", "Mine"), ("unassigned", "Unassigned"), ("teams", "My teams"), ("all", "All")]
    SORTS = [
        ("updated", "Last updated"),
        ("created", "Newest"),
        ("priority", "Priority"),
        ("due", "Due soonest"),
    ]

    view = forms.ChoiceField(choices=VIEWS, required=False)
    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    priority = forms.ChoiceField(choices=[("", "Any priority"), *Priority.choices], required=False)
    team = forms.ModelChoiceField(Team.objects.all(), required=False, empty_label="Any team")
    tag = forms.CharField(required=False, max_length=64)
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False)
    page = forms.IntegerField(min_value=1, required=False)
