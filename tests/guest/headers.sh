#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Print the kernel build tree of a test kernel (the headers of the same
# ABI as tests/guest/kernel.sh's image): Debian 12's 6.1 headers are
# installed if missing, 6.12's unpacked under $SUBDMA_CACHE.  7.3's tools
# run only in the Debian 13 build root: use tests/guest/module.sh 7.3.
#   headers.sh [KERNEL]    6.1 (the default) or 6.12
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

kernel=${1:-6.1}
[ -z "$(kernel_root "$kernel")" ] ||
	die "$kernel builds in a Debian build root: tests/guest/module.sh $kernel"
target_headers "$kernel"
