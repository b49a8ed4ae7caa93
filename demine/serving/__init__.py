# SPDX-License-Identifier: GPL-3.0-or-later
"""What the API and the web pages share to serve HTTP: who is asking (deps),
errors as responses, limits, rendered responses kept in memory and on disk,
uvicorn's protocol; neither face imports the other."""
