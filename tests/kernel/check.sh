#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The series for the kernel tree as its maintainers would take it: made
# by tests/kernel/series.sh, applied with git am to the tree as Debian
# ships it, each patch clean under the tree's checkpatch.pl --strict, and
# the tree's get_maintainer.pl naming the driver's MAINTAINERS entry.
#   tests/kernel/check.sh
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

identity=(-c "user.name=subdma developers" -c "user.email=dev@subdma.invalid")
# checkpatch.pl checks the licences with spdxcheck.py, which needs these
need_packages python3-ply python3-git
work=$(mktemp -d)
base=$SUBDMA_CACHE/linux-git-$SUBDMA_KERNEL_NEWEST-$(source_version "$SUBDMA_KERNEL_NEWEST")
trap 'git -C "$base" worktree remove --force "$work/tree" 2>/dev/null || true; rm -rf "$work"' EXIT

"$SUBDMA_TOP/tests/kernel/series.sh" "$work/series" >/dev/null
mapfile -t patches < <(find "$work/series" -name '0*.patch' ! -name '0000-*' | sort)
[ ${#patches[@]} -gt 0 ] || die "the series has no patch"
# the entry's title, as far as get_maintainer.pl prints it
entry=$(sed -n '1p' "$SUBDMA_TOP/MAINTAINERS" | cut -c1-30)

git -C "$base" worktree add -q --detach "$work/tree" base
cd "$work/tree"
if out=$(git "${identity[@]}" am -q "${patches[@]}" 2>&1); then
	check_pass "the series applies with git am to linux-source-$SUBDMA_KERNEL_NEWEST ($(git rev-list --count base..HEAD) patches)"
else
	check_fail "the series applies with git am to linux-source-$SUBDMA_KERNEL_NEWEST" "$out"
fi
for patch in "${patches[@]}"; do
	name=${patch##*/}
	# Debian's python3, which has them, whatever else PATH finds first
	if out=$(PATH=/usr/bin:/bin perl scripts/checkpatch.pl --strict -q "$patch" 2>&1); then
		check_pass "checkpatch --strict: $name"
	else
		check_fail "checkpatch --strict: $name" "$(head -n 20 <<<"$out")"
	fi
	out=$(perl scripts/get_maintainer.pl --no-git-fallback --nol --nor \
		"$patch" 2>&1 || true)
	if grep -qF "maintainer:$entry" <<<"$out"; then
		check_pass "get_maintainer.pl names the driver's entry for $name"
	else
		check_fail "get_maintainer.pl names the driver's entry for $name" "$out"
	fi
done
check_summary
