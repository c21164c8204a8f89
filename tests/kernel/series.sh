#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The driver as a patch series for the newest kernel tree Debian has
# (linux-source-7.3), made from the project's own files: its sources
# without the compat header (tests/kernel/sources.sh), hooked into
# drivers/scsi/, with its KUnit tests, its documents in the tree's index
# and its MAINTAINERS entry.  The tree, as Debian ships it, is a git
# repository under the cache; the series is written with git format-patch
# into DIR (default: a new temporary directory), which is printed.
#
#   tests/kernel/series.sh [DIR]
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

kernel=$SUBDMA_KERNEL_NEWEST
messages=$SUBDMA_TOP/tests/kernel/messages
identity=(-c "user.name=subdma developers" -c "user.email=dev@subdma.invalid")
need_packages git perl

# base_tree: the kernel's source as Debian ships it, committed to git
# once (keyed by its version), in $base.  Debian's .gitignore ignores all
# at the top of the tree: every file is added in spite of it.
base_tree() {
	local version repo tarball
	version=$(source_version "$kernel")
	repo=$SUBDMA_CACHE/linux-git-$kernel-$version
	cache_lock "linux-git-$kernel"
	if [ ! -f "$repo/.complete" ]; then
		log "committing linux-source-$kernel $version to git (minutes)"
		rm -rf "$repo" "$repo.deb"
		mkdir -p "$repo"
		tarball=$(source_tarball "$kernel" "$repo.deb")
		nice -n 19 tar -xJf "$tarball" -C "$repo" --strip-components=1
		rm -rf "$repo.deb"
		git -C "$repo" init -q
		git -C "$repo" add -A -f .
		git -C "$repo" "${identity[@]}" commit -q \
			-m "Linux $version (Debian's linux-source-$kernel)"
		git -C "$repo" tag base
		touch "$repo/.complete"
	fi
	base=$repo
}

# commit MESSAGE-FILE: everything changed, committed with that message
commit() {
	git add -A -f .
	git "${identity[@]}" commit -q -s -F "$1"
}

# maintainers_entry TITLE-PATTERN FILE-PATTERN: the project's MAINTAINERS
# entry whose title matches, with the SCSI list, and only the F: lines
# that match FILE-PATTERN
maintainers_entry() {
	awk -v title="$1" -v files="$2" '
		/^$/ { if (on) exit; next }
		!on && $0 ~ title { on = 1; print; next }
		on && /^S:/ { print "L:\tlinux-scsi@vger.kernel.org" }
		on && /^F:/ { if ($2 ~ files) print; next }
		on { print }' "$SUBDMA_TOP/MAINTAINERS"
}

# maintainers_add ENTRY-FILE: the entry into the tree's MAINTAINERS, after
# the entry whose title is the last to sort before its own; an entry of
# that title already there takes its F: lines instead, in their order
maintainers_add() {
	ENTRY=$(cat "$1") LC_ALL=C perl -0777 -i -pe '
		my @new = split /\n/, $ENV{ENTRY};
		my @p = split /\n\n/, $_, -1;
		my ($list, $after) = (0, -1);
		for my $i (0 .. $#p) {
			$list = 1 if $p[$i] =~ /^Maintainers List/m;
			my ($title, $field) = split /\n/, $p[$i];
			next unless $list && defined $field && $field =~ /^[A-Z]:\t/;
			$after = $i if $title le $new[0] &&
				($after < 0 || $title gt (split /\n/, $p[$after])[0]);
		}
		die "no place for the entry\n" if $after < 0;
		if ((split /\n/, $p[$after])[0] eq $new[0]) {
			my @old = split /\n/, $p[$after];
			my @files = sort grep({ /^F:/ } @old), grep({ /^F:/ } @new);
			$p[$after] = join "\n", grep({ !/^F:/ } @old), @files;
		} else {
			splice @p, $after + 1, 0, join "\n", @new;
		}
		$_ = join "\n\n", @p;' MAINTAINERS || die "no place for the entry in MAINTAINERS"
}

dest=${1:-$(mktemp -d)}
mkdir -p "$dest"
rm -f "$dest"/*.patch
work=$(mktemp -d)
base_tree
trap 'git -C "$base" worktree remove --force "$work/tree" 2>/dev/null; rm -rf "$work"' EXIT
git -C "$base" worktree add -q --detach "$work/tree" base
cd "$work/tree"

# 1. kernel-doc reads a prototype with VISIBLE_IF_KUNIT in it (the
# driver documents such functions) unless the tree already does
xforms=tools/lib/python/kdoc/xforms_lists.py
if ! grep -q 'VISIBLE_IF_KUNIT' "$xforms"; then
	grep -q '^        (CMatch("__init_or_module"), ""),$' "$xforms" ||
		die "no __init_or_module transform in $xforms to add VISIBLE_IF_KUNIT's beside"
	sed -i '/^        (CMatch("__init_or_module"), ""),$/a \        (CMatch("VISIBLE_IF_KUNIT"), ""),' "$xforms"
	commit "$messages/kdoc.txt"
fi

# 2. the driver, its tests and its hooks
drv=drivers/scsi/subdma
"$SUBDMA_TOP/tests/kernel/sources.sh" "$drv" "$kernel"
# the Makefile's out-of-tree paragraph and the Kconfig's note on dropping
# the file into a tree have no place in one
perl -0777 -i -pe 's/\n# Out of tree \(make M=\).*?\nendif\nendif\nendif\nendif\n//s' "$drv/Makefile"
sed '/^# subdma: drop this file/,/^$/d' "$SUBDMA_TOP/Kconfig" >"$drv/Kconfig"
if grep -q 'KBUILD_EXTMOD\|drop this file' "$drv/Makefile" "$drv/Kconfig"; then
	die "the out-of-tree parts are left in $drv/Makefile or Kconfig"
fi
grep -qx 'config SCSI_AACRAID' drivers/scsi/Kconfig ||
	die "no config SCSI_AACRAID in drivers/scsi/Kconfig to hook the driver before"
sed -i '/^config SCSI_AACRAID$/i source "drivers/scsi/subdma/Kconfig"\n' drivers/scsi/Kconfig
# shellcheck disable=SC2016 # make variables, not shell ones
grep -q '^obj-$(CONFIG_SCSI_AHA1740)' drivers/scsi/Makefile ||
	die "no aha1740 line in drivers/scsi/Makefile to hook the driver after"
# shellcheck disable=SC2016
sed -i '/^obj-$(CONFIG_SCSI_AHA1740)/a obj-$(CONFIG_SCSI_SUBDMA)\t+= subdma/' drivers/scsi/Makefile
maintainers_entry '^SUBDMA ISA SCSI HOST ADAPTER' '^drivers/' >"$work/entry"
maintainers_add "$work/entry"
commit "$messages/driver.txt"

# 3. the documents, in the tree's index, and the sysfs ABI
# without what only the out-of-tree driver has (DKMS, the kernels it is
# built for, the project's tests), fenced by comments in the source
for doc in "$SUBDMA_TOP"/Documentation/scsi/subdma*.rst; do
	perl -0777 -pe 's/^\.\. out-of-tree\n.*?^\.\. end of out-of-tree\n\n?//msg' \
		"$doc" >"Documentation/scsi/${doc##*/}"
done
if grep -nE '(out-of-tree|tests/|DKMS|subdma_compat|``make |Debian)' \
	Documentation/scsi/subdma*.rst; then
	die "the documents in the tree speak of the out-of-tree driver (above)"
fi
cp "$SUBDMA_TOP"/Documentation/ABI/testing/sysfs-driver-subdma \
	Documentation/ABI/testing/
# in the index's host adapter drivers, in their order
docs=$(for doc in "$SUBDMA_TOP"/Documentation/scsi/subdma*.rst; do basename "$doc" .rst; done)
LC_ALL=C awk -v docs="$docs" '
	BEGIN { n = split(docs, d, "\n") }
	/^SCSI host adapter drivers$/ { on = 1 }
	on && !done && /^   [a-z]/ && $1 > d[1] {
		for (i = 1; i <= n; i++) print "   " d[i]
		done = 1
	}
	{ print }
	END { if (!done) exit 1 }' Documentation/scsi/index.rst >"$work/index.rst" ||
	die "no place for the documents in Documentation/scsi/index.rst"
mv "$work/index.rst" Documentation/scsi/index.rst
maintainers_entry '^SUBDMA ISA SCSI HOST ADAPTER' '^Documentation/' >"$work/entry"
maintainers_add "$work/entry"
commit "$messages/documentation.txt"

git "${identity[@]}" format-patch -q --cover-letter --base=base -o "$dest" base
# the cover letter's placeholders, from messages/cover.txt: its first
# line the subject, the rest the body
cover=("$dest"/0000-cover-letter.patch)
subject=$(head -n 1 "$messages/cover.txt")
SUBJECT=$subject BODY=$(tail -n +3 "$messages/cover.txt") perl -0777 -i -pe '
	s/\*\*\* SUBJECT HERE \*\*\*/$ENV{SUBJECT}/;
	s/\*\*\* BLURB HERE \*\*\*/$ENV{BODY}/;' "${cover[0]}"
! grep -q '\*\*\* .* HERE \*\*\*' "${cover[0]}" ||
	die "the cover letter's placeholders are left"
echo "$dest"
