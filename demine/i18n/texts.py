# SPDX-License-Identifier: GPL-3.0-or-later
"""gettext for demine's own code: texts in the current language.

A message id is the English text itself (the gettext convention, so
translators see English in Poedit or Weblate). Placeholders are named
Python %-placeholders, filled from keyword arguments the way Jinja2's
i18n extension fills them in templates::

    _("Hazard %(id)s submitted for review.", id=12)
    ngettext("%(num)d problem", "%(num)d problems", n)

A text shown in more than one sense gets a context (``pgettext``), as the
vocabulary labels do (``pgettext("hazard status", "Open")``).
"""

from __future__ import annotations

from typing import NamedTuple

from demine.i18n.catalogues import translations
from demine.i18n.language import current_language


def gettext(message: str, /, **values: object) -> str:
    """``message`` in the current language, its placeholders filled."""
    text = translations(current_language()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The form of a counted text for ``n`` (Russian has three); ``num`` is n."""
    values.setdefault("num", n)
    return translations(current_language()).ngettext(singular, plural, n) % values


def pgettext(context: str, message: str, /, **values: object) -> str:
    """``message`` in the sense ``context`` names, in the current language."""
    text = str(translations(current_language()).pgettext(context, message))
    return text % values if values else text


def npgettext(
    context: str, singular: str, plural: str, n: int, /, **values: object
) -> str:
    """:func:`ngettext` in the sense ``context`` names."""
    values.setdefault("num", n)
    text = translations(current_language()).npgettext(context, singular, plural, n)
    return text % values


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the gettext convention's name
    """Mark ``message`` for extraction; translate it later with :func:`gettext`."""
    return message


class Text(NamedTuple):
    """A text with its context, translated when shown (see :func:`NC_`)."""

    context: str
    message: str

    def __str__(self) -> str:
        return pgettext(self.context, self.message)


def NC_(context: str, message: str) -> Text:  # noqa: N802 - gettext convention
    """Mark ``message`` in ``context`` for extraction; ``str()`` translates it."""
    return Text(context, message)
