#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job on the default machine: load the driver, show what it
# found, and move real data through the ISA DMA channel and back.
# shellcheck source=lib.sh
. /lib.sh
say() { printf '\n### %s\n' "$*"; }

say "loading the driver"
insmod /lib/modules/subdma.ko || exit 1
wait_scan 1
dmesg | grep -i subdma | tail -n 5

say "lsscsi -g"
lsscsi -g

disk=$(first_disk sg)
[ -n "$disk" ] || { echo "no disk found"; exit 1; }
say "sg_inq $disk"
sg_inq "$disk" || exit 1
say "sg_readcap $disk"
sg_readcap "$disk" || exit 1

say "write 4 MiB of data through $disk and read it back"
dd if=/dev/urandom of=/tmp/out bs=1M count=4 2>/dev/null
sg_dd if=/tmp/out of="$disk" bs=512 bpt=128 count=8192 || exit 1
sg_dd if="$disk" of=/tmp/in bs=512 bpt=128 count=8192 || exit 1
if cmp /tmp/out /tmp/in; then
	echo "data read back matches what was written"
else
	echo "DATA MISMATCH"
	exit 1
fi
say "adapter counters (/sys/class/scsi_host/host*/)"
for h in /sys/class/scsi_host/host*; do
	[ "$(cat "$h/proc_name")" = subdma ] || continue
	echo "$h: commands $(cat "$h/commands") windows $(cat "$h/windows") mapreg_bytes $(cat "$h/mapreg_bytes") direct_bytes $(cat "$h/direct_bytes")"
done
