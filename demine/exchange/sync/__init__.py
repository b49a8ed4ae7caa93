# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline registers that sync: checkout, change files, conflicts.

A field office's laptop register is *checked out* from headquarters
(:mod:`.checkout`); each register then writes the changes the other has not
acknowledged into a change file and applies the other's
(:mod:`.changes`); an incoming edit of a record that changed on both sides
since their common version is kept as a conflict for a reviewer
(:mod:`.conflicts`). The records travel as the exchange's own rows
(:mod:`demine.exchange.exporter`, :mod:`demine.exchange.importer`), so a
change file holds what a GeoPackage export would, plus what sync needs.
"""
