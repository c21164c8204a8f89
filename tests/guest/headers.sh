#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Print the kernel build tree of the test kernel (Debian's 6.1 headers of
# the same ABI as tests/guest/kernel.sh's image), installing them if missing.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

pkg=linux-headers-$(kernel_abi)
need_packages "$pkg" gcc make
echo "/usr/src/$pkg"
