#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the end-to-end guest: an initramfs with busybox, sg3_utils, lsscsi
# and e2fsprogs from Debian's packages (with the shared libraries they
# need), the test kernel's SCSI, CD-ROM and ext4 modules with their
# dependencies, the freshly built subdma module and the guest scripts.
# Cached by the hash of all of it; prints the initramfs path.
#   image.sh KERNEL_DIR [EXTRA_DIR]
# EXTRA_DIR adds its files to the image and, in EXTRA_DIR/modules, the
# names of further modules of the test kernel.
# SUBDMA_E2E_UDEV_KO=MODULE (a subdma.ko or .ko.xz that DKMS installed)
# makes the image a system's: the modules under /lib/modules/RELEASE as
# the kernel's package lays them out, MODULE in updates/dkms/ as DKMS
# puts it, Debian's systemd-udevd with its rules and kmod's tools; /init
# loads nothing then.
# SUBDMA_LOWMEM_DIR=DIR (where tests/guest/module.sh built the test helper
# tests/e2e/lowmem for this kernel) adds the helper and its lowmem-io.
# Every image has the reliability campaign's fuzzer, subdma-fuzz.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

kernel_dir=$1
extra=${2:-}
extra_modules=()
if [ -n "$extra" ] && [ -f "$extra/modules" ]; then
	read -r -a extra_modules <"$extra/modules"
fi
release=$(basename "$(echo "$kernel_dir"/lib/modules/*)")
moddir=$kernel_dir/lib/modules/$release
# the driver built for this kernel (SUBDMA_KO_DIR when not the tree's own)
ko_dir=${SUBDMA_KO_DIR:-$SUBDMA_TOP/drivers/scsi/subdma}
subdma_ko=("$ko_dir/subdma.ko")
tools=(sg_inq sg_readcap sg_turs sg_luns sg_modes sg_requests sg_verify
	sg_sync sg_dd sg_raw sg_reset lsscsi mke2fs e2fsck rtcwake)
# scsi and block, CD-ROM, ext4; and the crypto the checksums ask for,
# which a kernel built otherwise may not have as modules at all
modules=(sd_mod sr_mod sg isofs ext4 "${extra_modules[@]}")
optional=(crc32c_generic crct10dif_generic crc64_rocksoft_generic)
# in the image but loaded by the tests themselves: the floppy driver holds
# a DMA channel the driver must not take
spare=(floppy)

regs=$SUBDMA_TOP/drivers/scsi/subdma/subdma_regs.h
need_packages sg3-utils lsscsi e2fsprogs busybox-static cpio xz-utils util-linux \
	gcc libc6-dev
fuzz=$SUBDMA_TOP/tests/reliability/fuzz/subdma-fuzz.c

# udev_ko and udev: the module DKMS built and the unpacked udev package
# of the host's release (cached by its version), in a system's image
udev_ko=${SUBDMA_E2E_UDEV_KO:-}
udev=
if [ -n "$udev_ko" ]; then
	[ -f "$udev_ko" ] || die "no module at $udev_ko"
	need_packages kmod
	udev=$SUBDMA_CACHE/udev-$(candidate_version udev)
	if [ ! -f "$udev/.complete" ]; then
		rm -rf "$udev"
		unpack_deb udev "$udev"
		touch "$udev/.complete"
	fi
	# the daemon, the helpers its storage rules run, and kmod
	udev_helpers=("$udev"/lib/udev/{scsi_id,cdrom_id,ata_id})
	tools+=("$udev/bin/udevadm" "${udev_helpers[@]}" /bin/kmod)
fi
lowmem=()
if [ -n "${SUBDMA_LOWMEM_DIR:-}" ]; then
	lowmem=("$SUBDMA_LOWMEM_DIR/subdma_lowmem.ko" "$SUBDMA_TOP/tests/e2e/lowmem/lowmem-io.c")
	[ -f "${lowmem[0]}" ] || die "no test helper in $SUBDMA_LOWMEM_DIR"
fi
for ko in "${subdma_ko[@]}"; do
	[ -f "$ko" ] || die "$ko is missing: build the driver first (make)"
done

# the tools and every library they load are inputs too
mapfile -t binaries < <(for tool in "${tools[@]}"; do
	bin=$(command -v "$tool") || die "$tool is not installed"
	echo "$bin"
	ldd "$bin" | grep -oE '/[^ ]+\.so[^ ]*' | xargs -r readlink -f
done | sort -u)
key=$(content_hash "$kernel_dir" "${modules[*]} ${optional[*]} ${spare[*]}" "${tools[*]}" "$0" \
	"$SUBDMA_TOP/tests/guest/initramfs.sh" /bin/busybox "${binaries[@]}" \
	"${subdma_ko[@]}" "$SUBDMA_TOP"/tests/e2e/guest/* ${extra:+"$extra"/*} \
	"$regs" "$SUBDMA_TOP/tests/lib/kernel-reports" "$fuzz" \
	${udev_ko:+"$udev_ko" "$udev"/lib/udev/rules.d/*} "${lowmem[@]}")
out=$SUBDMA_CACHE/e2e-initrd-$key.gz
cache_lock e2e-initrd
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi
log "building the guest image"

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT

# Modules in load order: every module after what it depends on
declare -A loaded=()
order=()
add_module() {
	local path=$1 dep deps
	[ -n "${loaded[$path]:-}" ] && return 0
	loaded[$path]=1
	read -r -a deps <<<"$(sed -n "s|^$path: *||p" "$moddir/modules.dep")"
	for dep in "${deps[@]}"; do
		add_module "$dep"
	done
	order+=("$path")
}
for mod in "${modules[@]}" "${optional[@]}"; do
	grep -qE "/$mod\.ko$" "$moddir/modules.builtin" 2>/dev/null && continue
	path=$(grep -E "(^|/)$mod\.ko(\.[gx]z)?:" "$moddir/modules.dep" | cut -d: -f1 || true)
	if [ -z "$path" ]; then
		[[ " ${optional[*]} " == *" $mod "* ]] && continue
		die "the test kernel has no module $mod"
	fi
	add_module "$path"
done
# copy_module PATH: a module of the test kernel into the image, as a plain
# .ko (busybox's insmod reads no compressed module); prints its name.  In
# a system's image it lies where the kernel's package puts it, and
# /lib/modules/NAME points there.
copy_module() {
	local name dest=$tree/lib/modules
	name=$(basename "$1")
	name=${name%.[gx]z}
	if [ -n "$udev_ko" ]; then
		dest=$tree/lib/modules/$release/$(dirname "$1")
		mkdir -p "$dest"
		ln -s "$release/$(dirname "$1")/$name" "$tree/lib/modules/$name"
	fi
	case $1 in
	*.xz) xz -dc "$moddir/$1" >"$dest/$name" ;;
	*.gz) gzip -dc "$moddir/$1" >"$dest/$name" ;;
	*) cp "$moddir/$1" "$dest/" ;;
	esac
	echo "$name"
}
mkdir -p "$tree/lib/modules"
touch "$tree/lib/modules/load-order"
for path in "${order[@]}"; do
	name=$(copy_module "$path")
	[ -n "$udev_ko" ] || echo "$name" >>"$tree/lib/modules/load-order"
done
for mod in "${spare[@]}"; do
	path=$(grep -E "(^|/)$mod\.ko(\.[gx]z)?:" "$moddir/modules.dep" | cut -d: -f1 || true)
	[ -n "$path" ] || die "the test kernel has no module $mod"
	copy_module "$path" >/dev/null
done
cp "${subdma_ko[@]}" "$tree/lib/modules/"
if [ "${#lowmem[@]}" -gt 0 ]; then
	# the test helper: pages below 16 MiB for the in-place path
	cp "${lowmem[0]}" "$tree/lib/modules/"
	mkdir -p "$tree/usr/bin"
	gcc -static -O2 -Wall -Wextra -Werror -o "$tree/usr/bin/lowmem-io" \
		"${lowmem[1]}" || die "lowmem-io does not build"
fi
mkdir -p "$tree/usr/bin"
gcc -static -O2 -Wall -Wextra -Werror -o "$tree/usr/bin/subdma-fuzz" "$fuzz" ||
	die "subdma-fuzz does not build"
if [ -n "$udev_ko" ]; then
	# the module as DKMS installed it, what depmod needs of the kernel's
	# own lists, udev's rules, and kmod's tools in /sbin (busybox's own
	# applets come first in PATH and the suite keeps using them)
	mkdir -p "$tree/lib/modules/$release/updates/dkms" "$tree/lib/udev" \
		"$tree/lib/systemd" "$tree/sbin" "$tree/run"
	cp "$udev_ko" "$tree/lib/modules/$release/updates/dkms/"
	for list in modules.order modules.builtin modules.builtin.modinfo; do
		[ ! -f "$moddir/$list" ] || cp "$moddir/$list" "$tree/lib/modules/$release/"
	done
	cp -a "$udev/lib/udev/rules.d" "${udev_helpers[@]}" "$tree/lib/udev/"
	ln -s /usr/bin/udevadm "$tree/lib/systemd/systemd-udevd"
	for tool in depmod modinfo modprobe lsmod; do
		ln -s /usr/bin/kmod "$tree/sbin/$tool"
	done
fi

# Tools with the libraries they link
for tool in "${tools[@]}"; do
	bin=$(command -v "$tool") || die "$tool is not installed"
	mkdir -p "$tree/usr/bin"
	cp "$bin" "$tree/usr/bin/"
	for lib in $(ldd "$bin" | grep -oE '/[^ ]+\.so[^ ]*'); do
		mkdir -p "$tree$(dirname "$lib")"
		cp -L "$lib" "$tree$lib"
	done
done
ln -s mke2fs "$tree/usr/bin/mkfs.ext4"
ln -s e2fsck "$tree/usr/bin/fsck.ext4"
install -m 0755 "$SUBDMA_TOP"/tests/e2e/guest/* "$tree/"
# the register contract and the kernel's report patterns, from the one
# place each is written
# (in decimal, as the guest scripts compare them as strings)
sed -n 's/^#define \(SUBDMA_[A-Z0-9_]*\)[[:space:]]\{1,\}\(0x[0-9a-fA-F]\{1,\}\|[0-9]\{1,\}\)\([[:space:]].*\)\{0,1\}$/\1 \2/p' \
	"$regs" | while read -r name value; do
		echo "$name=$((value))"
	done >"$tree/regs.sh"
grep -q '^SUBDMA_TEST_STAT_FAULTS=' "$tree/regs.sh" ||
	die "no register constants read from $regs"
cp "$SUBDMA_TOP/tests/lib/kernel-reports" "$tree/kernel-reports"
if [ -n "$extra" ]; then
	find "$extra" -maxdepth 1 -name '*.sh' -exec install -m 0755 {} "$tree/" \;
fi

"$SUBDMA_TOP/tests/guest/initramfs.sh" "$out" "$SUBDMA_TOP/tests/e2e/guest/init" "$tree"
echo "$out"
