#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# KUnit under UML: build the driver's core with its tests into a UML
# kernel (drivers/scsi/subdma/.kunitconfig) from one kernel's own Debian
# source and run them with kunit.py.  On the newest kernel the tree is
# the one with the series for it applied (tests/kernel/tree.sh), and
# kunit.py is run as its maintainers would.  Fails when a case fails,
# crashes or skips (every case runs on every kernel), or when fewer cases
# ran than the suites hold.
#   run.sh [KERNEL]    6.1 (the default), 6.12 or 7.3
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

kernel=${1:-6.1}
# every case, each parameter counted: raised with each case added
min_cases=136
need_packages gcc make flex bison bc python3 libc6-dev
if [ "$kernel" = "$SUBDMA_KERNEL_NEWEST" ]; then
	tree=$("$SUBDMA_TOP/tests/kernel/tree.sh")
	kunitconfig=drivers/scsi/subdma
else
	tree=$("$SUBDMA_TOP/tests/kunit/tree.sh" "$kernel")
	kunitconfig=$SUBDMA_TOP/drivers/scsi/subdma/.kunitconfig
fi
build=$SUBDMA_CACHE/kunit-uml-$(basename "$tree")
out=$(mktemp)
trap 'rm -f "$out"' EXIT

log "building and running the KUnit suites under UML on $kernel (minutes when cold)"
status=0
(cd "$tree" && nice -n 19 python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$kunitconfig" \
	--build_dir="$build" --jobs="$(nproc)") 2>&1 |
	tee "$out" || status=$?

summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$out" | tail -n 1)
ran=$(sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p' <<<"$summary")
passed=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$summary")
[ -n "$summary" ] || die "kunit.py gave no summary"
[ "$status" -eq 0 ] || die "kunit.py failed: $summary"
[ "${ran:-0}" -ge "$min_cases" ] || die "only ${ran:-0} cases ran, want $min_cases"
skipped=$(sed -n 's/.*skipped: \([0-9]*\).*/\1/p' <<<"$summary")
# a skip is a case that did not run
[ "${skipped:-0}" -eq 0 ] ||
	die "$skipped cases skipped:" \
		"$(sed -n 's/.*\[SKIPPED\] \(.*\)/\1/p' "$out" | paste -sd ' ')"
[ "$passed" = "$ran" ] || die "not every case passed: $summary"
log "KUnit on $kernel: $passed of $ran cases passed"
