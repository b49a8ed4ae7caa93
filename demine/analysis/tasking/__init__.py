# SPDX-License-Identifier: GPL-3.0-or-later
"""Team tasking: which team works which hazard in which month.

- :mod:`~demine.analysis.tasking.problem`: options, the problem built from
  tables, the plan's tables (pure);
- :mod:`~demine.analysis.tasking.greedy` and :mod:`~demine.analysis.tasking.milp`:
  the two solvers; :mod:`~demine.analysis.tasking.solve` runs both;
- :mod:`~demine.analysis.tasking.register`: teams and hazards read from the
  register, weighed by the priority ranking;
- :mod:`~demine.analysis.tasking.request`: the one entry point that the CLI,
  the API and the web page call with what a person asked for;
- :mod:`~demine.analysis.tasking.gantt`: the chart.
"""
