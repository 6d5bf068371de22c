# SPDX-License-Identifier: GPL-2.0-only
"""The mmiodemo workbench: the one host-side program that sets kernels up,
builds, boots QEMU and judges the boots (the make targets call it).

python3 -m workbench --help lists its commands.
"""
