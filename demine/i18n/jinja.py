# SPDX-License-Identifier: GPL-3.0-or-later
"""Jinja2's i18n extension wired to demine's catalogues, for every template.

Templates use ``{{ _("Text") }}``, ``{% trans %}...{% endtrans %}`` and
``ngettext``; the extension's "new style" fills placeholders and escapes
their values. Filters format numbers and dates in the current language.
"""

from __future__ import annotations

from jinja2 import Environment

from demine.i18n import numbers
from demine.i18n.catalogues import translations
from demine.i18n.language import LANGUAGES, current_language


def _gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return str(translations(current_language()).pgettext(context, message))


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current_language()).npgettext(context, singular, plural, n)


def install(env: Environment) -> Environment:
    """Add gettext, the language and the number and date filters to ``env``."""
    env.add_extension("jinja2.ext.i18n")
    # {% trans %} blocks lose the line breaks and indents of the template.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext,
        ngettext=_ngettext,
        pgettext=_pgettext,
        npgettext=_npgettext,
        newstyle=True,
    )
    env.globals["current_language"] = current_language
    env.globals["LANGUAGES"] = LANGUAGES
    env.filters["number"] = numbers.number
    env.filters["signed"] = numbers.signed
    env.filters["percent"] = numbers.percent
    env.filters["date"] = numbers.date
    env.filters["datetime"] = numbers.datetime
    return env
