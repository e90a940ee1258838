"""Language choice (Dutch unless the person picked another language) and account-page caching."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from wagtail.views import serve as wagtail_serve

from coop.models.pages import keep_site_for


class LanguageMiddleware:
    """Unlike Django's LocaleMiddleware, ignores the browser's Accept-Language header.

    The platform is Dutch first: an English browser still gets Dutch until its user chooses
    English with the language switch (remembered in the language cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class AccountPagesNoStoreMiddleware:
    """Account pages (log-in, second factor, recovery codes, password reset) are never cached.

    Recovery codes and the TOTP set-up secret are shown on these pages; a shared computer's
    browser cache or the back button must not bring them back.
    """

    PREFIXES = ("/accounts/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.PREFIXES):
            add_never_cache_headers(response)
        return response


class PublicSiteMiddleware:
    """Before a Wagtail page is served to an anonymous visitor, puts the site and its home page
    kept under the data generation on the request (``coop.models.pages.keep_site_for``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve:
            keep_site_for(request)
