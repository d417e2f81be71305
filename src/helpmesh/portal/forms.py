"""Forms customers fill in; files come from request.FILES."""

from __future__ import annotations

from django import forms


class RequestForm(forms.Form):
    subject = forms.CharField(max_length=250)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Tell us what happened and what you expected. Add screenshots below if useful.",
    )


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Your reply")
