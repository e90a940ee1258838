"""The administrator screens are no back door: they run no named function and take over no account.

Both app configs replace the stock ones in INSTALLED_APPS. Their ``ready()`` runs after the
stock registrations, so what third-party apps put in the Django admin can be taken out again.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AdminConfig(DjangoAdminConfig):
    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin module
        from django.contrib import admin

        lock_down(admin.site)


class WagtailUsersConfig(WagtailUsersAppConfig):
    user_viewset = "coop.wagtail_users.UserViewSet"


def lock_down(site) -> None:
    """Take out what lets an administrator run code or act as someone else."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib import admin
    from django_q.models import Failure, OrmQ, Schedule, Success

    # django-q2's Schedule form names any importable function for the worker to run, and its
    # "resubmit" action re-runs stored ones (STACK.md pitfall 17). Authenticators hold
    # second-factor secrets, and deleting one would let a reset password alone take over an
    # account. None of them has a place in a web form.
    for model in (Schedule, Success, Failure, OrmQ, Authenticator):
        if site.is_registered(model):
            site.unregister(model)

    # An address an administrator adds or marks verified receives that account's password
    # reset; the list stays readable for support questions.
    class EmailAddressReadOnlyAdmin(admin.ModelAdmin):
        list_display = ("email", "user", "primary", "verified")
        list_filter = ("primary", "verified")
        search_fields = ("email",)
        actions = None

        def has_add_permission(self, request) -> bool:
            return False

        def has_change_permission(self, request, obj=None) -> bool:
            return False

        def has_delete_permission(self, request, obj=None) -> bool:
            return False

    if site.is_registered(EmailAddress):
        site.unregister(EmailAddress)
    site.register(EmailAddress, EmailAddressReadOnlyAdmin)
