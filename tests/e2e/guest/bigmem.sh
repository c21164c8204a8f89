#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The end-to-end guest with more than 4 GiB of memory, where the kernel
# bounces DMA through swiotlb and caps what it would bounce; the driver
# never asks it to.  Each disk, one on each adapter, takes 1 MiB commands
# through sg and large writes through the block layer, every byte
# compared.  Kernel command line:
#   e2e_io=0x340,0x300   I/O base of each adapter
#   e2e_devices=N        disks the scan must find
# shellcheck disable=SC2015 # "test && pass || fail": pass never fails
# shellcheck source=lib.sh
. /lib.sh

ios=$(cmdline e2e_io | tr ',' ' ')
devices=$(cmdline e2e_devices)

mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
[ "$mib" -gt 4096 ] && pass "the guest has more than 4 GiB ($mib MiB)" ||
	fail "the guest has more than 4 GiB: $mib MiB"
kmemleak_baseline
check "insmod subdma" insmod /lib/modules/subdma.ko
wait_scan "$devices"
lsscsi -g | awk '$2 == "disk" { print $(NF - 1), $NF }' >/tmp/disks
[ "$(wc -l </tmp/disks)" = "$devices" ] && pass "the scan finds $devices disks" ||
	fail "the scan finds $devices disks: $(lsscsi -g | tr '\n' ' ')"
while read -r sd sg; do
	check_output "$sd: commands of 1 MiB" "^1024\$" \
		cat "/sys/block/${sd#/dev/}/queue/max_hw_sectors_kb"
	roundtrip "$sg: 4 MiB in 1 MiB commands through sg" "$sg" 512 8192 \
		2048 0
	roundtrip "$sd: 4 MiB in 1 MiB writes through the block layer" "$sd" \
		512 8192 2048 16384 direct
done </tmp/disks
check "rmmod subdma" rmmod subdma
watchdogs "$ios"
echo "subdma-suite-end $passed $failed"
