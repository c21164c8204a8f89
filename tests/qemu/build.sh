#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the project's QEMU: Debian's bookworm qemu source package, the
# patch series in tests/qemu/patches (the 8237 fixes and the hook-up of
# the adapter), the adapter model's sources from tests/qemu/model (laid
# out as in QEMU's tree) and the adapter's register header, built as a
# TCG-only qemu-system-x86_64 (with plugin support, for the benchmarks)
# and the adapter's qtest.  The result is cached under $SUBDMA_CACHE,
# keyed by the source version and the hash of everything that went into
# it; the path of the binary is printed on stdout, the qtest is
# qtest/subdma-test beside it.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

patches=("$SUBDMA_TOP"/tests/qemu/patches/*.patch)
model=$SUBDMA_TOP/tests/qemu/model
mapfile -t model_files < <(find "$model" -type f | LC_ALL=C sort)
regs=$SUBDMA_TOP/drivers/scsi/subdma/subdma_regs.h
configure_args=(
	--target-list=x86_64-softmmu --without-default-features --enable-tcg
	--enable-plugins --disable-docs --disable-install-blobs
	--disable-werror --firmwarepath=/usr/share/qemu:/usr/share/seabios
)

need_packages dpkg-dev gcc make ninja-build meson pkg-config flex bison \
	libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev \
	seabios qemu-system-data
enable_deb_src qemu

version=$(qemu_source_version)
key=$(content_hash "$version" "${configure_args[*]}" "$0" "$regs" \
	"${patches[@]}" "${model_files[@]}")
out=$SUBDMA_CACHE/qemu-$version-$key
mkdir -p "$SUBDMA_CACHE"
# one build at a time; a second caller waits and then finds it cached
exec 9>"$SUBDMA_CACHE/qemu.lock"
flock 9
if [ -x "$out/qemu-system-x86_64" ] && [ -f "$out/.complete" ]; then
	echo "$out/qemu-system-x86_64"
	exit 0
fi

log "building QEMU $version with the adapter (a few minutes)"
work=$SUBDMA_CACHE/qemu-build
rm -rf "$work" "$out"
mkdir -p "$work"
unpack_qemu_source "$version" "$work/src"
for patch in "${patches[@]}"; do
	log "applying $(basename "$patch")"
	patch -d "$work/src" -p1 -s --no-backup-if-mismatch <"$patch" ||
		die "$(basename "$patch") does not apply to qemu $version"
done
cp -R "$model/." "$work/src/"
cp "$regs" "$work/src/include/hw/scsi/subdma_regs.h"

mkdir -p "$work/src/build"
cd "$work/src/build"
../configure "${configure_args[@]}" >configure.log 2>&1 ||
	{ tail -n 20 configure.log >&2; die "QEMU configure failed"; }
ninja -j"$(nproc)" qemu-system-x86_64 tests/plugin/libinsn.so \
	tests/qtest/subdma-test >build.log 2>&1 ||
	{ grep -E 'error|FAILED' build.log | head -n 20 >&2; die "QEMU build failed"; }

mkdir -p "$out/plugins" "$out/qtest"
cp qemu-system-x86_64 "$out/"
cp tests/plugin/libinsn.so "$out/plugins/"
cp tests/qtest/subdma-test "$out/qtest/"
echo "$version" >"$out/.complete"
rm -rf "$work"
find "$SUBDMA_CACHE" -maxdepth 1 -name 'qemu-*' -type d ! -name "qemu-$version-$key" \
	! -name qemu-build -exec rm -rf {} +
log "QEMU ready: $out"
echo "$out/qemu-system-x86_64"
