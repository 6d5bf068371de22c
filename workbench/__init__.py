# SPDX-License-Identifier: GPL-2.0-only
"""The mmiodemo workbench: the host side of building, booting and judging.

python3 -m workbench --help lists its commands.
"""
