# SPDX-License-Identifier: GPL-3.0-or-later
"""Victim assistance (IMAS 13.10): survivors, needs, referrals, services.

Only the assistance role reads or writes survivors
(:func:`demine.assistance.survivors.require_assistance`), every read is
audited in the same transaction as the read, and what leaves the programme
is aggregated (:mod:`demine.assistance.figures`) or pseudonymised.
"""
