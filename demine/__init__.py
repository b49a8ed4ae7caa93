# SPDX-License-Identifier: GPL-3.0-or-later
"""demine: information management and planning for humanitarian mine action."""

from demine.errors import DemineError

__version__ = "0.1.0"
__all__ = ["DemineError", "__version__"]
