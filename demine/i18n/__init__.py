# SPDX-License-Identifier: GPL-3.0-or-later
"""Every word a user reads, in English, Azerbaijani (Latin) or Russian.

gettext catalogues managed with Babel (``locales/<lang>/LC_MESSAGES/
demine.po``), used alike by the web pages, the reports, the CLI, the field
forms, validation findings and error messages. This package sits beneath
every other one (it imports nothing of demine), so the domain core can word
its findings and errors too. How to add or translate a message:
``docs/translating.md``.

>>> from demine.i18n import _, ngettext, use_language
>>> with use_language("ru"):
...     _("Map"), ngettext("%(num)s finding", "%(num)s findings", 3)
('Карта', '3 замечания')
>>> with use_language("az"):
...     _("Review queue")
'Yoxlama növbəsi'
"""

from demine.i18n.language import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    check_language,
    choose_language,
    current_language,
    negotiate,
    use_language,
)
from demine.i18n.texts import N_, NC_, Text, _, gettext, ngettext, npgettext, pgettext

__all__ = [
    "LANGUAGES",
    "NC_",
    "N_",
    "SOURCE_LANGUAGE",
    "Text",
    "_",
    "check_language",
    "choose_language",
    "current_language",
    "gettext",
    "negotiate",
    "ngettext",
    "npgettext",
    "pgettext",
    "use_language",
]
