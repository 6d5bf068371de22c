# SPDX-License-Identifier: GPL-2.0-only
# Sphinx configuration of mmiodemo's documentation; tests/host/doc-build.sh
# builds it into build/docs/ and fails on any warning.

project = "mmiodemo"
root_doc = "index"
master_doc = "index"  # Sphinx < 4
# Only reStructuredText is a source: the device-tree binding is YAML,
# checked by dt-schema (tests/host/dt-check.sh), not by Sphinx.
source_suffix = {".rst": "restructuredtext"}
exclude_patterns = ["devicetree"]
highlight_language = "none"
html_theme = "alabaster"
