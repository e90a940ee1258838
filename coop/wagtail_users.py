"""Wagtail's user screens without the fields that would let an administrator become someone else.

No password fields (WAGTAILUSERS_PASSWORD_ENABLED is off): a password is only ever set by its
owner, through allauth's rate-limited reset. The e-mail address cannot be changed here, since
the reset link goes to it. No "administrator" box: superusers only come from
``manage.py createsuperuser``. Groups (and with them Wagtail editing rights) can still be given.
Names follow the platform's own rule for names (coop/cleaning.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from coop.cleaning import clean_name
from coop.exceptions import DomainError


class _NamesMixin:
    cleaned_data: dict[str, Any]  # a form's, which the mixin is mixed into

    def _name(self, field: str) -> str:
        try:
            return clean_name(self.cleaned_data[field], field=field, max_length=150)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def clean_first_name(self) -> str:
        return self._name("first_name")

    def clean_last_name(self) -> str:
        return self._name("last_name")


class StaffUserCreationForm(_NamesMixin, UserCreationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("is_superuser", None)

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        # The new user chooses a password through the reset e-mail; none is usable until then.
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class StaffUserEditForm(_NamesMixin, UserEditForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("is_superuser", None)
        self.fields["email"].disabled = True


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False):
        return StaffUserEditForm if for_update else StaffUserCreationForm
