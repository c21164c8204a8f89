#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Print a kernel tree with the driver in it: Debian's linux-source-6.1,
# unpacked once under $SUBDMA_CACHE (keyed by its version), with
# drivers/scsi/subdma/ and the project's Kconfig overlaid and hooked
# into drivers/scsi/.  The project's own files are only copied.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

need_packages linux-source-6.1 xz-utils
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
tree=$SUBDMA_CACHE/linux-source-6.1-$version
cache_lock linux-source
if [ ! -f "$tree/.complete" ]; then
	log "unpacking linux-source-6.1 $version"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tree.tmp" \
		--strip-components=1
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
