// SPDX-License-Identifier: GPL-3.0-or-later
// The page's language for the scripts: texts from the same gettext catalogue
// as the pages (`make messages-extract` finds the _("...") calls in these
// scripts). The page embeds its language's texts (#demine-i18n, the same
// JSON as /i18n/<lang>.json), so they are there before any map is drawn;
// numbers are written as the language writes them.
(function () {
  "use strict";
  const lang = document.documentElement.lang || "en";
  const embedded = document.getElementById("demine-i18n");
  let messages = {};
  let ready;
  if (embedded) {
    messages = JSON.parse(embedded.textContent || "{}");
    ready = Promise.resolve(messages);
  } else {
    ready = fetch("/i18n/" + encodeURIComponent(lang) + ".json")
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (m) { messages = m; return m; })
      .catch(function () { return {}; });
  }

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

  // The words of MapLibre's own controls (its `locale` map option).
  function mapLocale() {
    return {
      "AttributionControl.ToggleAttribution": gettext("Toggle attribution"),
      "AttributionControl.MapFeedback": gettext("Map feedback"),
      "FullscreenControl.Enter": gettext("Enter fullscreen"),
      "FullscreenControl.Exit": gettext("Exit fullscreen"),
      "GeolocateControl.FindMyLocation": gettext("Find my location"),
      "GeolocateControl.LocationNotAvailable": gettext("Location not available"),
      "LogoControl.Title": gettext("MapLibre logo"),
      "Map.Title": gettext("Map"),
      "Marker.Title": gettext("Map marker"),
      "NavigationControl.ResetBearing": gettext("Drag to rotate map, click to reset north"),
      "NavigationControl.ZoomIn": gettext("Zoom in"),
      "NavigationControl.ZoomOut": gettext("Zoom out"),
      "Popup.Close": gettext("Close popup"),
      "ScaleControl.Meters": gettext("m"),
      "ScaleControl.Kilometers": gettext("km"),
    };
  }

  window.demineI18n = { lang: lang, ready: ready, _: gettext, number: number, mapLocale: mapLocale };
})();
