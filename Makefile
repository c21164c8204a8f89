# SPDX-License-Identifier: GPL-2.0-or-later
#
# subdma: top-level targets.  Every target installs what it needs on a
# Debian 12 machine and caches heavy builds outside the repository.
#
#   make run           the main job: boot the emulated adapter, load the
#                      driver, move real data (a guest shell on a terminal)
#   make check         run every test on every kernel (6.1, 6.12, 7.3;
#                      SUBDMA_KERNELS="6.12" for one); the reliability
#                      campaign short, on a 7.3 debug kernel
#   make check-full    the reliability campaign in full, on 7.3 and 6.1
#                      debug kernels; writes tests/reliability/results.md
#   make bench         subdma against QEMU's other SCSI adapters; writes
#                      bench/results.md
#   make deb           the subdma-dkms package (prints its path)
#   make [W=1] [C=2]   build subdma.ko against KDIR
#   make qemu          build the project's QEMU with the adapter model
#   make qemu-series   the QEMU patch series for upstream review
#   make kernel-series the driver as a patch series for the newest kernel
#                      tree (SERIES_DIR=DIR; prints the directory)

SHELL := /bin/bash

# Debian's 6.1 headers by default (installed when missing)
KDIR ?= $(shell tests/guest/headers.sh)
MODULE_DIR := $(CURDIR)/drivers/scsi/subdma
SUBDMA_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/subdma
KBUILD = $(MAKE) -C $(KDIR) M=$(MODULE_DIR) \
	CONFIG_SCSI_SUBDMA=m

# The kernels the checks run on (tests/lib/kernels.sh): Debian 12's 6.1,
# bookworm-backports' 6.12, trixie-backports' 7.3
SUBDMA_KERNELS ?= 6.1 6.12 7.3
export SUBDMA_KERNELS

.PHONY: all modules clean qemu qemu-series kernel-series run bench deb check \
	check-style check-kernel \
	check-build check-kunit check-qtest check-adapter check-e2e \
	check-dkms check-bench check-reliability check-full

all: modules

# one build in the tree at a time, whoever asks (make -j check)
modules:
	@$(if $(C),tests/lib/need-packages.sh sparse)
	@mkdir -p $(SUBDMA_CACHE)
	+flock $(SUBDMA_CACHE)/modules.lock $(KBUILD) modules

# Kbuild's outputs, without asking for a kernel tree (or installing one)
clean:
	cd $(MODULE_DIR) && rm -f *.o *.ko *.mod *.mod.c .*.cmd .*.d \
		modules.order Module.symvers

# The project's QEMU with the adapter model (cached; prints its path)
qemu:
	@tests/qemu/build.sh

# The series for upstream review, from the patches and the model's
# sources (prints the directory)
qemu-series:
	@tests/qemu/series.sh $(SERIES_DIR)

# The driver as a series for the newest kernel tree, from the same
# sources (prints the directory)
kernel-series:
	@tests/kernel/series.sh $(SERIES_DIR)

# The main job on an embedded default machine
run:
	@tests/e2e/run.sh demo

# Benchmark against lsi53c895a, am53c974 and virtio-scsi
bench:
	@bench/run.sh full

# The driver's source as a Debian package for DKMS, checked with lintian
deb:
	@tests/dkms/deb.sh

# Every test the project has
check: check-style check-build check-kunit check-kernel check-qtest \
	check-adapter check-e2e check-dkms check-bench check-reliability

# checkpatch --strict on the driver (from a kernel tree), shellcheck;
# kernel-doc, and the documentation built with Sphinx
check-style:
	@tests/style.sh
	@tests/docs.sh

# The driver built for every kernel: W=1 without a warning, sparse clean
check-build:
	@tests/build.sh

# The driver's core under KUnit in UML, from each kernel's own source
check-kunit:
	@tests/matrix.sh kunit

# The series for the newest kernel tree: git am, checkpatch --strict,
# get_maintainer.pl, the W=1 build and htmldocs in that tree (its
# kunit.py runs in check-kunit)
check-kernel:
	@tests/kernel/check.sh

# The adapter model under QEMU's qtest: its ports and the 8237 driven
# directly, without a guest; the upstream series applies and is clean
check-qtest:
	@tests/qemu/qtest.sh

# The adapter model: Linux enumerates it with its resources; QEMU refuses
# impossible configurations
check-adapter:
	@tests/qemu/smoke.sh

# The driver on each Debian kernel under the project's QEMU, with sg3_utils
check-e2e:
	@tests/e2e/trace-check.sh
	@tests/matrix.sh e2e

# The package installed in clean Debian 12 and 13 roots, DKMS building
# for each of their kernels; its modules loaded by udev in the guest,
# which then runs the end-to-end suite on them
check-dkms:
	@tests/dkms/run.sh

# On a debug kernel (KASAN, UBSAN, lockdep, hung tasks, the DMA API
# checker, kmemleak): the end-to-end suite, the fault matrix, allocation
# failures, stress under resets and reloads; a report at the end.  Short
# on 7.3 in check, all of it on 7.3 and 6.1 in check-full.
check-reliability:
	@tests/reliability/run.sh short

check-full:
	@tests/reliability/run.sh full

# The benchmark in a tiny smoke mode, so that it cannot rot (not timed)
check-bench:
	@bench/run.sh smoke
