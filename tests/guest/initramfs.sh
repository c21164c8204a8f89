#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build a guest initramfs: busybox from Debian's busybox-static, the given
# init script as /init, and any further trees copied over the root.
#   initramfs.sh OUTPUT INIT [TREE...]
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

[ $# -ge 2 ] || die "usage: $0 OUTPUT INIT [TREE...]"
output=$1
init=$2
shift 2

need_packages cpio busybox-static
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,etc,root}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
install -m 0755 "$init" "$root/init"
for tree in "$@"; do
	cp -a "$tree"/. "$root"/
done
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) |
	gzip -1 >"$output.tmp"
mv "$output.tmp" "$output"
