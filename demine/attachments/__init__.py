# SPDX-License-Identifier: GPL-3.0-or-later
"""Files attached to records: photos, scanned maps, signed forms, PDFs.

Checked by content (:mod:`demine.attachments.checks`), stored once per
content (:mod:`demine.attachments.blobs`), listed per record in the
``attachment`` table.
"""
