#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The end-to-end suite on the debug test kernel: KASAN, lockdep, atomic
# sleep, the DMA API checker and kmemleak watch the driver; the suite
# also reads the DMA API checker's error count and scans for leaks after
# rmmod, and the console watchdog fails the run on any report.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

kernel_dir=$("$SUBDMA_TOP/tests/reliability/kernel.sh")
# the driver, built against the debug tree outside the source directory
ko_dir=$kernel_dir/subdma
rm -rf "$ko_dir"
mkdir -p "$ko_dir"
cp "$SUBDMA_TOP"/drivers/scsi/subdma/{Makefile,*.c,*.h} "$ko_dir/"
rm -f "$ko_dir"/*.mod.c
log "building the driver against the debug kernel"
make -s -C "$kernel_dir/build" M="$ko_dir" CONFIG_SCSI_SUBDMA_CORE=m \
	CONFIG_SCSI_SUBDMA=m modules >/dev/null
SUBDMA_KERNEL_DIR=$kernel_dir SUBDMA_KO_DIR=$ko_dir \
	SUBDMA_E2E_APPEND="e2e_debug=1 kmemleak=on" \
	exec "$SUBDMA_TOP/tests/e2e/run.sh" check
