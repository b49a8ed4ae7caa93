# SPDX-License-Identifier: GPL-3.0-or-later
"""demine: information management and planning for humanitarian mine action."""

from demine.errors import DemineError
from demine.safe_gdal import register_gdal_drivers

# Before anything else starts GDAL: drivers that reach other files or the
# network are never registered in a demine process (demine.safe_gdal).
register_gdal_drivers()

__version__ = "0.1.0"
__all__ = ["DemineError", "__version__"]
