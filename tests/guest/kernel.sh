#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch a test kernel: the image that its suite's linux-image-amd64 points
# to now, unpacked (not installed) under $SUBDMA_CACHE.  Prints the
# directory, which holds boot/vmlinuz-* and lib/modules/*.
#   kernel.sh [KERNEL]    6.1 (the default), 6.12 or 7.3
# Since 7.x Debian's linux-image-ABI is a meta package: the kernel is in
# linux-binary-ABI (usr/lib/modules/ABI/vmlinuz), the modules, compressed
# with xz, in linux-modules-ABI, and modules.builtin in linux-base-ABI.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

kernel=${1:-6.1}
need_packages dpkg-dev kmod xz-utils
suite=$(kernel_suite "$kernel")
abi=$(target_abi "$kernel")
case $kernel in
6.1) pkgs=("linux-image-$abi") version=$(candidate_version "${pkgs[0]}") ;;
6.12) pkgs=("linux-image-$abi") version=$(suite_version "$suite" "${pkgs[0]}") ;;
*) pkgs=("linux-binary-$abi" "linux-modules-$abi" "linux-base-$abi")
	version=$(suite_version "$suite" "${pkgs[0]}") ;;
esac
out=$SUBDMA_CACHE/kernel-${pkgs[0]}-$version
cache_lock kernel
if [ ! -f "$out/.complete" ]; then
	log "fetching the test kernel ${pkgs[*]} $version"
	rm -rf "$out"
	if [ "$suite" = bookworm ]; then
		unpack_deb "${pkgs[0]}" "$out"
	else
		suite_unpack "$suite" "$out" "${pkgs[@]}"
	fi
	# one layout for every kernel: boot/vmlinuz-ABI, lib/modules/ABI
	if [ ! -d "$out/lib/modules" ] && [ -d "$out/usr/lib/modules" ]; then
		ln -s usr/lib "$out/lib"
	fi
	if [ ! -e "$out/boot/vmlinuz-$abi" ]; then
		mkdir -p "$out/boot"
		ln -s "../lib/modules/$abi/vmlinuz" "$out/boot/vmlinuz-$abi"
	fi
	[ -f "$out/boot/vmlinuz-$abi" ] || die "no kernel image in ${pkgs[*]}"
	# the package leaves modules.dep to depmod at install time
	depmod -b "$out" "$abi"
	touch "$out/.complete"
fi
echo "$out"
