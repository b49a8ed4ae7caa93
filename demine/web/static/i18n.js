// SPDX-License-Identifier: GPL-3.0-or-later
// The page's language for the scripts: texts from /i18n/<lang>.json (the
// same gettext catalogue as the pages; `make messages-extract` finds the
// _("...") calls in these scripts), numbers as the language writes them.
// Until the catalogue has arrived a text shows in English.
(function () {
  "use strict";
  const lang = document.documentElement.lang || "en";
  let messages = {};
  const ready = fetch("/i18n/" + encodeURIComponent(lang) + ".json")
    .then(function (r) { return r.ok ? r.json() : {}; })
    .then(function (m) { messages = m; return m; })
    .catch(function () { return {}; });

  // _("Hotspot %(rank)s", { rank: 3 }): the text in the page's language,
  // its named placeholders filled.
  function gettext(msgid, values) {
    const text = messages[msgid] || msgid;
    if (!values) return text;
    return text.replace(/%\((\w+)\)s/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  function number(value, digits) {
    const d = digits || 0;
    return Number(value).toLocaleString(lang, { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  window.demineI18n = { lang: lang, ready: ready, _: gettext, number: number };
})();
