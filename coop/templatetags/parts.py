"""``{% part "name" value ... %}…{% endpart %}``: a part of a page kept under the data generation.

The part is rendered once and served from the cache until the data changes (any committed write,
see ``coop.generation``), the day turns or ``PART_SECONDS`` pass. It is kept per session: the key
holds the session, the page's address, the language, the day and every value after the name, so
a part is never shown to another session, and a form's CSRF token in it stays the session's own.
It is kept compressed and encrypted (below). The view hands
the part's data as lazy values (``SimpleLazyObject``), which are only computed when the part is
rendered, so a part served from the cache costs neither its queries nor its template work.
"""

from __future__ import annotations

import zlib
from typing import cast

from django import template
from django.utils.safestring import mark_safe

from coop.crypto import DecryptionError, Sealer
from coop.generation import part_key, remembered

register = template.Library()


class PartNode(template.Node):
    def __init__(self, name, values, nodelist):
        self.name = name
        self.values = values
        self.nodelist = nodelist

    def render(self, context) -> str:
        request = context.get("request")
        session_key = getattr(getattr(request, "session", None), "session_key", None)
        # Only a page as it is read is kept: a form sent back with its errors never is.
        if session_key is None or request.method != "GET":
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        values = [value.resolve(context) for value in self.values]
        key = part_key(f"part-{name}", session_key, request.get_full_path(), *values)
        sealed = remembered(key, lambda: _seal(self.nodelist.render(context)))
        try:
            html = _open(sealed)
        except DecryptionError:
            # Kept under another secret key (it changed): built again, as if never kept.
            html = self.nodelist.render(context)
        return mark_safe(html)  # noqa: S308 (rendered by the template engine)


# A kept part holds personal data: it is encrypted in the cache (a copy of the cache table or of
# Redis shows nothing), under a key derived from the secret key, which the database never holds.
_PARTS = Sealer(b"coop.page-parts", "p2:")


def _seal(html: str) -> str:
    # Compressed first: a large overview's HTML shrinks about tenfold, and so does every read.
    return _PARTS.seal(zlib.compress(str(html).encode(), 1))


def _open(sealed: str) -> str:
    return zlib.decompress(cast(bytes, _PARTS.open(sealed))).decode()


@register.tag("part")
def do_part(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'part' needs a name: {% part \"name\" value ... %}")
    nodelist = parser.parse(("endpart",))
    parser.delete_first_token()
    return PartNode(
        parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]], nodelist
    )
