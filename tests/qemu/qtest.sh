#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The adapter model under QEMU's qtest: subdma-test, built with the
# project's QEMU, drives the adapter's ports and the 8237 the way QEMU's
# own device tests do, without a guest.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

qemu=$("$SUBDMA_TOP/tests/qemu/build.sh")
qtest=$(dirname "$qemu")/qtest/subdma-test
[ -x "$qtest" ] || die "no qtest beside $qemu"

status=0
out=$(QTEST_QEMU_BINARY=$qemu timeout 300 "$qtest" --tap -k 2>&1) || status=$?
ran=0
while read -r line; do
	case $line in
	ok\ *)
		check_pass "qtest ${line#ok * /x86_64/}"
		ran=$((ran + 1))
		;;
	not\ ok\ *)
		check_fail "qtest ${line#not ok * /x86_64/}" \
			"$(grep -v '^ok ' <<<"$out" | tail -n 5)"
		ran=$((ran + 1))
		;;
	esac
done <<<"$out"
if [ "$ran" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$checks_failed" -eq 0 ]; }; then
	check_fail "qtest subdma-test runs" "exit $status: $(tail -n 5 <<<"$out")"
fi
check_summary
