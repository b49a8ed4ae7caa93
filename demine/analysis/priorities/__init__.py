# SPDX-License-Identifier: GPL-3.0-or-later
"""Prioritisation: which hazardous areas next, and why.

- :mod:`~demine.analysis.priorities.criteria`: the criterion values of every
  open approved hazard;
- :mod:`~demine.analysis.priorities.profile`: which criteria, weights, method;
- :mod:`~demine.analysis.priorities.mcda`: weighted sum and PROMETHEE II;
- :mod:`~demine.analysis.priorities.ranking`: :func:`prioritise`, the ranking;
- :mod:`~demine.analysis.priorities.cache`: the default profile's ranking kept
  until the register changes (what the API, the page and tasking read).
"""
