# SPDX-License-Identifier: GPL-3.0-or-later
"""The completion report and the handover certificate (IMAS 08.30) as PDF.

Both are drawn from approved records only, in the language asked for, with
WeasyPrint like every report (:func:`demine.reports.render.html_to_pdf`).
The certificate carries its number and a QR code of its public
verification address, so anyone holding the paper can check it is real.
"""

from __future__ import annotations

import math
from typing import Any

import shapely
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from matplotlib.patches import Patch, PathPatch

from demine.domain.handover import refusals
from demine.domain.labels import BY_NAME, label_of
from demine.errors import NotFoundError
from demine.i18n import _, check_language, use_language
from demine.i18n.jinja import install
from demine.reports.charts import KIND_COLOURS, _figure, to_png_uri
from demine.reports.formatting import show
from demine.reports.maps import _path
from demine.reports.qr import qr_png_uri
from demine.reports.render import TEMPLATES, html_to_pdf
from demine.store import handover as queries
from demine.store.database import Database

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["show"] = show
install(_ENV)


def verification_url(base_url: str, code: str) -> str:
    """The public page that confirms a certificate (what its QR code holds)."""
    return f"{base_url.rstrip('/')}/public/certificates/{code}"


def _label(group: str, value: Any) -> str:
    """A vocabulary value's label (``group`` as in :data:`BY_NAME`), or a dash."""
    if value is None:
        return "–"
    return label_of(BY_NAME[group], value)


def release_map(hazard_geom: Any, releases: list[dict[str, Any]], lang: str) -> str:
    """The hazard's outline and its released polygons by kind, as a PNG URI."""
    fig = _figure((6.6, 4.2))
    ax = fig.add_subplot()
    shapes = [g for g in [hazard_geom] if g is not None and not g.is_empty]
    for rel in releases:
        geom = rel["geom"]
        if geom is None or geom.is_empty:
            continue
        shapes.append(geom)
        colour = KIND_COLOURS.get(str(rel["kind"]), "#999999")
        ax.add_patch(
            PathPatch(_path(geom), facecolor=colour, edgecolor="#333333", lw=0.4)
        )
    if hazard_geom is not None and not hazard_geom.is_empty:
        ax.add_patch(
            PathPatch(
                _path(hazard_geom), fill=False, edgecolor="#CC3311", lw=1.2, ls="--"
            )
        )
    if shapes:
        x0, y0, x1, y1 = shapely.total_bounds(shapes)
        pad = 0.06 * max(x1 - x0, y1 - y0, 1e-4)
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y0 - pad, y1 + pad)
        ax.set_aspect(1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.1))
    handles = [
        Patch(facecolor=c, edgecolor="#333333", label=_label("kind", k))
        for k, c in KIND_COLOURS.items()
    ]
    handles.append(
        Patch(
            fill=False,
            edgecolor="#CC3311",
            ls="--",
            label=_("Hazardous area as recorded"),
        )
    )
    ax.legend(
        handles=handles,
        frameon=False,
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
    )
    ax.set_xticks([])
    ax.set_yticks([])
    return to_png_uri(fig)


def completion_context(db: Database, hazard_id: int, lang: str) -> dict[str, Any]:
    """Everything the completion report of one hazard says."""
    with db.transaction() as conn:
        hazard = queries.hazard_facts(conn, hazard_id)
        state = queries.hazard_state(conn, hazard_id)
        context: dict[str, Any] = {
            "hazard": hazard,
            "activities": queries.activities(conn, hazard_id),
            "releases": queries.releases(conn, hazard_id),
            "items": queries.items(conn, hazard_id),
            "findings": queries.quality_findings(conn, hazard_id),
            "certificates": queries.certificates(conn, hazard_id),
        }
    if hazard is None:
        raise NotFoundError(_("no hazard with id %(id)s", id=hazard_id))
    depths = [r["depth_cm"] for r in context["releases"] if r["depth_cm"] is not None]
    context.update(
        complete=not refusals(state),
        min_depth_cm=min(depths, default=None),
        released_m2=state.released_m2,
        map_uri=release_map(hazard["geom"], context["releases"], lang),
    )
    return context


def _checked(lang: str) -> str:
    try:
        return check_language(lang)
    except ValueError as exc:
        raise NotFoundError(str(exc)) from None


def _render(template: str, lang: str, hotline: str = "", **context: Any) -> str:
    css = (TEMPLATES / "handover.css").read_text(encoding="utf-8")
    return _ENV.get_template(template).render(
        label=_label,
        lang=lang,
        css=Markup(css),
        hotline=hotline,
        **context,
    )


def completion_report_html(
    db: Database, hazard_id: int, lang: str = "en", hotline: str = ""
) -> str:
    with use_language(_checked(lang)):
        context = completion_context(db, hazard_id, lang)
        return _render("completion_report.html", lang, hotline, **context)


def completion_report_pdf(
    db: Database, hazard_id: int, lang: str = "en", hotline: str = ""
) -> bytes:
    """The completion report of one hazard as PDF."""
    return html_to_pdf(completion_report_html(db, hazard_id, lang, hotline))


def certificate_html(
    db: Database,
    number: str,
    base_url: str,
    lang: str | None = None,
    hotline: str = "",
) -> str:
    with db.transaction() as conn:
        found = queries.certificates(conn, number=number)
        if not found:
            raise NotFoundError(_("no certificate numbered %(number)r", number=number))
        cert = found[0]
        hazard = queries.hazard_facts(conn, cert["hazard_id"])
        releases = queries.releases(conn, cert["hazard_id"])
        last_on = queries.last_release_on(conn, cert["hazard_id"])
    lang = lang or cert["language"]
    url = verification_url(base_url, cert["code"])
    with use_language(_checked(lang)):
        return _render(
            "handover_certificate.html",
            lang,
            hotline,
            cert=cert,
            hazard=hazard,
            released_on=last_on,
            url=url,
            qr_uri=qr_png_uri(url),
            map_uri=release_map(hazard["geom"], releases, lang),
        )


def certificate_pdf(
    db: Database,
    number: str,
    base_url: str,
    lang: str | None = None,
    hotline: str = "",
) -> bytes:
    """The handover certificate ``number`` as a one-page PDF with its QR code."""
    return html_to_pdf(certificate_html(db, number, base_url, lang, hotline))
