# SPDX-License-Identifier: GPL-3.0-or-later
"""Quality management and people: the use cases the CLI, API and web call.

* :mod:`~demine.quality.inspections`: sampling plans, sample drawn on the
  ground, inspection results and the verdict on a lot;
* :mod:`~demine.quality.nonconformities`: root cause, corrective action,
  land reopened, closure;
* :mod:`~demine.quality.monitoring`: monitoring visits with checklists;
* :mod:`~demine.quality.accreditations`: scopes, validity, suspensions;
* :mod:`~demine.quality.people` and :mod:`~demine.quality.training`:
  personnel, courses, sessions, certificates, team qualification;
* :mod:`~demine.quality.figures`: QA figures for the dashboard and reports.
"""
