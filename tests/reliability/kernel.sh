#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the debug test kernel from Debian's linux-source-6.1 with
# tests/reliability/debug.config, cached by the hash of that config and the
# source version.  Prints a directory laid out like tests/guest/kernel.sh's
# (boot/vmlinuz-*, lib/modules/*), with build/ as the tree to build the
# driver against.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

need_packages gcc make flex bison bc libelf-dev libssl-dev kmod
tree=$("$SUBDMA_TOP/tests/kunit/tree.sh")
fragment=$SUBDMA_TOP/tests/reliability/debug.config
key=$(content_hash "$(basename "$tree")" "$fragment" "$0")
out=$SUBDMA_CACHE/debug-kernel-$key
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi

log "building the debug test kernel (about ten minutes on two cores)"
rm -rf "$out"
mkdir -p "$out/build"
make -s -C "$tree" O="$out/build" x86_64_defconfig >/dev/null
# the fragment wins over the defconfig
"$tree/scripts/kconfig/merge_config.sh" -m -O "$out/build" \
	"$out/build/.config" "$fragment" >/dev/null
make -s -C "$tree" O="$out/build" olddefconfig >/dev/null
# what the guest needs and the checkers must have survived olddefconfig;
# the trimming is a wish that other options' selects may overrule
while read -r line; do
	case $line in
	CONFIG_*=n) ;;
	CONFIG_*) grep -qx -- "$line" "$out/build/.config" ||
		die "the debug kernel's config lost $line" ;;
	esac
done <"$fragment"
make -s -C "$tree" O="$out/build" -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; die "the debug kernel does not build"; }
release=$(make -s -C "$tree" O="$out/build" kernelrelease)
make -s -C "$tree" O="$out/build" INSTALL_MOD_PATH="$out" modules_install >/dev/null
mkdir -p "$out/boot"
cp "$out/build/arch/x86/boot/bzImage" "$out/boot/vmlinuz-$release"
touch "$out/.complete"
echo "$out"
