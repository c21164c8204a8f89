#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Print the newest kernel's tree with the series for it applied: a git
# worktree of the tree as Debian ships it (tests/kernel/series.sh keeps
# it under the cache), at a path that stays, so that builds from it are
# incremental, reset to the tree and the series made afresh and applied
# with git am.  Fails when the series does not apply.
#   tests/kernel/tree.sh [SERIES-DIR]   the series made already, in a
#                                       directory of series.sh
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

identity=(-c "user.name=subdma developers" -c "user.email=dev@subdma.invalid")
kernel=$SUBDMA_KERNEL_NEWEST
version=$(source_version "$kernel")
series=${1:-}
if [ -z "$series" ]; then
	series=$(mktemp -d)
	trap 'rm -rf "$series"' EXIT
	"$SUBDMA_TOP/tests/kernel/series.sh" "$series" >/dev/null
fi
base=$SUBDMA_CACHE/linux-git-$kernel-$version
tree=$SUBDMA_CACHE/linux-series-$kernel-$version
cache_lock "linux-series-$kernel"
if [ ! -e "$tree/.git" ]; then
	rm -rf "$tree"
	git -C "$base" worktree prune
	git -C "$base" worktree add -q --detach "$tree" base
fi
git -C "$tree" am --abort >/dev/null 2>&1 || true
git -C "$tree" checkout -q -f --detach base
git -C "$tree" clean -q -f -d -x
mapfile -t patches < <(find "$series" -name '0*.patch' ! -name '0000-*' | sort)
git -C "$tree" "${identity[@]}" am -q "${patches[@]}" >&2 ||
	die "the series does not apply with git am to linux-source-$kernel $version"
echo "$tree"
