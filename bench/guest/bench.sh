#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The benchmark, inside the guest: sequential sg_dd reads and writes
# through /dev/sgN and through the block device (O_DIRECT), one line per
# workload with the bytes, the seconds sg_dd measured and, for subdma,
# its counters.  With the test helper in the image, the same through the
# block device from buffers below 16 MiB (lowmem-io), which subdma moves
# in place.  Kernel command line:
#   bench_subdma=1       load the subdma driver first
#   bench_mib=N          MiB per workload
#   bench_sizes=A,B,...  bytes per command
#   bench_insn=N         only N 64 KiB reads through sg, for counting
# shellcheck source=../../tests/e2e/guest/lib.sh
. /lib.sh

if [ "$(cmdline bench_subdma)" = 1 ]; then
	insmod /lib/modules/subdma.ko
fi
wait_scan 1
sg=$(first_disk sg)
sd=$(first_disk sd)
host=$(host_of "$sg")

counter() {	# NAME: a subdma counter, 0 for another driver
	cat "/sys/class/scsi_host/$host/$1" 2>/dev/null || echo 0
}

irqs() {	# interrupts of the host's driver or device, on every CPU
	name=$(cat "/sys/class/scsi_host/$host/proc_name")
	dev=$(basename "$(readlink -f "/sys/class/scsi_host/$host/device/..")")
	awk -v n="$name|$dev" '$0 ~ n { s = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; t += s } END { print t + 0 }' /proc/interrupts
}

begin() {	# the counters before a workload
	c0=$(counter commands) w0=$(counter windows)
	m0=$(counter mapreg_bytes) i0=$(irqs)
}

report() {	# WORKLOAD SECONDS: its line, with what the counters moved
	echo "BENCH $1 $2 $(($(counter commands) - c0))" \
		"$(($(counter windows) - w0)) $(($(counter mapreg_bytes) - m0))" \
		"$(($(irqs) - i0))"
}

insn=$(cmdline bench_insn)
if [ -n "$insn" ]; then
	sg_dd if="$sg" of=/dev/null bs=512 bpt=128 count=$((insn * 128)) >/dev/null 2>&1
	echo "BENCH-INSN-DONE"
	exit 0
fi

mib=$(cmdline bench_mib)
sizes=$(cmdline bench_sizes | tr ',' ' ')
count=$((mib * 2048))
for path in sg blk; do
	for op in read write; do
		for size in $sizes; do
			bpt=$((size / 512))
			case $path/$op in
			sg/read) set -- if="$sg" of=/dev/null ;;
			sg/write) set -- if=/dev/zero of="$sg" ;;
			blk/read) set -- if="$sd" iflag=direct of=/dev/null ;;
			blk/write) set -- if=/dev/zero of="$sd" oflag=direct ;;
			esac
			begin
			# a failed transfer reports no time, and counts as such
			secs=0
			if out=$(sg_dd "$@" bs=512 bpt="$bpt" count="$count" time=1 2>&1); then
				secs=$(echo "$out" | sed -n 's/.*transfer data: \([0-9.]*\) secs.*/\1/p')
			fi
			report "$path $op $size $((count * 512))" "${secs:-0}"
		done
	done
done

# below 16 MiB: 4 MiB a run at most (the DMA zone is small), as many runs
# as make the workload; every read checks the data the write left
if [ -e /lib/modules/subdma_lowmem.ko ]; then
	insmod /lib/modules/subdma_lowmem.ko
	low=$((mib < 4 ? mib : 4))
	for op in write read; do
		for size in $sizes; do
			begin
			secs=0 run=0
			while [ "$run" -lt $((mib / low)) ]; do
				if ! out=$(lowmem-io "$op" "$sd" 0 $((low * 1048576)) "$size"); then
					secs=0
					break
				fi
				secs=$(echo "$out" | awk -v s="$secs" '{ print s + $(NF - 1) }')
				run=$((run + 1))
			done
			report "low $op $size $((mib * 1048576))" "$secs"
		done
	done
fi
echo "BENCH-DONE"
