#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# End to end: a Debian kernel under the project's QEMU, the driver loaded
# with insmod, sg3_utils against QEMU's own SCSI targets.  SUBDMA_KERNEL
# picks the kernel of tests/lib/kernels.sh (6.1, the default; 6.12; 7.3).
#   run.sh check   every configuration, one line per check, a summary
#   run.sh demo    the main job on the default machine (a guest shell
#                  afterwards when attached to a terminal)
#   run.sh reliability
#                  the reliability campaign (tests/reliability/guest) on
#                  two adapters; SUBDMA_REL_APPEND sets its length
#   run.sh udev    the guest as a system starts: udev loads the module
#                  DKMS built (SUBDMA_E2E_UDEV_KO), then the whole suite
#                  runs on it, trace and sleep included (tests/dkms/run.sh)
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/guest.sh
. "$SUBDMA_TOP/tests/lib/guest.sh"

mode=${1:-check}

# another kernel (with SUBDMA_KO_DIR, the driver built for it) when given
kernel=${SUBDMA_KERNEL:-6.1}
kernel_dir=${SUBDMA_KERNEL_DIR:-}
# What Debian's kernels must do and the debug kernel cannot: sleep (it is
# built without it); the in-place path, wherever the test helper is built
required_args=
if [ "$mode" = udev ]; then
	[ -f "${SUBDMA_E2E_UDEV_KO:-}" ] ||
		die "run.sh udev needs SUBDMA_E2E_UDEV_KO, a module DKMS built"
	export SUBDMA_E2E_UDEV_KO
	required_args=e2e_sleep=required
	# the suite's own insmod (busybox's) takes it uncompressed
	SUBDMA_KO_DIR=$(mktemp -d)
	trap 'rm -rf "$SUBDMA_KO_DIR"' EXIT
	case $SUBDMA_E2E_UDEV_KO in
	*.xz) xz -dc "$SUBDMA_E2E_UDEV_KO" >"$SUBDMA_KO_DIR/subdma.ko" ;;
	*) cp "$SUBDMA_E2E_UDEV_KO" "$SUBDMA_KO_DIR/subdma.ko" ;;
	esac
	export SUBDMA_KO_DIR
	kernel_dir=$("$SUBDMA_TOP/tests/guest/kernel.sh" "$kernel")
	kernel_name=-$kernel
elif [ -z "$kernel_dir" ]; then
	required_args=e2e_sleep=required
	log "building the driver for $kernel"
	SUBDMA_KO_DIR=$("$SUBDMA_TOP/tests/guest/module.sh" "$kernel" 2>/dev/null) ||
		die "the driver does not build for $kernel (tests/guest/module.sh $kernel)"
	export SUBDMA_KO_DIR
	kernel_dir=$("$SUBDMA_TOP/tests/guest/kernel.sh" "$kernel")
	kernel_name=-$kernel
fi
# the test helper that hands out memory below 16 MiB, for the in-place
# path: built here, or by the caller for its own kernel (the debug one)
if [ -n "${SUBDMA_LOWMEM_DIR:-}" ] && [ "$mode" = check ]; then
	required_args="$required_args e2e_lowmem=required"
elif [ -n "${SUBDMA_LOWMEM_DIR:-}" ]; then
	unset SUBDMA_LOWMEM_DIR
elif [ -z "${SUBDMA_KERNEL_DIR:-}" ] && { [ "$mode" = check ] || [ "$mode" = udev ]; }; then
	SUBDMA_LOWMEM_DIR=$(SUBDMA_MODULE_SRC=$SUBDMA_TOP/tests/e2e/lowmem \
		"$SUBDMA_TOP/tests/guest/module.sh" "$kernel" 2>/dev/null) ||
		die "the test helper does not build for $kernel"
	export SUBDMA_LOWMEM_DIR
	required_args="$required_args e2e_lowmem=required"
fi
# SUBDMA_QEMU: a qemu-system-x86_64 built by hand with the adapter (the
# model under work, say) instead of the cached build of tests/qemu/build.sh
GUEST_QEMU=${SUBDMA_QEMU:-$("$SUBDMA_TOP/tests/qemu/build.sh")}
GUEST_KERNEL=$(echo "$kernel_dir"/boot/vmlinuz-*)
log "the guest kernel: ${GUEST_KERNEL##*/}"
extra=()
[ "$mode" = reliability ] && extra=("$SUBDMA_TOP/tests/reliability/guest")
GUEST_INITRD=$("$SUBDMA_TOP/tests/e2e/image.sh" "$kernel_dir" "${extra[@]}")
logs=${SUBDMA_E2E_LOGS:-$(guest_logs "e2e-$mode${kernel_name:-}")}
mkdir -p "$logs"
work=$(mktemp -d)
trap 'rm -rf "$work" ${SUBDMA_E2E_UDEV_KO:+"$SUBDMA_KO_DIR"}' EXIT

# disk ADAPTER ID LUN SIZE [BLOCK-SIZE]: QEMU arguments for a scsi-hd, one a line
disks=0
disk() {
	local bs=${5:-512}
	disks=$((disks + 1))
	rm -f "$work/disk$disks.img"	# every configuration starts empty
	truncate -s "$4" "$work/disk$disks.img"
	printf '%s\n' -drive "if=none,id=d$disks,file=$work/disk$disks.img,format=raw" \
		-device "scsi-hd,bus=$1.0,scsi-id=$2,lun=$3,drive=d$disks,serial=SDM$disks,logical_block_size=$bs,physical_block_size=$bs"
}

if [ "$mode" = demo ]; then
	disk_image=$SUBDMA_CACHE/run-disk.img
	[ -f "$disk_image" ] || truncate -s 256M "$disk_image"
	args=(-device "subdma-isa,id=sd0"
		-drive "if=none,id=d0,file=$disk_image,format=raw"
		-device "scsi-hd,bus=sd0.0,scsi-id=0,drive=d0")
	if [ -t 0 ] && [ -t 1 ]; then
		log "booting; the guest shell follows the demo (exit or Ctrl-A X leaves)"
		mapfile -t machine < <(guest_machine "$GUEST_KERNEL" \
			"$GUEST_INITRD" e2e=shell)
		rm -rf "$work"	# exec skips the EXIT trap
		exec "$GUEST_QEMU" "${machine[@]}" -serial mon:stdio "${args[@]}"
	fi
	log "booting the guest with the adapter and a 256 MiB disk"
	guest_boot "$logs" demo "e2e=demo" "${args[@]}"
	guest_console "$logs" demo | sed -n '/### loading the driver/,$p' |
		grep -v subdma-guest-end || true
	guest_console "$logs" demo | grep -q "data read back matches"
	exit
fi

need_packages genisoimage
mkdir -p "$work/cd"
dd if=/dev/urandom of="$work/cd/data.bin" bs=1M count=3 2>/dev/null
echo "subdma test medium" >"$work/cd/README"
genisoimage -quiet -V SUBDMA -o "$work/cd.iso" "$work/cd"
iso="$(($(stat -c %s "$work/cd.iso") / 2048)):$(md5sum <"$work/cd.iso" | cut -d' ' -f1)"
cd_arg=(-drive "if=none,id=cd,file=$work/cd.iso,format=raw,media=cdrom,readonly=on"
	-device "scsi-cd,bus=sd0.0,scsi-id=3,drive=cd")

# targets ADAPTER: the disks every full configuration has
targets() {
	disk "$1" 0 0 64M
	disk "$1" 1 0 64M 4096
	disk "$1" 2 3 16M
}

# run NAME KERNEL-ARGS QEMU-ARGS...: one configuration, its checks counted;
# SUBDMA_E2E_ONLY=NAME[,NAME...] runs those configurations alone
run() {
	local name=$1 append=$2
	shift 2
	[ -z "${SUBDMA_E2E_ONLY:-}" ] || [[ ",$SUBDMA_E2E_ONLY," == *",$name,"* ]] ||
		return 0
	log "configuration: $name"
	guest_boot "$logs" "$name" "$append $required_args ${SUBDMA_E2E_APPEND:-}" "$@"
	guest_checks "$logs" "$name"
}

if [ "$mode" = reliability ]; then
	mapfile -t rel < <(disk sd0 0 0 64M; disk sd0 1 0 64M 4096
		disk sd1 2 0 64M; disk sd1 3 0 64M 4096)
	# the scan runs in its own thread, out of reach of the allocation
	# failures the campaign aims at the driver's probe
	run "reliability" "e2e=reliability rel_io=0x340,0x300 scsi_mod.scan=async ${SUBDMA_REL_APPEND:-}" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=1 \
		-device subdma-isa,id=sd1,iobase=0x300,irq=3,dma=5 "${rel[@]}"
elif [ "$mode" = udev ]; then
	mapfile -t t8 < <(targets sd0)
	run "DKMS module loaded by udev" \
		"e2e=udev e2e_io=0x340 e2e_devices=4 e2e_iso=$iso e2e_full=1" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=1 "${t8[@]}" "${cd_arg[@]}"
else
	mapfile -t t8 < <(targets sd0)
	run "8-bit channel" "e2e=check e2e_io=0x340 e2e_devices=4 e2e_iso=$iso e2e_full=1" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=1 "${t8[@]}" "${cd_arg[@]}"
	mapfile -t t16 < <(targets sd0)
	run "16-bit channel" "e2e=check e2e_io=0x340 e2e_devices=4 e2e_iso=$iso e2e_full=1" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=5 "${t16[@]}" "${cd_arg[@]}"
	# each adapter has its own bus: a disk at target 0 on both
	mapfile -t two < <(disk sd0 0 0 64M; disk sd1 0 0 64M 4096)
	run "two adapters" "e2e=check e2e_io=0x340,0x300 e2e_devices=2" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=1 \
		-device subdma-isa,id=sd1,iobase=0x300,irq=3,dma=5 "${two[@]}"
	# more than 4 GiB: the kernel turns swiotlb on, and its cap must not
	# shrink the host's commands
	mapfile -t big < <(disk sd0 0 0 64M; disk sd1 0 0 64M)
	run "more than 4 GiB" "e2e=bigmem e2e_io=0x340,0x300 e2e_devices=2" \
		-m 6144 -device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=1 \
		-device subdma-isa,id=sd1,iobase=0x300,irq=3,dma=5 "${big[@]}"
fi

if [ "$checks_failed" -gt 0 ]; then
	log "console and QEMU logs of the runs: $logs"
fi
check_summary
