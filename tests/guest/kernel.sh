#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch the test kernel: the image that Debian's linux-image-amd64 points
# to now, unpacked (not installed) under $SUBDMA_CACHE.  Prints the
# directory, which holds boot/vmlinuz-* and lib/modules/*.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

need_packages dpkg-dev kmod
pkg=linux-image-$(kernel_abi)
version=$(candidate_version "$pkg")
out=$SUBDMA_CACHE/kernel-$pkg-$version
cache_lock kernel
if [ ! -f "$out/.complete" ]; then
	log "fetching the test kernel $pkg $version"
	rm -rf "$out"
	unpack_deb "$pkg" "$out"
	# the package leaves modules.dep to depmod at install time
	depmod -b "$out" "${pkg#linux-image-}"
	touch "$out/.complete"
fi
echo "$out"
