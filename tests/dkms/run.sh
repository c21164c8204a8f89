#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The driver installed the Debian way: the subdma-dkms package built and
# checked with lintian (deb.sh), installed in a clean Debian 12 root for
# 6.1 and 6.12 and a clean Debian 13 root for its 6.12 and 7.3
# (install.sh), and the module DKMS built for each kernel of
# tests/lib/kernels.sh (SUBDMA_KERNELS picks some) loaded by udev in a
# guest that then runs the end-to-end suite on it (tests/e2e/run.sh udev).
# A summary line per stage at the end; fails when any stage fails.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

out=$(mktemp)
modules=$SUBDMA_CACHE/dkms-modules
trap 'rm -f "$out"' EXIT
summary=()
status=0

# stage NAME COMMAND...: one stage, its output shown, its summary kept
stage() {
	local name=$1 start=$SECONDS result=0 line verdict=
	shift
	"$@" 2>&1 | tee "$out" || result=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1 || true)
	if [ "$result" -ne 0 ]; then
		status=1
		verdict=", FAILED"
	fi
	summary+=("$name: ${line:-no summary} ($((SECONDS - start)) s)$verdict")
}

start=$SECONDS
deb=$("$SUBDMA_TOP/tests/dkms/deb.sh") || die "the package did not build"
summary+=("subdma-dkms built, lintian without an error or a warning ($((SECONDS - start)) s)")
for release in bookworm trixie; do
	stage "installed in a clean $release root" \
		"$SUBDMA_TOP/tests/dkms/install.sh" "$release" "$deb" "$modules/$release"
done
for kernel in $SUBDMA_KERNELS; do
	abi=$(target_abi "$kernel")
	ko=$(find "$modules" -path "*/$abi/subdma.ko*" 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		summary+=("udev on $kernel: no module DKMS built for $abi, FAILED")
		status=1
		continue
	fi
	stage "udev and the suite on $kernel, DKMS's module" env \
		SUBDMA_KERNEL="$kernel" SUBDMA_E2E_UDEV_KO="$ko" \
		"$SUBDMA_TOP/tests/e2e/run.sh" udev
done
printf '%s\n' "${summary[@]}"
exit $status
