# SPDX-License-Identifier: GPL-2.0-only
"""The workbench's own tests: /usr/bin/python3 -m pytest workbench/tests
(make check runs them)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
