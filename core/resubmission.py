"""One token per rendered form, so a form sent twice is handled once (core.models.SubmittedForm)."""

import secrets

from django import forms

from core.models import SubmittedForm

TOKEN_FIELD = "form_token"


def add_token_field(form):
    form.fields[TOKEN_FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=secrets.token_urlsafe(24)
    )
    return form


def token_of(request):
    return request.POST.get(TOKEN_FIELD, "").strip()[:64]


def earlier_submission(request):
    token = token_of(request)
    return SubmittedForm.objects.filter(token=token).first() if token else None


def remember_submission(request, result_url, label):
    """Inside the save's transaction, so the token is taken exactly when the save commits."""
    token = token_of(request)
    if token:
        SubmittedForm.objects.create(token=token, result_url=result_url, label=label[:200])
