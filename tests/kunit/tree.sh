#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Print a kernel tree with the driver in it: the kernel's own Debian
# source package (linux-source-6.1, -6.12 or -7.3), unpacked once under
# $SUBDMA_CACHE (keyed by its version), with drivers/scsi/subdma/ and the
# project's Kconfig overlaid and hooked into drivers/scsi/.  The
# project's own files are only copied.
#   tree.sh [KERNEL]    6.1 (the default), 6.12 or 7.3
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

kernel=${1:-6.1}
pkg=linux-source-$kernel
version=$(source_version "$kernel")
tree=$SUBDMA_CACHE/$pkg-$version
cache_lock linux-source
if [ ! -f "$tree/.complete" ]; then
	log "unpacking $pkg $version"
	rm -rf "$tree" "$tree.tmp" "$tree.deb"
	mkdir -p "$tree.tmp"
	tarball=$(source_tarball "$kernel" "$tree.deb")
	nice -n 19 tar -xJf "$tarball" -C "$tree.tmp" --strip-components=1
	rm -rf "$tree.deb"
	touch "$tree.tmp/.complete"
	mv "$tree.tmp" "$tree"
fi

# The overlay only changes what differs, so that a build reading the tree
# meanwhile (make -j) never sees a file missing
dest=$tree/drivers/scsi/subdma
mkdir -p "$dest"
for src in "$SUBDMA_TOP"/drivers/scsi/subdma/{Makefile,*.c,*.h} \
	"$SUBDMA_TOP/Kconfig"; do
	case $src in
	*.mod.c) continue ;;	# Kbuild's output of an out-of-tree build
	esac
	cmp -s "$src" "$dest/${src##*/}" || cp "$src" "$dest/"
done
for old in "$dest"/*.[ch]; do
	[ -e "$SUBDMA_TOP/drivers/scsi/subdma/${old##*/}" ] || rm -f "$old"
done
grep -q 'drivers/scsi/subdma/Kconfig' "$tree/drivers/scsi/Kconfig" ||
	echo 'source "drivers/scsi/subdma/Kconfig"' >>"$tree/drivers/scsi/Kconfig"
# shellcheck disable=SC2016 # a make variable, not a shell one
hook='obj-$(CONFIG_SCSI_SUBDMA) += subdma/'
if ! grep -qxF "$hook" "$tree/drivers/scsi/Makefile"; then
	sed -i '/subdma\//d' "$tree/drivers/scsi/Makefile"
	echo "$hook" >>"$tree/drivers/scsi/Makefile"
fi
echo "$tree"
