"""How every form of the portal renders: an error summary at the top that links to each field
with an error, then the fields, grouped in fieldsets where a form asks for it.

``{{ form.as_div }}`` and ``{{ form }}`` both use the project's form template
(templates/coop/forms/form.html); widgets keep Django's own templates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.forms.renderers import DjangoTemplates
from django.template import loader


class FormRenderer(DjangoTemplates):
    """Django's renderer with the form templates taken from the project's templates."""

    form_template_name = "coop/forms/form.html"
    # Forms name Django's div template for ``as_div``; it gets the project's form template too.
    OWN_TEMPLATES = {
        "django/forms/div.html": "coop/forms/form.html",
        "django/forms/default.html": "coop/forms/form.html",
    }

    def get_template(self, template_name):
        own = self.OWN_TEMPLATES.get(template_name)
        if own is not None:
            return loader.get_template(own)
        return super().get_template(template_name)


@dataclass(frozen=True)
class FieldGroup:
    """A form's fields shown together: in a fieldset with a legend, or in a ``<details>`` that
    is folded away until it applies (``open``), and always open when one of its fields has an
    error."""

    legend: str
    names: Sequence[str]
    folded: bool = False
    opens_when: Callable[[object], bool] | None = None


@dataclass
class RenderedGroup:
    legend: str
    fields: list = field(default_factory=list)
    folded: bool = False
    open: bool = True
    has_errors: bool = False


class FieldGroupsMixin:
    """A form with ``field_groups`` (a sequence of ``FieldGroup``); fields in no group come
    first, outside any fieldset."""

    field_groups: Sequence[FieldGroup] = ()

    def rendered_groups(self) -> list[RenderedGroup]:
        fields = {bound.name: bound for bound in self.visible_fields()}  # type: ignore[attr-defined]
        grouped = {name for group in self.field_groups for name in group.names}
        loose = RenderedGroup(legend="", fields=[f for n, f in fields.items() if n not in grouped])
        groups = [loose] if loose.fields else []
        for group in self.field_groups:
            members = [fields[name] for name in group.names if name in fields]
            if not members:
                continue
            has_errors = any(bound.errors for bound in members)
            opened = not group.folded or has_errors
            if not opened and group.opens_when is not None:
                opened = group.opens_when(self)
            groups.append(
                RenderedGroup(
                    legend=str(group.legend),
                    fields=members,
                    folded=group.folded,
                    open=opened,
                    has_errors=has_errors,
                )
            )
        return groups

    def current_value(self, name: str):
        """What the field holds now: the submitted value, or else the initial one."""
        bound = self[name]  # type: ignore[index]
        return bound.value()
