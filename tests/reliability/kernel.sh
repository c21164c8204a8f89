#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the debug test kernel with tests/reliability/debug.config, cached
# by the hash of that config and the source version:
#   kernel.sh [KERNEL]   7.3 (the default: Debian's newest, built with
#                        gcc-14 in the Debian 13 build root) or 6.1
# Prints a directory laid out like tests/guest/kernel.sh's
# (boot/vmlinuz-*, lib/modules/*), with build/ as the tree to build the
# driver against; for 7.3 the directory is inside the build root, where
# tests/reliability/run.sh builds the driver with the root's compiler.
# Older builds of the same kernel are removed.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

kernel=${1:-7.3}
fragment=$SUBDMA_TOP/tests/reliability/debug.config
release=$(kernel_root "$kernel")
if [ -n "$release" ]; then
	root=$(cache_lock "root-$release" && build_root "$release")
	source=$(basename "$root")
	run=(in_root "$root")
	make=("${run[@]}" make CC=gcc-14 HOSTCC=gcc-14)
else
	need_packages gcc make flex bison bc libelf-dev libssl-dev kmod
	root=
	tree=$("$SUBDMA_TOP/tests/kunit/tree.sh" "$kernel")
	source=$(basename "$tree")
	run=(env)
	make=(make)
fi
key=$(content_hash "$source" "$fragment" "$0")
if [ -n "$root" ]; then
	inner=/build/debug-kernel-$kernel-$key
	out=$root$inner
else
	out=$SUBDMA_CACHE/debug-kernel-$kernel-$key
	inner=$out
fi
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi
cache_lock "debug-kernel-$kernel"
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi

log "building the $kernel debug test kernel (a quarter of an hour on two cores)"
rm -rf "$out"
mkdir -p "$out/build"
if [ -n "$root" ]; then
	# the root's own source, unpacked where the root's compiler sees it
	mkdir -p "$out/src"
	nice -n 19 tar -xJf "$root/usr/src/linux-source-$kernel.tar.xz" \
		-C "$out/src" --strip-components=1
	tree=$inner/src
fi
"${make[@]}" -s -C "$tree" O="$inner/build" x86_64_defconfig >/dev/null
# the fragment wins over the defconfig
cp "$fragment" "$out/debug.config"
"${run[@]}" "$tree/scripts/kconfig/merge_config.sh" -m -O "$inner/build" \
	"$inner/build/.config" "$inner/debug.config" >/dev/null
"${make[@]}" -s -C "$tree" O="$inner/build" olddefconfig >/dev/null
# what the guest needs and the checkers must have survived olddefconfig,
# where the kernel has the option at all (7.3 checks scatterlists without
# DMA_API_DEBUG_SG); the trimming is a wish that other options' selects
# may overrule
host_tree=$tree
[ -z "$root" ] || host_tree=$out/src
symbols=$(find "$host_tree" -name 'Kconfig*' -exec \
	sed -n 's/^[[:space:]]*\(menu\)\{0,1\}config \([A-Z0-9_]*\).*/\2/p' {} + |
	sort -u)
while read -r line; do
	case $line in
	CONFIG_*=n) ;;
	CONFIG_*)
		symbol=${line%%=*}
		if ! grep -qx -- "${symbol#CONFIG_}" <<<"$symbols"; then
			log "$kernel has no $symbol"
		elif ! grep -qx -- "$line" "$out/build/.config"; then
			die "the $kernel debug kernel's config lost $line"
		fi
		;;
	esac
done <"$fragment"
"${make[@]}" -s -C "$tree" O="$inner/build" -j"$(nproc)" bzImage modules \
	>"$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; die "the $kernel debug kernel does not build"; }
release=$("${make[@]}" -s -C "$tree" O="$inner/build" kernelrelease)
"${make[@]}" -s -C "$tree" O="$inner/build" INSTALL_MOD_PATH="$inner" \
	modules_install >/dev/null
mkdir -p "$out/boot"
cp "$out/build/arch/x86/boot/bzImage" "$out/boot/vmlinuz-$release"
touch "$out/.complete"
find "${out%/*}" -maxdepth 1 -type d -name "debug-kernel-$kernel-*" \
	! -name "${out##*/}" -exec rm -rf {} +
echo "$out"
