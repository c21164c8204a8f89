#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The adapter model under QEMU's qtest: subdma-test, built with the
# project's QEMU, drives the adapter's ports and the 8237 the way QEMU's
# own device tests do, without a guest.  Then the upstream series: it
# must apply with git am, and QEMU's checkpatch.pl must have nothing to
# say about it.
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

series=$(mktemp -d)
trap 'rm -rf "$series"' EXIT
if report=$("$SUBDMA_TOP/tests/qemu/series.sh" "$series" 2>&1 >/dev/null); then
	check_pass "upstream series applies with git am, checkpatch.pl clean"
else
	check_fail "upstream series" "$(tail -n 20 <<<"$report")"
fi
check_summary
