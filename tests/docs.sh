#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Documentation: kernel-doc over the driver, the rst tree built with Sphinx
# and the kernel's kernel-doc extension (warnings are errors), the ABI file
# in the kernel's format, and every subdma identifier the documents name
# present in the code.  The kernel tree of tests/kunit/tree.sh is only
# read; Sphinx writes to a temporary directory.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

need_packages perl python3-sphinx python3-docutils
tree=$("$SUBDMA_TOP/tests/kunit/tree.sh")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$SUBDMA_TOP"

report=$(perl "$tree/scripts/kernel-doc" -none drivers/scsi/subdma/*.[ch] 2>&1) || true
if [ -n "$report" ]; then
	check_fail "kernel-doc on drivers/scsi/subdma" "$report"
else
	check_pass "kernel-doc on drivers/scsi/subdma"
fi

# Debian's Sphinx, whichever python3 comes first in PATH
if report=$(SUBDMA_KERNEL_TREE=$tree nice -n 10 /usr/bin/python3 -m sphinx \
	-b html -W --keep-going -q -n -d "$out/doctrees" \
	Documentation "$out/html" 2>&1); then
	check_pass "Sphinx on Documentation (warnings are errors)"
else
	check_fail "Sphinx on Documentation" "$(head -n 30 <<<"$report")"
fi

report=$(perl "$tree/scripts/get_abi.pl" validate --dir Documentation/ABI 2>&1) || true
if [ -n "$report" ]; then
	check_fail "ABI files in the kernel's format" "$report"
else
	check_pass "ABI files in the kernel's format"
fi

# tests/README.rst lies outside the Sphinx tree: docutils alone
if report=$(/usr/bin/python3 -m docutils --halt=warning --report=warning \
	tests/README.rst "$out/README.html" 2>&1); then
	check_pass "docutils on tests/README.rst"
else
	check_fail "docutils on tests/README.rst" "$report"
fi

# Identifiers named by hand: each subdma_* must be in the driver, or in
# the QEMU model for its trace events - in their sources, not in what a
# build left beside them
missing=()
while read -r name; do
	git grep -qw --untracked -- "$name" drivers/scsi/subdma tests/qemu \
		tests/e2e/lowmem ||
		missing+=("$name")
done < <(grep -ohw 'subdma_[a-z0-9_]*[a-z0-9]' Documentation/scsi/*.rst \
	Documentation/ABI/testing/sysfs-driver-subdma README.md tests/README.rst |
	sort -u)
if [ "${#missing[@]}" -eq 0 ]; then
	check_pass "subdma identifiers in the documents exist in the code"
else
	check_fail "subdma identifiers in the documents exist in the code" \
		"not found: ${missing[*]}"
fi
check_summary
