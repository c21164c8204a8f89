#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The driver's sources as they go into a kernel tree, from the same files:
# each macro of subdma_compat.h replaced by what it is on KERNEL (the
# kernel's own compiler and headers say), the header and its includes
# gone, no version test left.
#   sources.sh DEST [KERNEL]    KERNEL: 7.3, Debian's newest (the default)
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

[ $# -ge 1 ] || die "usage: $0 DEST [KERNEL]"
dest=$1 kernel=${2:-7.3}
src=$SUBDMA_TOP/drivers/scsi/subdma
compat=subdma_compat.h

# What the header's macros are on KERNEL: Kbuild preprocesses a file that
# includes it, with -dM, in the kernel's build root where it has one
release=$(kernel_root "$kernel")
kdir=$(target_headers "$kernel")
root=
if [ -n "$release" ]; then
	root=$(cache_lock "root-$release" && build_root "$release")
	cache_lock "compat-probe-$kernel"
	probe=$root/build/subdma-compat-probe
	rm -rf "$probe"
	mkdir -p "$probe"
else
	probe=$(mktemp -d)
fi
trap 'rm -rf "$probe"' EXIT
cp "$src/$compat" "$probe/"
printf '#include "%s"\n' "$compat" >"$probe/probe.c"
echo 'obj-m := probe.o' >"$probe/Makefile"
kbuild=(make -s -C "$kdir" M="${probe#"$root"}" KCFLAGS=-dM probe.i)
if [ -n "$root" ]; then
	in_root "$root" "${kbuild[@]}" >/dev/null
else
	"${kbuild[@]}" >/dev/null
fi
# the header's own names, SUBDMA_* and subdma_*, as KERNEL defines them:
# "NAME DEFINITION" or "NAME(PARAMETERS) DEFINITION", one a line
names=$(sed -n 's/^#[[:space:]]*define[[:space:]]\+\([Ss][Uu][Bb][Dd][Mm][Aa]_[A-Za-z0-9_]*\).*/\1/p' \
	"$src/$compat" | sort -u)
table=$(awk -v names="$names" '
	BEGIN { n = split(names, a, "\n"); for (i = 1; i <= n; i++) want[a[i]] = 1 }
	$1 == "#define" { name = $2; sub(/\(.*/, "", name)
		if (name in want) { sub(/^#define /, ""); print } }' "$probe/probe.i")

mkdir -p "$dest"
for file in "$src"/*.[ch]; do
	case ${file##*/} in
	"$compat" | *.mod.c) continue ;;
	esac
	TABLE=$table perl -0777 -e '
		my $text = do { local $/; <STDIN> };
		# the column where a line'"'"'s text starts, tabs of 8
		sub col { my $c = 0; for (split //, $_[0]) { $c = $_ eq "\t" ? ($c | 7) + 1 : $c + 1 } $c }
		sub indent { my $c = shift; ("\t" x int($c / 8)) . (" " x ($c % 8)) }
		# NAME replaced by BODY; the lines that continue a parenthesis
		# opened after it move with it, as they were aligned to it
		sub rename_in {
			my ($text, $name, $body) = @_;
			my @lines = split /\n/, $text, -1;
			for (my $i = 0; $i < @lines; $i++) {
				my $was = $lines[$i];
				next unless $lines[$i] =~ s/\b\Q$name\E\b/$body/g;
				my $delta = col($lines[$i]) - col($was);
				my $open = ($lines[$i] =~ tr/(//) - ($lines[$i] =~ tr/)//);
				for (my $j = $i + 1; $delta && $open > 0 && $j < @lines; $j++) {
					my ($ws, $rest) = $lines[$j] =~ /^([ \t]*)(.*)$/;
					$lines[$j] = indent(col($ws) + $delta) . $rest;
					$open += ($rest =~ tr/(//) - ($rest =~ tr/)//);
				}
			}
			return join "\n", @lines;
		}
		# balanced parentheses, for a macro argument
		my $paren; $paren = qr/\((?:[^()]++|(??{$paren}))*\)/;
		for (split /\n/, $ENV{TABLE}) {
			my ($name, $params, $body) = /^(\w+)(?:\(([^)]*)\))?\s*(.*)$/ or next;
			$name =~ /^(SUBDMA_COMPAT_H|SUBDMA_KERNEL_AT_LEAST)$/ and next;
			if (!defined $params) {
				$text = rename_in($text, $name, $body);
				next;
			}
			my @p = split /\s*,\s*/, $params;
			my $use = qr/\b\Q$name\E\s*($paren)/;
			# a macro that is nothing takes the space before it along
			$use = qr/\s*$use/ if $body eq "";
			$text =~ s{$use}{
				my $args = substr($1, 1, -1);
				my @a = split /\s*,\s*/, $args;
				my $out = $body;
				for my $i (0 .. $#p) { $out =~ s/\b\Q$p[$i]\E\b/$a[$i]/g }
				$out;
			}ge;
		}
		$text =~ s/^#include "subdma_compat\.h"\n//mg;
		$text =~ s/\n{3,}/\n\n/g;
		print $text;' <"$file" >"$dest/${file##*/}"
done
cp "$src/Makefile" "$src/.kunitconfig" "$dest/"
# nothing may be left that knows of another kernel
if grep -nE 'subdma_compat|SUBDMA_KERNEL_AT_LEAST|LINUX_VERSION_CODE|KERNEL_VERSION\(' \
	"$dest"/*.[ch]; then
	die "a version test is left in the sources for $kernel"
fi
left=$(grep -nwF "$names" "$dest"/*.[ch] || true)
[ -z "$left" ] || die "subdma_compat.h's macros are left in the sources for $kernel: $left"
