# SPDX-License-Identifier: GPL-2.0-only
"""The mmiodemo workbench: the host side of judging a boot (and its JUnit,
PNG and compare commands).

python3 -m workbench --help lists its commands.
"""
