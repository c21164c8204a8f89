#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job on the default machine: load the driver, show what it
# found, and move real data through the ISA DMA channel and back.
set -e
say() { printf '\n### %s\n' "$*"; }
# busybox runs its own applet of that name before PATH
lsscsi() { /usr/bin/lsscsi "$@"; }

say "loading the driver"
insmod /lib/modules/subdma_core.ko
insmod /lib/modules/subdma.ko
# the midlayer scans asynchronously; wait for the disks' sg nodes
tries=0
while [ ! -e /sys/class/scsi_generic/sg0 ] && [ $tries -lt 50 ]; do
	sleep 0.2
	tries=$((tries + 1))
done
sleep 0.5
dmesg | grep -i subdma | tail -n 5

say "lsscsi -g"
lsscsi -g

disk=$(lsscsi -g | awk '$2 == "disk" { print $NF; exit }')
[ -n "$disk" ] || { echo "no disk found"; exit 1; }
say "sg_inq $disk"
sg_inq "$disk"
say "sg_readcap $disk"
sg_readcap "$disk"

say "write 4 MiB of data through $disk and read it back"
dd if=/dev/urandom of=/tmp/out bs=1M count=4 2>/dev/null
sg_dd if=/tmp/out of="$disk" bs=512 bpt=128 count=8192
sg_dd if="$disk" of=/tmp/in bs=512 bpt=128 count=8192
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
