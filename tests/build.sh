#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The driver built for every kernel of tests/lib/kernels.sh (SUBDMA_KERNELS
# picks some): with W=1 and no warning, and with sparse (C=2) and no
# complaint where Debian's sparse can read that kernel's headers.  Each
# build starts from clean objects, so that every warning shows.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# the lines of Kbuild's output that are not a warning or an error, and
# what the scripts and apt say on the way while a cache is cold
quiet='^  [A-Z]+ |^make(\[[0-9]+\])?: (Entering|Leaving)|^Skipping BTF|^subdma: |^debconf: '

for kernel in $SUBDMA_KERNELS; do
	abi=$(target_abi "$kernel")
	if SUBDMA_CLEAN=1 "$SUBDMA_TOP/tests/guest/module.sh" "$kernel" W=1 \
		>/dev/null 2>"$out"; then
		report=$(grep -vE "$quiet" "$out" || true)
		if [ -z "$report" ]; then
			check_pass "$kernel ($abi): W=1 build without a warning"
		else
			check_fail "$kernel ($abi): W=1 build without a warning" \
				"$(head -n 20 <<<"$report")"
		fi
	else
		check_fail "$kernel ($abi): W=1 build" "$(tail -n 20 "$out")"
	fi

	SUBDMA_CLEAN=1 "$SUBDMA_TOP/tests/guest/module.sh" "$kernel" C=2 \
		>/dev/null 2>"$out" || true
	if grep -q 'C=2 specified, but sparse is not available or not up to date' "$out"; then
		# 7.x asks of sparse what Debian's 0.6.4 cannot do
		# (__typeof_unqual__): no check on that kernel
		printf 'SKIP %s (%s): sparse: the kernel refuses Debian'"'"'s sparse (no __typeof_unqual__)\n' \
			"$kernel" "$abi"
		continue
	fi
	report=$(grep -vE "$quiet" "$out" || true)
	if [ -z "$report" ] && grep -q '^  CHECK ' "$out"; then
		check_pass "$kernel ($abi): sparse (C=2) without a complaint"
	else
		check_fail "$kernel ($abi): sparse (C=2) without a complaint" \
			"$(head -n 20 <<<"${report:-sparse did not run}")"
	fi
done
check_summary
