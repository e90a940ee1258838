from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csp import csp_override
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from activities.urls import feed_urlpatterns as activity_feeds
from activities.urls import public_urlpatterns as activity_public
from coop.site import views as site_views
from members import urls as member_urls
from members import views as member_views

# The dashboard reads every app, so it lives up here, in the portal's namespace beside the
# members' pages.
portal_urlpatterns = [
    path("", site_views.dashboard, name="dashboard"),
    *member_urls.urlpatterns,
]

# Django admin's own log-in form would skip the second factor (STACK.md pitfall 1).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("admin/login/", site_views.admin_login, name="wagtail_login_redirect"),
    path("django-admin/login/", site_views.admin_login, name="django_admin_login_redirect"),
    # Wagtail's log-in for private pages is a plain password form too.
    path("_util/login/", site_views.admin_login, name="page_privacy_login_redirect"),
    # Wagtail's password reset has no rate limit: every step of it goes to allauth's.
    path(
        "admin/password_reset/",
        site_views.admin_password_reset,
        name="wagtail_password_reset_redirect",
    ),
    path("admin/password_reset/<path:rest>", site_views.admin_password_reset),
    path("django-admin/", admin.site.urls),
    # The relaxed policy that Wagtail's admin needs holds for its own pages only.
    path(
        "admin/",
        include(
            decorate_urlpatterns(
                wagtailadmin_urls.urlpatterns, csp_override(settings.COOP_ADMIN_CSP)
            )
        ),
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("invitation/<str:token>/", member_views.invitation_accept, name="invitation_accept"),
    path("portal/", include((portal_urlpatterns, member_urls.app_name))),
    path("portal/", include("vacancies.urls")),
    path("portal/", include("coop.site.setup.urls")),
    path("portal/", include("coop.site.register.urls")),
    path("portal/", include("coop.site.mydata.urls")),
    path("portal/", include("coop.site.compliance.urls")),
    path("portal/", include("activities.urls")),
    path("ical/", include(activity_feeds)),
    path("calendar/", include(activity_public)),
]

if settings.COOP_BENCH_VIEWS:
    urlpatterns += [
        path("bench/hello/", site_views.bench_hello, name="bench_hello"),
        path("bench/rows/", site_views.bench_rows, name="bench_rows"),
    ]

urlpatterns += [path("", include(wagtail_urls))]
