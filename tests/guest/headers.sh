#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Print the kernel build tree of the test kernel (Debian's 6.1 headers,
# the ones linux-headers-amd64 points to), installing them if missing.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

pkg=$(apt-cache depends linux-headers-amd64 2>/dev/null |
	awk '/Depends: linux-headers-[0-9]/ { print $2; exit }')
if [ -z "$pkg" ]; then
	apt_update_once
	pkg=$(apt-cache depends linux-headers-amd64 |
		awk '/Depends: linux-headers-[0-9]/ { print $2; exit }')
fi
[ -n "$pkg" ] || die "cannot tell which headers linux-headers-amd64 is"
need_packages "$pkg" gcc make
echo "/usr/src/$pkg"
