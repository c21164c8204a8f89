#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Style: checkpatch --strict on the driver, run inside a kernel tree as
# its maintainers run it, and shellcheck on the project's scripts.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

need_packages shellcheck perl
tree=$("$SUBDMA_TOP/tests/kunit/tree.sh")
cd "$tree"
# subdma_compat.h is the one place that tests the kernel's version, and
# so the one file allowed LINUX_VERSION_CODE
sources=()
for src in drivers/scsi/subdma/*.[ch]; do
	[ "$src" = drivers/scsi/subdma/subdma_compat.h ] || sources+=("$src")
done
# and the end-to-end suite's kernel-side test helper
sources+=("$SUBDMA_TOP"/tests/e2e/lowmem/*.c)
report=$({
	perl scripts/checkpatch.pl --strict --terse --no-summary \
		-f "${sources[@]}" || true
	perl scripts/checkpatch.pl --strict --terse --no-summary \
		--ignore LINUX_VERSION_CODE -f drivers/scsi/subdma/subdma_compat.h || true
} 2>&1)
cd "$SUBDMA_TOP"
if [ -n "$report" ]; then
	check_fail "checkpatch --strict on drivers/scsi/subdma and tests/e2e/lowmem" "$report"
else
	check_pass "checkpatch --strict on drivers/scsi/subdma and tests/e2e/lowmem"
fi

mapfile -t scripts < <(cd "$SUBDMA_TOP" &&
	find . -name '*.sh' -not -path './.git/*' && echo .ci/run tests/e2e/guest/init | tr ' ' '\n')
if report=$(cd "$SUBDMA_TOP" && shellcheck -x --source-path=SCRIPTDIR "${scripts[@]}" 2>&1); then
	check_pass "shellcheck on ${#scripts[@]} scripts"
else
	check_fail "shellcheck" "$(head -n 30 <<<"$report")"
fi
check_summary
