#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The series for the kernel tree as its maintainers would take it: made
# by tests/kernel/series.sh, applied with git am to the tree as Debian
# ships it (tests/kernel/tree.sh), each patch clean under the tree's
# checkpatch.pl --strict, the tree's get_maintainer.pl naming the
# driver's MAINTAINERS entry, and the driver with its KUnit tests built in
# the tree with W=1 and no warning (x86_64, the ISA DMA API, modules).
# The tree's kunit.py runs its KUnit tests in tests/kunit/run.sh.
#   tests/kernel/check.sh
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

# checkpatch.pl checks the licences with spdxcheck.py, which needs these
need_packages python3-ply python3-git gcc make flex bison bc libelf-dev \
	python3-sphinx python3-yaml graphviz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$SUBDMA_TOP/tests/kernel/series.sh" "$work/series" >/dev/null
mapfile -t patches < <(find "$work/series" -name '0*.patch' ! -name '0000-*' | sort)
[ ${#patches[@]} -gt 0 ] || die "the series has no patch"
# the entry's title, as far as get_maintainer.pl prints it
entry=$(sed -n '1p' "$SUBDMA_TOP/MAINTAINERS" | cut -c1-30)

if tree=$("$SUBDMA_TOP/tests/kernel/tree.sh" "$work/series" 2>"$work/am"); then
	check_pass "the series applies with git am to linux-source-$SUBDMA_KERNEL_NEWEST ($(git -C "$tree" rev-list --count base..HEAD) patches)"
else
	check_fail "the series applies with git am to linux-source-$SUBDMA_KERNEL_NEWEST" "$(tail -n 20 "$work/am")"
	check_summary
fi
cd "$tree"
for patch in "${patches[@]}"; do
	name=${patch##*/}
	# Debian's python3, which has them, whatever else PATH finds first
	if out=$(PATH=/usr/bin:/bin perl scripts/checkpatch.pl --strict -q "$patch" 2>&1); then
		check_pass "checkpatch --strict: $name"
	else
		check_fail "checkpatch --strict: $name" "$(head -n 20 <<<"$out")"
	fi
	# the driver's own patches: those that touch its files
	grep -q '^+++ b/.*subdma' "$patch" || continue
	out=$(perl scripts/get_maintainer.pl --no-git-fallback --nol --nor \
		"$patch" 2>&1 || true)
	if grep -qF "maintainer:$entry" <<<"$out"; then
		check_pass "get_maintainer.pl names the driver's entry for $name"
	else
		check_fail "get_maintainer.pl names the driver's entry for $name" "$out"
	fi
done

# the driver and its tests in the tree, W=1: a small x86_64 configuration
# with what they depend on
build=$work/build
make -s O="$build" allnoconfig
scripts/config --file "$build/.config" -e 64BIT -e MODULES -e BLOCK -e SCSI \
	-e SCSI_LOWLEVEL -e ACPI -e ISA_DMA_API -e KUNIT \
	-m SCSI_SUBDMA -m SCSI_SUBDMA_KUNIT_TEST
make -s O="$build" olddefconfig
if ! grep -qx 'CONFIG_SCSI_SUBDMA_KUNIT_TEST=m' "$build/.config"; then
	check_fail "the tree configures the driver and its tests as modules" \
		"$(grep SUBDMA "$build/.config")"
elif out=$(nice -n 19 make -s -j"$(nproc)" O="$build" W=1 drivers/scsi/subdma/ 2>&1) &&
	[ -z "$out" ] && [ -f "$build/drivers/scsi/subdma/subdma_kunit.o" ]; then
	check_pass "the tree builds drivers/scsi/subdma/ with W=1 and no warning"
else
	check_fail "the tree builds drivers/scsi/subdma/ with W=1 and no warning" \
		"$(head -n 20 <<<"$out")"
fi

# its documents in the tree's own documentation build, with kernel-doc
# pulling in the driver's comments: no warning
if out=$(PATH=/usr/bin:/bin make -s O="$work/docs" htmldocs SPHINXDIRS=scsi 2>&1) &&
	! grep -iE 'warning|error' <<<"$out" >"$work/docs.log"; then
	check_pass "make htmldocs SPHINXDIRS=scsi without a warning"
else
	check_fail "make htmldocs SPHINXDIRS=scsi without a warning" \
		"$(head -n 20 "$work/docs.log" 2>/dev/null || tail -n 20 <<<"$out")"
fi
check_summary
