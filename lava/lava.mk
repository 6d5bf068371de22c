# SPDX-License-Identifier: GPL-2.0-only
#
# make lava-check: the LAVA job of every kernel of the matrix
# (lava/mkjobs.py, into build/lava/), each validated with lava-common's
# schema. Needs no kernel: the jobs name their artefacts by URL.
#
# make lava-files KERNEL=...: the files that kernel's job deploys, in
# build/KERNEL/lava/ (to publish for a lab).
#
# make test-lava KERNEL=...: that kernel's job run by LAVA's own
# dispatcher (lava-run) on this machine, its results compared with the
# harness's (lava/test-lava.sh). Not part of make test (see
# Documentation/lava.rst).
.PHONY: lava-check lava-files test-lava
lava-check:
	@dpkg-query -W -f='$${Status}' lava-common 2>/dev/null | grep -q 'ok installed' || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lava-common >/dev/null
	@/usr/bin/python3 lava/mkjobs.py --check $(O)/lava $$($(WB) kernels)

# The workbench sets the kernel up, builds what its boot needs and runs
# lava/test-lava.sh with the kernel's variables in its environment.
lava-files test-lava: /usr/bin/python3
	@$(WB) exec $(if $(KERNEL),--kernel $(KERNEL)) -- lava/test-lava.sh \
		$(if $(filter test-lava,$@),run,files)
