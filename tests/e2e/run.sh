#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# End to end: Debian's 6.1 kernel under the project's QEMU, the driver
# loaded with insmod, sg3_utils against QEMU's own SCSI targets.
#   run.sh check   every configuration, one line per check, a summary
#   run.sh demo    the main job on the default machine (a guest shell
#                  afterwards when attached to a terminal)
#   run.sh reliability
#                  the reliability campaign (tests/reliability/guest) on
#                  two adapters; SUBDMA_REL_APPEND sets its length
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

mode=${1:-check}
logs=${SUBDMA_E2E_LOGS:-/tmp/subdma-e2e-logs}

# another kernel (with SUBDMA_KO_DIR, the driver built for it) when given
kernel_dir=${SUBDMA_KERNEL_DIR:-}
if [ -z "$kernel_dir" ]; then
	log "building the driver"
	make -s -C "$SUBDMA_TOP" modules 2> >(grep -v "Skipping BTF" >&2) >/dev/null
	kernel_dir=$("$SUBDMA_TOP/tests/guest/kernel.sh")
fi
qemu=$("$SUBDMA_TOP/tests/qemu/build.sh")
vmlinuz=$(echo "$kernel_dir"/boot/vmlinuz-*)
extra=()
[ "$mode" = reliability ] && extra=("$SUBDMA_TOP/tests/reliability/guest")
initrd=$("$SUBDMA_TOP/tests/e2e/image.sh" "$kernel_dir" "${extra[@]}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# boot NAME KERNEL-ARGS QEMU-ARGS...: run the guest, console to $work/NAME.log.
# The debug kernel, under TCG on a loaded machine, now and then stops for
# good in its early self-tests; a guest that has not reached init after
# three minutes is booted again, twice at most.
boot() {
	local name=$1 append=$2
	shift 2
	local machine pid waited try
	mapfile -t machine < <(guest_machine "$vmlinuz" "$initrd" \
		"$append ${SUBDMA_E2E_APPEND:-}")
	for try in 1 2 3; do
		timeout "${SUBDMA_E2E_TIMEOUT:-600}" "$qemu" "${machine[@]}" \
			-monitor none -serial "file:$work/$name.log" -d guest_errors \
			-D "$work/$name.qemu" "$@" >"$work/$name.out" 2>&1 &
		pid=$!
		waited=0
		while kill -0 $pid 2>/dev/null && [ $waited -lt 180 ] &&
			! grep -q subdma-guest-start "$work/$name.log" 2>/dev/null; do
			sleep 1
			waited=$((waited + 1))
		done
		grep -q subdma-guest-start "$work/$name.log" 2>/dev/null && break
		kill $pid 2>/dev/null || true
		wait $pid || true
		[ $try = 3 ] || log "$name: the guest did not reach init; booting again"
	done
	wait $pid || true
	cat "$work/$name.out" >>"$work/$name.qemu"
}

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
		mapfile -t machine < <(guest_machine "$vmlinuz" "$initrd" e2e=shell)
		rm -rf "$work"	# exec skips the EXIT trap
		exec "$qemu" "${machine[@]}" -serial mon:stdio "${args[@]}"
	fi
	log "booting the guest with the adapter and a 256 MiB disk"
	boot demo "e2e=demo" "${args[@]}"
	tr -d '\r' <"$work/demo.log" | sed -n '/### loading the driver/,$p' |
		grep -v subdma-guest-end || true
	grep -q "data read back matches" "$work/demo.log"
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

rm -rf "$logs"
mkdir -p "$logs"
# run NAME KERNEL-ARGS QEMU-ARGS...: one configuration, its checks counted
run() {
	local name=$1 append=$2 console line reports
	shift 2
	log "configuration: $name"
	boot "$name" "$append" "$@"
	console=$work/$name.log
	while IFS= read -r line; do
		case $line in
		PASS\ *) check_pass "$name: ${line#PASS }" ;;
		FAIL\ *) check_fail "$name: ${line#FAIL }" ;;
		esac
	done < <(tr -d '\r' <"$console")
	# the guest's own count must match what was read off the console
	local end counted
	end=$(tr -d '\r' <"$console" | sed -n 's/^subdma-suite-end //p')
	counted="$(tr -d '\r' <"$console" | grep -c '^PASS ' || true)"
	counted="$counted $(tr -d '\r' <"$console" | grep -c '^FAIL ' || true)"
	if [ -z "$end" ]; then
		check_fail "$name: the suite ran to its end" "$(tail -n 5 "$console" | tr -d '\r')"
	elif [ "$end" != "$counted" ]; then
		check_fail "$name: the suite ran to its end" "the guest counted $end, the console shows $counted"
	else
		check_pass "$name: the suite ran to its end"
	fi
	# the kernel's own lines only, not the suite's
	reports=$(tr -d '\r' <"$console" | grep -E '^\[ *[0-9]+\.[0-9]+\] .*(WARNING|BUG|Oops|Kernel panic|Call Trace|DMA-API)' || true)
	if [ -z "$reports" ]; then
		check_pass "$name: the console has no kernel report"
	else
		check_fail "$name: the console has no kernel report" "$(head -n 3 <<<"$reports")"
	fi
	if [ -s "$work/$name.qemu" ]; then
		check_fail "$name: QEMU logged no guest error" "$(head -n 3 "$work/$name.qemu")"
	else
		check_pass "$name: QEMU logged no guest error"
	fi
	cp "$console" "$work/$name.qemu" "$logs/" 2>/dev/null || true
}

if [ "$mode" = reliability ]; then
	mapfile -t rel < <(disk sd0 0 0 64M; disk sd0 1 0 64M 4096
		disk sd1 2 0 64M; disk sd1 3 0 64M 4096)
	# the scan runs in its own thread, out of reach of the allocation
	# failures the campaign aims at the driver's probe
	run "reliability" "e2e=reliability rel_io=0x340,0x300 scsi_mod.scan=async ${SUBDMA_REL_APPEND:-}" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=1 \
		-device subdma-isa,id=sd1,iobase=0x300,irq=3,dma=5 "${rel[@]}"
else
	mapfile -t t8 < <(targets sd0)
	run "8-bit channel" "e2e=check e2e_io=0x340 e2e_devices=4 e2e_iso=$iso e2e_full=1" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=1 "${t8[@]}" "${cd_arg[@]}"
	mapfile -t t16 < <(targets sd0)
	run "16-bit channel" "e2e=check e2e_io=0x340 e2e_devices=4 e2e_iso=$iso e2e_full=1" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=5 "${t16[@]}" "${cd_arg[@]}"
	mapfile -t two < <(disk sd0 0 0 64M; disk sd1 1 0 64M 4096)
	run "two adapters" "e2e=check e2e_io=0x340,0x300 e2e_devices=2" \
		-device subdma-isa,id=sd0,iobase=0x340,irq=5,dma=1 \
		-device subdma-isa,id=sd1,iobase=0x300,irq=3,dma=5 "${two[@]}"
fi

if [ "$checks_failed" -gt 0 ]; then
	log "console and QEMU logs of the runs: $logs"
fi
check_summary
