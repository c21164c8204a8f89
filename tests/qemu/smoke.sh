#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Adapter smoke test: boot Debian's kernel under the project's QEMU with
# the adapter and check that the kernel enumerates it from the firmware
# (ACPI id SDM0001, I/O range, IRQ, DMA channel and transfer width in its
# _CRS), and that the adapter answers at that address; then check that
# QEMU refuses configurations a real ISA machine could not have.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/guest.sh
. "$SUBDMA_TOP/tests/lib/guest.sh"

GUEST_QEMU=$("$SUBDMA_TOP/tests/qemu/build.sh")
kernel_dir=$("$SUBDMA_TOP/tests/guest/kernel.sh")
GUEST_KERNEL=$(echo "$kernel_dir"/boot/vmlinuz-*)
logs=$(guest_logs smoke)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

GUEST_INITRD=$work/initrd
"$SUBDMA_TOP/tests/guest/initramfs.sh" "$GUEST_INITRD" \
	"$SUBDMA_TOP/tests/qemu/smoke-init.sh"
truncate -s 64M "$work/disk0.img" "$work/disk1.img"

# qemu_base: the machine the refusals start; the adapters come on top.
mapfile -t machine < <(guest_machine "$GUEST_KERNEL" "$GUEST_INITRD" "")
qemu_base=("$GUEST_QEMU" "${machine[@]}" -monitor none)

# the interface revision, from the register contract
rev=$(sed -n 's/^#define SUBDMA_REV[[:space:]]*0x\([0-9a-f]*\).*/\1/p' \
	"$SUBDMA_TOP/drivers/scsi/subdma/subdma_regs.h")
[ -n "$rev" ] || die "no SUBDMA_REV in subdma_regs.h"

# expected_lines IOBASE IRQ DMA: what the guest must report for an adapter
expected_lines() {
	local io=$1 irq=$2 dma=$3 width=8 config
	[ "$dma" -ge 4 ] && width=16
	config=$((irq | (dma << 4) | (dma >= 4 ? 0x80 : 0)))
	printf 'node io=0x%x platform=yes regs=53 44 %s %02x\n' "$io" "$rev" "$config"
	printf 'crs io=0x%x-0x%x irq=%d dma=%d width=%d\n' \
		"$io" $((io + 0x1f)) "$irq" "$dma" "$width"
}

# decode_crs HEX: an I/O, IRQNoFlags, DMA descriptor run, as the guest saw it
decode_crs() {
	local hex=$1 base irqmask chmask flags irq=0 dma=0 width
	base=$((0x${hex:6:2}${hex:4:2}))
	irqmask=$((0x${hex:20:2}${hex:18:2}))
	chmask=$((0x${hex:24:2}))
	flags=$((0x${hex:26:2} & 3))
	while [ $((irqmask >> irq)) -gt 1 ]; do irq=$((irq + 1)); done
	while [ $((chmask >> dma)) -gt 1 ]; do dma=$((dma + 1)); done
	case $flags in 0) width=8 ;; 2) width=16 ;; *) width=8/16 ;; esac
	printf 'crs io=0x%x-0x%x irq=%d dma=%d width=%s\n' \
		"$base" $((base + 0x1f)) "$irq" "$dma" "$width"
}

# reported NAME: the guest's report of one boot, decoded and sorted
reported() {
	local line
	guest_console "$logs" "$1" | while read -r line; do
		case $line in
		subdma-node\ *) echo "node ${line#subdma-node }" ;;
		subdma-crs\ *) decode_crs "${line#subdma-crs }" ;;
		esac
	done | sort -u
}

# boot NAME [ADAPTER-SPEC...]: each spec is IOBASE,IRQ,DMA
boot() {
	local name=$1 spec io irq dma n=0 args=() want=()
	shift
	for spec in "$@"; do
		IFS=, read -r io irq dma <<<"$spec"
		args+=(-device "subdma-isa,id=sd$n,iobase=$io,irq=$irq,dma=$dma")
		args+=(-drive "if=none,id=d${n}a,file=$work/disk0.img,format=raw,file.locking=off")
		args+=(-device "scsi-hd,bus=sd$n.0,scsi-id=$((2 * n)),drive=d${n}a")
		args+=(-drive "if=none,id=d${n}b,file=$work/disk1.img,format=raw,file.locking=off")
		args+=(-device "scsi-hd,bus=sd$n.0,scsi-id=$((2 * n + 1)),drive=d${n}b")
		want+=("$(expected_lines "$io" "$irq" "$dma")")
		n=$((n + 1))
	done
	log "booting the guest: $name"
	SUBDMA_GUEST_TIMEOUT=300 guest_boot "$logs" "$name" "" "${args[@]}"
	if ! guest_console "$logs" "$name" | grep -q subdma-smoke-end; then
		check_fail "$name: guest boots and reports" \
			"$(tail -n 5 "$logs/$name.log" "$logs/$name.qemu")"
		return
	fi
	check_pass "$name: guest boots and reports"
	check_equal "$name: firmware nodes and resources" \
		"$(printf '%s\n' "${want[@]}" | sort -u)" "$(reported "$name")"
}

boot "8-bit channel" 0x340,5,1
boot "8-bit and 16-bit channels" 0x340,5,1 0x300,3,5

# refuse NAME PATTERN QEMU-ARGS...: QEMU must not start, and say why
refuse() {
	local name=$1 pattern=$2 out
	shift 2
	local status=0
	out=$(timeout 10 "${qemu_base[@]}" -S -serial none "$@" 2>&1) || status=$?
	if [ "$status" -eq 0 ] || [ "$status" -eq 124 ]; then
		check_fail "refuses $name" "QEMU started"
	elif grep -q -- "$pattern" <<<"$out"; then
		check_pass "refuses $name"
	else
		check_fail "refuses $name" "$out"
	fi
}

refuse "DMA channel 4 (cascade)" "DMA channel 4 is the cascade" \
	-device subdma-isa,dma=4
refuse "DMA channel 8" "DMA channel 8 does not exist" -device subdma-isa,dma=8
refuse "the floppy's DMA channel" "DMA channel 2 is already used by isa-fdc" \
	-device subdma-isa,dma=2
refuse "the parallel port's IRQ" "IRQ 7 is already used by isa-parallel" \
	-device subdma-isa,irq=7
refuse "the cascade IRQ 2" "IRQ 2 cannot be used" -device subdma-isa,irq=2
refuse "the floppy's I/O ports" "I/O port 0x3f1 is already used" \
	-device subdma-isa,iobase=0x3e0
refuse "an unaligned I/O base" "must be a multiple of 0x20" \
	-device subdma-isa,iobase=0x350
refuse "an ISA rate below a burst a second" "isa-rate 100 is below 512 bytes/s" \
	-device subdma-isa,isa-rate=100
refuse "two adapters on one channel" "DMA channel 1 is already used by subdma-isa" \
	-device subdma-isa -device subdma-isa,iobase=0x300,irq=3
refuse "two adapters on one IRQ" "IRQ 5 is already used by subdma-isa" \
	-device subdma-isa -device subdma-isa,iobase=0x300,dma=3
refuse "overlapping adapters" "I/O port 0x340 is already used by subdma" \
	-device subdma-isa -device subdma-isa,dma=3,irq=3
refuse "a target at the adapter's SCSI id" "SCSI id 7 is the adapter's own id" \
	-device subdma-isa,id=sd0 \
	-drive "if=none,id=d0,file=$work/disk0.img,format=raw,file.locking=off" \
	-device scsi-hd,bus=sd0.0,scsi-id=7,drive=d0
refuse "a SCSI device on a channel of its own" "has one channel" \
	-device subdma-isa,id=sd0 \
	-drive "if=none,id=d0,file=$work/disk0.img,format=raw,file.locking=off" \
	-device scsi-hd,bus=sd0.0,channel=1,scsi-id=0,drive=d0
refuse "a SCSI id beyond 7" "SCSI id 8 is not in 0-7" -device subdma-isa,scsi-id=8

check_summary
