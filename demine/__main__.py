# SPDX-License-Identifier: GPL-3.0-or-later
from demine.cli import main

main()
