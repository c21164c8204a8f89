# SPDX-License-Identifier: GPL-2.0-or-later
#
# subdma: top-level targets.  Every target installs what it needs on a
# Debian 12 machine and caches heavy builds outside the repository.
#
#   make [W=1] [C=2]   build subdma_core.ko and subdma.ko against KDIR
#   make qemu          build the project's QEMU with the adapter model
#   make check         run every test

SHELL := /bin/bash

# Debian's 6.1 headers by default (installed when missing)
KDIR ?= $(shell tests/guest/headers.sh)
MODULE_DIR := $(CURDIR)/drivers/scsi/subdma
KBUILD := $(MAKE) -C $(KDIR) M=$(MODULE_DIR) \
	CONFIG_SCSI_SUBDMA_CORE=m CONFIG_SCSI_SUBDMA=m

.PHONY: all modules clean qemu check check-adapter

all: modules

modules:
	@$(if $(C),tests/lib/need-packages.sh sparse)
	+$(KBUILD) modules

clean:
	+$(KBUILD) clean

# The project's QEMU with the adapter model (cached; prints its path)
qemu:
	@tests/qemu/build.sh

# Every test the project has
check: check-adapter

# The adapter model: Linux enumerates it with its resources; QEMU refuses
# impossible configurations
check-adapter:
	@tests/qemu/smoke.sh
