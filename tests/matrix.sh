#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One stage of the checks on every kernel of tests/lib/kernels.sh
# (SUBDMA_KERNELS picks some), one after the other; a summary line per
# kernel at the end.  Fails when the stage fails on any kernel.
#   matrix.sh kunit    the KUnit suites under UML (tests/kunit/run.sh)
#   matrix.sh e2e      the end-to-end suite (tests/e2e/run.sh check)
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

stage=${1:-}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
summary=()
status=0
for kernel in $SUBDMA_KERNELS; do
	kernel_suite "$kernel" >/dev/null
	start=$SECONDS
	result=0
	case $stage in
	kunit)
		"$SUBDMA_TOP/tests/kunit/run.sh" "$kernel" 2>&1 | tee "$out" ||
			result=$?
		line=$(sed -n 's/.*KUnit on [^:]*: \([0-9]* of [0-9]* cases passed\(, [0-9]* skipped\)\{0,1\}\).*/\1/p' "$out" |
			tail -n 1)
		[ -n "$line" ] || line=$(grep 'error:' "$out" | tail -n 1)
		;;
	e2e)
		SUBDMA_KERNEL=$kernel "$SUBDMA_TOP/tests/e2e/run.sh" check 2>&1 |
			tee "$out" || result=$?
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
		;;
	*) die "usage: matrix.sh kunit|e2e" ;;
	esac
	[ "$result" -eq 0 ] || status=1
	summary+=("$stage on $kernel: ${line:-no summary} ($((SECONDS - start)) s)$([ "$result" -eq 0 ] || echo ', FAILED')")
done
printf '%s\n' "${summary[@]}"
exit $status
