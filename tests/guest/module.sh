#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the driver for one of the kernels of tests/lib/kernels.sh, from a
# copy of drivers/scsi/subdma/ outside the source directory (for 7.3, in
# the Debian 13 build root).  Prints the directory that holds subdma.ko;
# Kbuild's output goes to standard error.
#   module.sh KERNEL [MAKE-ARGUMENTS...]    e.g. module.sh 6.12 W=1
# SUBDMA_CLEAN=1 builds every object again (to see every warning).
# SUBDMA_MODULE_SRC=DIR builds another module of the project the same way
# (a test helper: tests/e2e/lowmem).
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

[ $# -ge 1 ] || die "usage: $0 KERNEL [MAKE-ARGUMENTS...]"
kernel=$1
shift
src_dir=${SUBDMA_MODULE_SRC:-$SUBDMA_TOP/drivers/scsi/subdma}
helper=
[ "$src_dir" = "$SUBDMA_TOP/drivers/scsi/subdma" ] || helper=-$(basename "$src_dir")
need_packages make
release=$(kernel_root "$kernel")
kdir=$(target_headers "$kernel")
abi=$(target_abi "$kernel")
if [ -n "$release" ]; then
	root=$(cache_lock "root-$release" && build_root "$release")
	dir=$root/build/subdma$helper
	inner=/build/subdma$helper
else
	root=
	dir=$SUBDMA_CACHE/module-$abi$helper
	inner=$dir
fi
cache_lock "module-$kernel$helper"

# copy what differs, so that make rebuilds only what changed
shopt -s nullglob
mkdir -p "$dir"
for src in "$src_dir"/{Makefile,*.c,*.h}; do
	case $src in
	*.mod.c) continue ;;	# Kbuild's output of an in-tree build
	esac
	cmp -s "$src" "$dir/${src##*/}" || cp "$src" "$dir/"
done
for old in "$dir"/*.[ch]; do
	case $old in
	*.mod.c) continue ;;
	esac
	[ -e "$src_dir/${old##*/}" ] || rm -f "$old"
done
if [ -n "${SUBDMA_CLEAN:-}" ]; then
	rm -f "$dir"/*.o "$dir"/*.ko "$dir"/*.mod "$dir"/*.mod.c "$dir"/.*.cmd
fi

# BTF for an out-of-tree module needs pahole and the kernel's vmlinux:
# neither is needed to load it
kbuild=(make -C "$kdir" M="$inner" CONFIG_SCSI_SUBDMA=m
	CONFIG_DEBUG_INFO_BTF_MODULES= "$@" modules)
if [ -n "$root" ]; then
	in_root "$root" nice -n 19 "${kbuild[@]}" >&2
else
	[[ " $* " == *" C="* ]] && need_packages sparse
	nice -n 19 "${kbuild[@]}" >&2
fi
ko=subdma.ko
[ -z "$helper" ] || ko=subdma_${helper#-}.ko
[ -f "$dir/$ko" ] || die "no $ko built for $kernel"
echo "$dir"
