"""Access-matrix rows for a person's own data: every logged-in person sees their own (there is
no other person's page to reach: the URLs carry no id), anonymous visitors go to log in."""

from __future__ import annotations

from django.urls import reverse

from tests.access import OK, REDIRECT, Row, WrongMethod, everyone

ROWS: dict[str, Row] = {
    "mydata:page": Row(
        lambda c: reverse("mydata:page"),
        everyone(OK, anonymous=REDIRECT),
        reason="Each person's own data; the page names nobody else (tests/mydata).",
    ),
    "mydata:download": Row(
        lambda c: reverse("mydata:download"),
        everyone(OK, anonymous=REDIRECT),
        reason="The same as a JSON file, for the logged-in person only.",
    ),
}

WRONG_METHOD: dict[str, WrongMethod] = {
    "mydata:page": WrongMethod("post", lambda c: reverse("mydata:page"), role="vrager"),
    "mydata:download": WrongMethod("post", lambda c: reverse("mydata:download"), role="outsider"),
}
