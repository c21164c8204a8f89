#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generate the QEMU patch series for upstream review: Debian's bookworm
# qemu source in a temporary git repository, the patches of
# tests/qemu/patches applied with git am, and each hook-up patch
# completed with the new files its MAINTAINERS hunk lists, from
# tests/qemu/model (and the register header from the driver, its tabs
# expanded as QEMU's style wants).  The series is written with
# git format-patch into DIR (default: a new temporary directory), applied
# again with git am to check it, checked with QEMU's own
# scripts/checkpatch.pl, and DIR is printed on stdout.
#
#   tests/qemu/series.sh [DIR]
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

patches=("$SUBDMA_TOP"/tests/qemu/patches/*.patch)
model=$SUBDMA_TOP/tests/qemu/model
regs=$SUBDMA_TOP/drivers/scsi/subdma/subdma_regs.h
identity=(-c "user.name=subdma developers" -c "user.email=dev@subdma.invalid")

need_packages dpkg-dev git perl
enable_deb_src qemu
version=$(qemu_source_version)

dest=${1:-$(mktemp -d)}
mkdir -p "$dest"
rm -f "$dest"/*.patch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unpack_qemu_source "$version" "$work/qemu"
cd "$work/qemu"
rm -rf .pc
git init -q
git add -A
git "${identity[@]}" commit -q -m "qemu $version as Debian ships it"
base=$(git rev-parse HEAD)

# model_file PATH: copy QEMU's file PATH from the project, if it has it
model_file() {
	if [ "$1" = include/hw/scsi/subdma_regs.h ]; then
		# QEMU wants no tabs and 80 columns: a comment that the
		# expanded alignment pushes past them moves closer
		expand -t 8 "$regs" | sed -E '/^.{81,}$/ s| +(/\*)| \1|' >"$1"
	elif [ -f "$model/$1" ]; then
		cp "$model/$1" "$1"
	else
		return 1
	fi
}

for patch in "${patches[@]}"; do
	git "${identity[@]}" am -q "$patch" ||
		die "$(basename "$patch") does not apply with git am to qemu $version"
	added=0
	while read -r file; do
		if model_file "$file"; then
			git add "$file"
			added=1
		fi
	done < <(sed -n 's/^+F:[[:space:]]*//p' "$patch")
	if [ "$added" -eq 1 ]; then
		git "${identity[@]}" commit -q --amend --no-edit
	fi
done

# every model file must have landed in some patch
while read -r file; do
	git cat-file -e "HEAD:${file#"$model"/}" 2>/dev/null ||
		die "${file#"$SUBDMA_TOP"/} is in no patch's MAINTAINERS hunk"
done < <(find "$model" -type f)

git format-patch -q --no-signature -o "$dest" "$base"

# the series as written must apply with git am and give the same tree
series=$(git rev-parse HEAD)
git checkout -q -b applied "$base"
git "${identity[@]}" am -q "$dest"/*.patch ||
	die "the generated series does not apply with git am"
git diff --quiet "$series" HEAD ||
	die "the generated series applies to a different tree"

report=$(perl scripts/checkpatch.pl --no-summary --terse "$dest"/*.patch 2>&1 |
	grep -v 'has no obvious style problems' || true)
[ -z "$report" ] || die "checkpatch.pl reports on the series: $report"
log "$(find "$dest" -name '*.patch' | wc -l) patches, checkpatch.pl clean"
echo "$dest"
