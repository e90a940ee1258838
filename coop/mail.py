"""E-mail from templates, in the recipient's language, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import formataddr, parseaddr
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.utils import translation

from coop.models import User


def render_email(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """Render ``<template>_subject.txt`` and ``<template>_message.txt`` in ``language``."""
    with translation.override(language):
        subject = _render_text(f"{template}_subject.txt", context).strip()
        body = _render_text(f"{template}_message.txt", context)
    return " ".join(subject.split()), body


def _render_text(name: str, context: dict[str, Any]) -> str:
    """Plain text: what people wrote (a name with an apostrophe) must not be HTML-escaped."""
    backend = cast(DjangoTemplates, engines["django"])  # the DjangoTemplates backend, by name
    template = backend.engine.get_template(name)
    return template.render(Context(context, autoescape=False))


def sender_address(name: str) -> str:
    """The site's sending address under the name of who writes (an association), if given."""
    if not name:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def replier_name(user: User | None) -> str:
    """How an e-mail that invites a reply names the person the reply reaches (empty: none)."""
    if user is None:
        return ""
    return user.get_full_name() or user.email


def send_email_on_commit(
    *,
    template: str,
    to: str,
    context: dict[str, Any],
    language: str | None = None,
    only_if: Callable[[], bool] | None = None,
    sender: str = "",
    reply_to: str = "",
) -> None:
    """Queue one e-mail; nothing is sent when the surrounding transaction rolls back.

    ``sender`` is the name it comes from (an association), at the site's sending address;
    ``reply_to`` is a real person's or organisation's address, only for an e-mail whose text
    invites a reply.

    It is rendered after the commit too, so that locks taken by the transaction (a voting
    round, an occurrence's places) are not held while templates render. ``only_if``, asked
    after the commit, can still drop an e-mail that later events made stale.
    """

    def send() -> None:
        if only_if is not None and not only_if():
            return
        subject, body = render_email(template, context, language or settings.LANGUAGE_CODE)
        EmailMessage(
            subject=subject,
            body=body,
            from_email=sender_address(sender),
            to=[to],
            reply_to=[reply_to] if reply_to else None,
        ).send()

    transaction.on_commit(send)


def mail_on_commit(
    *recipients: Any,
    template: str,
    context: dict[str, Any],
    only_if: Callable[[], bool] | None = None,
    sender: str = "",
    reply_to: str = "",
) -> int:
    """E-mail each user or member in their own language after commit; returns how many go out.

    A member with an account is written at the account's address in its language; one without
    at the address on file in the site's language; one with no address at all is skipped.
    """
    queued = 0
    for recipient in recipients:
        user = recipient if isinstance(recipient, User) else recipient.user
        to = (user.email if user else "") or recipient.email
        if not to:
            continue
        send_email_on_commit(
            template=template,
            to=to,
            context=context,
            language=(user.language if user else "") or settings.LANGUAGE_CODE,
            only_if=only_if,
            sender=sender,
            reply_to=reply_to,
        )
        queued += 1
    return queued
