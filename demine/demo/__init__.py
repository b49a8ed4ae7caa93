# SPDX-License-Identifier: GPL-3.0-or-later
"""A synthetic national register of Azerbaijan's liberated districts.

:func:`generate` builds every register table as a DataFrame, with no database
and no files written, at three scales (``small`` for tests, ``medium``,
``national`` at the size of the published figures). The data are invented;
the facts they rest on come from:

* settlements (names, coordinates, population): GeoNames cities500, CC BY 4.0
  (``data/settlements.csv``);
* the country outline: Natural Earth 1:110m, public domain
  (``data/azerbaijan_outline.geojson``);
* national figures (suspected and high-suspicion area, area released, items
  found by type, casualties, estimated mines): ANAMA and Government of
  Azerbaijan statements 2023–2024, see :mod:`demine.demo.figures`;
* the district outlines, the two lines of contact, roads, projects and
  heritage sites: demine's own approximations (:mod:`demine.demo.geography`,
  :mod:`demine.demo.reference`);
* team productivity and cost, contamination mixes, casualty profile, EORE,
  QM and funding: demo assumptions, documented where they are set;
* accreditation, staff, the training centre and the QA programme (inspections,
  visits, non-conformities): demo assumptions, :mod:`demine.demo.staff` and
  :mod:`demine.demo.qa`; two failing lots are played through the core after
  loading (:mod:`demine.demo.qa_chain`).

Company and NGO names are invented; donors are real, their amounts are not;
staff names are common Azerbaijani names put together at random.
"""

from demine.demo.figures import SCALES, Scale, ScaleName
from demine.demo.generator import TABLES, generate

__all__ = ["SCALES", "TABLES", "Scale", "ScaleName", "generate"]
