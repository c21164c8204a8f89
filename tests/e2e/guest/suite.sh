#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The end-to-end suite, inside the guest: load the driver and drive real
# SCSI commands through the ISA DMA channel to QEMU's SCSI targets with
# sg3_utils, checking every byte.  The host runner reads the PASS and FAIL
# lines from the console.  Kernel command line:
#   e2e_io=0x340[,0x300]   I/O base of each adapter (the first is tested)
#   e2e_devices=N          SCSI devices the scan must find
#   e2e_iso=BLOCKS:MD5     the CD's ISO image, for a read-back check
#   e2e_full=1             also resets, file system, reload and faults
# shellcheck disable=SC2015 # "test && pass || fail": pass never fails
# shellcheck source=lib.sh
. /lib.sh

ios=$(cmdline e2e_io | tr ',' ' ')
io=$((${ios%% *}))
devices=$(cmdline e2e_devices)
iso=$(cmdline e2e_iso)
full=$(cmdline e2e_full)

node_of() {	# TYPE BLOCK-SIZE COLUMN: the first device of that kind
	lsscsi -g | while read -r _ type rest; do
		[ "$type" = "$1" ] || continue
		sg=$(echo "$rest" | awk '{ print $NF }')
		sd=$(echo "$rest" | awk '{ print $(NF - 1) }')
		bs=$(cat "/sys/class/scsi_generic/${sg#/dev/}/device/block/"*/queue/logical_block_size 2>/dev/null)
		if [ -z "$2" ] || [ "$bs" = "$2" ]; then
			[ "$3" = sd ] && echo "$sd" || echo "$sg"
			break
		fi
	done
}

# storm SG: device, bus and host resets through SG until /tmp/calm exists.
# An open SG holds the module and a bus or host reset keeps it open for
# its 10 s settle time, so each reset is followed by half a second with
# SG closed: rmmod (see rmmod_in_storm) always finds a gap to begin in.
storm() {
	while [ ! -e /tmp/calm ]; do
		for kind in -d -b -H; do
			sg_reset "$kind" "$1" >/dev/null 2>&1
			sleep 0.5
		done
	done
}

# rmmod_in_storm: rmmod subdma in a gap of the storm; the storm's next
# open races the removal. Gives up after 60 s, longer than a storm's round.
rmmod_in_storm() {
	deadline=$(($(date +%s) + 60))
	until rmmod subdma 2>/dev/null; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# trace_start: subdma's trace events on, into an empty buffer
trace_start() {
	tracing=/sys/kernel/tracing
	[ -d $tracing/events ] || mount -t tracefs nodev $tracing
	echo 0 >$tracing/tracing_on
	echo 4096 >$tracing/buffer_size_kb
	echo >$tracing/trace
	echo 1 >$tracing/events/subdma/enable
	echo 1 >$tracing/tracing_on
}

# trace_check: the trace since trace_start holds every step of every
# command in order, an abort of a window that never moved and a reset
# in the middle of one, every window inside its command's mapping, and
# no breach of the discipline
trace_check() {
	echo 0 >$tracing/tracing_on
	echo 0 >$tracing/events/subdma/enable
	report=$(awk -f /trace-check.awk $tracing/trace)
	counts=$(echo "$report" | tail -n 1)
	echo "$report" | grep '^breach' | head -n 5
	lost=$(grep -c 'LOST' $tracing/trace)
	maps=$(trace_count maps) windows=$(trace_count windows)
	flushes=$(trace_count flushes) unmaps=$(trace_count unmaps)
	completes=$(trace_count completes) breaches=$(trace_count breaches)
	unstarted=$(trace_count abort_unstarted)
	midwindow=$(trace_count reset_midwindow)
	checked=$(trace_count checked)
	echo "STAT trace_windows_checked $checked"
	echo "STAT trace_completed_twice $(trace_count twice)"
	[ "$breaches" = 0 ] && [ "$lost" = 0 ] && [ "$maps" -ge 40 ] &&
		[ "$windows" = "$flushes" ] && [ "$unmaps" = "$maps" ] &&
		[ "$completes" -gt 0 ] &&
		pass "the trace: every window flushed, every map undone before completion ($counts)" ||
		fail "the trace: $counts, $lost lost"
	[ "$breaches" = 0 ] && [ "$lost" = 0 ] && [ "$checked" = "$windows" ] &&
		[ "$windows" -gt 0 ] &&
		pass "the trace: each of $windows windows inside what its command mapped" ||
		fail "the trace: $checked of $windows windows inside what their command mapped"
	[ "$unstarted" -ge 1 ] && pass "the trace: an abort flushed a window that never started" ||
		fail "the trace: no abort of a window that never started"
	[ "$midwindow" -ge 1 ] && pass "the trace: a reset flushed a window cut halfway" ||
		fail "the trace: no reset in the middle of a window"
}

trace_count() {	# NAME: a count of the checker's last line
	echo "$counts" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# sleep_now MODE: mem sleeps in S3 until the RTC wakes the machine, and
# QEMU resets the devices on the wake.  QEMU wakes no guest in suspend to
# idle on an RTC alarm, so freeze goes through the kernel's pm_test at
# the devices level: every device suspended and resumed as for suspend
# to idle, only the idle loop between left out.
sleep_now() {
	if [ "$1" = mem ]; then
		rtcwake -m mem -s 3
	else
		rc=0
		echo devices >/sys/power/pm_test &&
			echo "$1" >/sys/power/state || rc=1
		echo none >/sys/power/pm_test
		return $rc
	fi
}

# sleep_and_wake NAME MODE SD SG HOST: sleep_now MODE while 4 MiB of
# writes run through the block layer; the writes and the I/O after the
# wake verify, and nothing timed out
sleep_and_wake() {
	sw_sd=$3 sw_sg=$4 sw_host=$5
	aborts0=$(host_stat "$sw_host" aborts)
	dd if=/dev/urandom of=/tmp/sw bs=512 count=8192 2>/dev/null
	sg_dd if=/tmp/sw of="$sw_sd" oflag=direct bs=512 bpt=128 seek=2000 \
		count=8192 >/dev/null 2>&1 &
	writer=$!
	sleep 1
	check "$1: asleep and awake again" sleep_now "$2"
	if wait $writer && sg_dd if="$sw_sd" iflag=direct of=/tmp/sr bs=512 \
		bpt=128 skip=2000 count=8192 >/dev/null 2>&1 &&
		cmp -s /tmp/sw /tmp/sr; then
		pass "$1: the writes in flight at the sleep are whole"
	else
		fail "$1: the writes in flight at the sleep are whole"
	fi
	roundtrip "$1: I/O after the wake" "$sw_sg" 512 2048 128 2000
	[ "$(host_stat "$sw_host" aborts)" = "$aborts0" ] &&
		pass "$1: no command timed out" ||
		fail "$1: $(($(host_stat "$sw_host" aborts) - aborts0)) commands timed out"
}

load_driver() {	# NAME
	check "$1: insmod subdma" insmod /lib/modules/subdma.ko
	wait_scan "$devices"
}

kmemleak_baseline

# --- bad module parameters, before the driver binds anything
refused "dma=4" "dma=4: channel 4 cascades" io=0x280 dma=4
refused "dma=8" "dma=8: no such channel" io=0x280 dma=8
refused "dma=-1" "dma=-1: no such channel" io=0x280 dma=-1
refused "irq=99" "irq=99: not an ISA interrupt" io=0x280 irq=99
refused "irq=0" "irq=0: not an ISA interrupt" io=0x280 irq=0
refused "io= without an adapter" "no subdma adapter answers at io=0x280" io=0x280
refused "an unaligned io=" "io=0x290: an adapter sits at a multiple" io=0x290
refused "io= given twice" "io=0x280 is given twice" io=0x280,0x280
refused "io= over the floppy's and COM1's ports" \
	"io=0x3e0: I/O ports 0x3e0-0x3ff are busy" io=0x3e0
refused "five io= entries" "io: can only take 4 arguments" \
	io=0x200,0x220,0x240,0x260,0x280
refused "irq= without io=" "irq= and dma= need an io= entry" irq=5
refused "io= of the adapter firmware describes" "are busy" io=$io
if [ "$full" = 1 ]; then
	# The PC's floppy driver holds channel 2 from its load on
	node=/sys/bus/platform/devices/SDM0001:00
	check "insmod floppy" insmod /lib/modules/floppy.ko
	check_output "the floppy driver holds DMA channel 2" "^ *2: floppy" \
		cat /proc/dma
	# the adapter as one firmware does not describe: found by io= alone
	echo none >"$node/driver_override"
	refused "dma=2, the floppy's channel" \
		"dma=2, but the adapter at $(printf 0x%x "$io") is set to channel" \
		io="$io" dma=2
	chan=$(sed -n 's/.*set to channel \([0-9]\).*/\1/p' /tmp/refused)
	check_output "the floppy keeps DMA channel 2" "^ *2: floppy" cat /proc/dma
	refused "irq= other than the jumpers" \
		"irq=7, but the adapter at $(printf 0x%x "$io") is set to IRQ" \
		io="$io" irq=7
	check "insmod io=$io: an adapter firmware does not describe" \
		insmod /lib/modules/subdma.ko io="$io"
	wait_scan "$devices"
	roundtrip "I/O through the io= adapter" "$(first_disk sg)" 512 256 128 0
	check "rmmod of the io= adapter" rmmod subdma
	echo >"$node/driver_override"
	# a channel held by another driver: the floppy driver told to use it
	check "rmmod floppy" rmmod floppy
	check "insmod floppy FLOPPY_DMA=$chan" insmod /lib/modules/floppy.ko \
		FLOPPY_DMA="$chan"
	dmesg -c >/dev/null
	check "insmod with the adapter's channel held" insmod /lib/modules/subdma.ko
	check_output "its probe says the channel is busy" \
		"DMA channel $chan is busy" dmesg
	[ -z "$(subdma_hosts)" ] && ! grep -q subdma /proc/ioports /proc/dma \
		/proc/interrupts && pass "the probe that failed left nothing" ||
		fail "the probe that failed left nothing"
	check_output "the floppy keeps DMA channel $chan" "^ *$chan: floppy" \
		cat /proc/dma
	check "rmmod subdma" rmmod subdma
	check "rmmod floppy" rmmod floppy
fi

# --- load and look
load_driver "load"
hosts=$(subdma_hosts | wc -l)
adapters=$(echo "$ios" | wc -w)
[ "$hosts" = "$adapters" ] && pass "one SCSI host per adapter ($hosts)" ||
	fail "one SCSI host per adapter: $hosts hosts, $adapters adapters"
found=$(lsscsi -g | wc -l)
[ "$found" = "$devices" ] && pass "lsscsi lists $devices devices" ||
	fail "lsscsi lists $devices devices: $(lsscsi -g | tr '\n' ' ')"

sg=$(node_of disk 512 sg)
sd=$(node_of disk 512 sd)
sg4k=$(node_of disk 4096 sg)
sgcd=$(node_of cd/dvd "" sg)
host=$(host_of "$sg")

check_output "sg_inq standard data" "Vendor identification: QEMU" sg_inq "$sg"
check_output "sg_inq VPD 0x00" "Supported VPD pages" sg_inq -p 0x00 "$sg"
check_output "sg_inq VPD 0x80" "Unit serial number" sg_inq -p 0x80 "$sg"
check_output "sg_inq VPD 0x83" "Designation descriptor" sg_inq -p 0x83 "$sg"
check_output "sg_readcap (10)" "Logical block length=512 bytes" sg_readcap "$sg"
check_output "sg_readcap (16)" "Logical block length=512 bytes" sg_readcap -l "$sg"
check "sg_turs" sg_turs "$sg"
check_output "sg_luns" "Report luns" sg_luns "$sg"
check_output "sg_modes" "Mode parameter header" sg_modes "$sg"
check "sg_requests" sg_requests "$sg"
check "sg_verify" sg_verify --count=64 --lba=0 "$sg"
check "sg_sync" sg_sync "$sg"

# --- data through the channel, every byte compared
roundtrip "one block" "$sg" 512 1 1 0
roundtrip "7 blocks (odd count)" "$sg" 512 7 7 3
roundtrip "127-block commands (odd size)" "$sg" 512 381 127 1
roundtrip "129-block commands across 64 KiB" "$sg" 512 387 129 127
roundtrip "257-block commands across 128 KiB" "$sg" 512 771 257 255
# the adapter counts the windows it ran and the interrupts it raised: a
# write's last window comes with its end (CTRL.HOLD_LAST), as a read's does
polling_off "$host"
irqs0=$(test_read "$io" "$SUBDMA_TEST_STAT_IRQS")
windows0=$(test_read "$io" "$SUBDMA_TEST_STAT_WINDOWS")
commands0=$(test_read "$io" "$SUBDMA_TEST_STAT_COMMANDS")
roundtrip "2 MiB in 64 KiB commands" "$sg" 512 4096 128 4096
irqs=$(($(test_read "$io" "$SUBDMA_TEST_STAT_IRQS") - irqs0))
windows=$(($(test_read "$io" "$SUBDMA_TEST_STAT_WINDOWS") - windows0))
commands=$(($(test_read "$io" "$SUBDMA_TEST_STAT_COMMANDS") - commands0))
# (sg_dd reads the capacity first: a command of one window, too)
[ "$commands" -ge 64 ] && [ "$windows" = "$commands" ] &&
	[ "$irqs" = "$windows" ] &&
	pass "one interrupt per window, writes as reads" ||
	fail "one interrupt per window, writes as reads: $commands commands, $windows windows, $irqs interrupts"
polling_on
roundtrip "4 MiB in 1 MiB commands" "$sg" 512 8192 2048 8192
roundtrip "1 MiB direct I/O (dio=1)" "$sg" 512 2048 128 20000 dio=1
roundtrip "2 MiB O_DIRECT through the block device" "$sd" 512 4096 256 24000 \
	direct

# inplace_run TRY NAME [scattered]: lowmem-io's check of 1 MiB in 64 KiB
# commands on $sd, the host's byte and window counts taken around it
# (direct, mapreg, windows); false when another device was sent a
# command meanwhile, or $sd one lowmem-io did not send (16 writes and
# 16 reads): the counts are then not the run's own
inplace_run() {
	ir_name=$2
	[ "$1" = 1 ] || ir_name="$ir_name (again)"
	ir_before=$(host_requests "$host")
	direct0=$(host_stat "$host" direct_bytes)
	mapreg0=$(host_stat "$host" mapreg_bytes)
	windows0=$(host_stat "$host" windows)
	check "$ir_name" lowmem-io check "$sd" $((30000 * 512)) 1048576 65536 ${3:+"$3"}
	direct=$(($(host_stat "$host" direct_bytes) - direct0))
	mapreg=$(($(host_stat "$host" mapreg_bytes) - mapreg0))
	windows=$(($(host_stat "$host" windows) - windows0))
	ir_moved=$(requests_moved "$ir_before" "$(host_requests "$host")" |
		tr '\n' ' ')
	[ "$ir_moved" = "$sd_id +32 " ] && return 0
	echo "NOTE the host's counts are not the run's own: commands sent $ir_moved(lowmem-io sent $sd_id 32)"
	[ "$1" = 3 ]
}

# --- in place: buffers the 8237 reaches where they lie, from the test
# helper's pages below 16 MiB, move without the map registers
if [ -e /lib/modules/subdma_lowmem.ko ]; then
	check "insmod subdma_lowmem (a test helper)" insmod /lib/modules/subdma_lowmem.ko
	# the counts are the host's: a command another device is sent
	# meanwhile (by the kernel or a daemon, never by the driver) spoils
	# them, and the run is taken again, at most three times
	sd_id=$(basename "$(readlink -f "/sys/block/${sd#/dev/}/device")")
	polling_off "$host"
	for try in 1 2 3; do
		inplace_run "$try" "in place: 1 MiB in 64 KiB commands from below 16 MiB, read back" &&
			break
	done
	[ "$direct" = 2097152 ] && [ "$mapreg" = 0 ] &&
		pass "in place: every byte moved where it lies" ||
		fail "in place: every byte moved where it lies: direct_bytes +$direct, mapreg_bytes +$mapreg"
	# pages no two of which are adjacent: a window each in place, one a
	# command through the map registers, which the driver picks
	for try in 1 2 3; do
		inplace_run "$try" "scattered pages below 16 MiB: 1 MiB in 64 KiB commands, read back" scattered &&
			break
	done
	[ "$mapreg" = 2097152 ] && [ "$direct" = 0 ] && [ "$windows" = 32 ] &&
		pass "scattered pages: through the map registers, one window a command" ||
		fail "scattered pages: through the map registers, one window a command: mapreg_bytes +$mapreg, direct_bytes +$direct, windows +$windows"
	polling_on
	check "rmmod subdma_lowmem" rmmod subdma_lowmem
elif grep -qw e2e_lowmem=required /proc/cmdline; then
	fail "in place: the test helper is in the image"
else
	echo "SKIP in place: no test helper built for this kernel"
fi
if [ -n "$sg4k" ]; then
	check_output "sg_readcap of the 4096-byte disk" \
		"Logical block length=4096 bytes" sg_readcap "$sg4k"
	roundtrip "4096-byte blocks: one" "$sg4k" 4096 1 1 0
	roundtrip "4096-byte blocks: 33 across 128 KiB" "$sg4k" 4096 99 33 31
	roundtrip "4096-byte blocks: 2 MiB" "$sg4k" 4096 512 64 512
else
	fail "a 4096-byte disk was found"
fi
if [ "$full" = 1 ]; then
	other_lun=$(lsscsi | awk '$1 ~ /:[1-7]\]$/ { print $1; exit }')
	[ -n "$other_lun" ] && pass "a LUN other than 0 is found ($other_lun)" ||
		fail "a LUN other than 0 is found"
fi
if [ -n "$iso" ] && [ -z "$sgcd" ]; then
	fail "a CD was found"
elif [ -n "$iso" ]; then
	check_output "sg_readcap of the CD" "Logical block length=2048 bytes" \
		sg_readcap "$sgcd"
	sg_dd if="$sgcd" of=/tmp/iso bs=2048 count="${iso%%:*}" >/dev/null 2>&1
	[ "$(md5sum </tmp/iso | cut -d' ' -f1)" = "${iso#*:}" ] &&
		pass "the CD reads back as its ISO image" ||
		fail "the CD reads back as its ISO image"
	rm -f /tmp/iso
fi

# --- residuals and errors
resid0=$(host_stat "$host" residual_bytes)
check_output "short read: 36 of 1024 bytes" "Received 36 bytes" \
	sg_raw -r 1024 "$sg" 12 00 00 00 24 00
resid1=$(host_stat "$host" residual_bytes)
[ $((resid1 - resid0)) -eq 988 ] && pass "its residual is 988 bytes" ||
	fail "its residual is 988 bytes: counted $((resid1 - resid0))"
sg_raw -r 36 -o /tmp/inq36 "$sg" 12 00 00 00 24 00 >/dev/null 2>&1
sg_raw -r 7 -o /tmp/inq7 "$sg" 12 00 00 00 07 00 >/dev/null 2>&1
head -c 7 /tmp/inq36 >/tmp/inq7want
cmp -s /tmp/inq7 /tmp/inq7want && [ "$(wc -c </tmp/inq7)" = 7 ] &&
	pass "an odd-length read (7 bytes) arrives whole" ||
	fail "an odd-length read (7 bytes) arrives whole"
# an odd count shorter than the buffer: on a 16-bit channel its last byte
# moves by hand, and lands where the transfer stands
sg_raw -r 37 -o /tmp/inq37 "$sg" 12 00 00 00 25 00 >/dev/null 2>&1
resid0=$(host_stat "$host" residual_bytes)
sg_raw -r 96 -o /tmp/inq37of96 "$sg" 12 00 00 00 25 00 >/dev/null 2>&1
resid1=$(host_stat "$host" residual_bytes)
cmp -s /tmp/inq37of96 /tmp/inq37 && [ "$(wc -c </tmp/inq37of96)" = 37 ] &&
	pass "an odd short read (37 bytes into 96) arrives whole" ||
	fail "an odd short read (37 bytes into 96) arrives whole: $(wc -c </tmp/inq37of96) bytes"
[ $((resid1 - resid0)) -eq 59 ] && pass "its residual is 59 bytes" ||
	fail "its residual is 59 bytes: counted $((resid1 - resid0))"
# segments the channel takes whole: 64 KiB on 8 bits, 128 KiB on 16
wide=$(($(port_read $((io + SUBDMA_REG_CONFIG))) & SUBDMA_CONFIG_WIDE))
want=65536
[ "$wide" = 0 ] || want=131072
check_output "segments of at most $want bytes" "^$want\$" \
	cat "/sys/block/${sd#/dev/}/queue/max_segment_size"
last=$(sg_readcap "$sg" | sed -n 's/.*Number of logical blocks=\([0-9]*\).*/\1/p')
lba=$(printf '%08x' "$last")
check_output "a read past the last block: ILLEGAL REQUEST" \
	"Illegal Request" sg_raw -r 512 "$sg" 28 00 \
	"$(echo "$lba" | cut -c1-2)" "$(echo "$lba" | cut -c3-4)" \
	"$(echo "$lba" | cut -c5-6)" "$(echo "$lba" | cut -c7-8)" 00 00 01 00

# --- malformed and hostile commands through SG_IO: a clear error each,
# no hang, and the next command works
# hostile NAME PATTERN SG_RAW-ARGUMENTS...
hostile() {
	name=$1 pattern=$2
	shift 2
	out=$(timeout 120 sg_raw "$@" 2>&1)
	rc=$?
	if [ $rc = 124 ] || [ $rc = 143 ]; then
		fail "rejects $name: it hung"
	elif [ $rc = 0 ]; then
		fail "rejects $name: it succeeded: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	elif ! echo "$out" | grep -qE -- "$pattern"; then
		fail "rejects $name: no '$pattern' in: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	elif ! sg_turs "$sg" >/dev/null 2>&1; then
		fail "rejects $name: the next command fails"
	else
		pass "rejects $name"
	fi
}
zero15="00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
dd if=/dev/zero of=/tmp/block bs=512 count=1 2>/dev/null
hostile "an unknown opcode" "Illegal Request" "$sg" c0 00 00 00 00 00
# shellcheck disable=SC2086 # fifteen bytes, one a word
hostile "an unknown 16-byte CDB" "Illegal Request" "$sg" d0 $zero15
# One SG_IO over the host's limit (max_sectors 2048, 1 MiB): 2 MiB, which
# sg still buffers, goes no further than the block layer's refusal.
# (sg_raw cannot ask it: it refuses more than 1 MiB itself.)
out=$(timeout 120 sg_dd if="$sg" of=/dev/null bs=512 bpt=4096 count=4096 2>&1)
rc=$?
if [ $rc = 124 ]; then
	fail "rejects 2 MiB in one command: it hung"
elif [ $rc = 0 ]; then
	fail "rejects 2 MiB in one command: it succeeded"
elif ! echo "$out" | grep -qxF "reading (SG_IO) on sg device, error: Invalid argument"; then
	fail "rejects 2 MiB in one command: not EINVAL: $(echo "$out" | head -n 2 | tr '\n' ' ')"
elif ! sg_turs "$sg" >/dev/null 2>&1; then
	fail "rejects 2 MiB in one command: the next command fails"
else
	pass "rejects 2 MiB in one command with EINVAL, over the host's 1 MiB"
fi
hostile "READ(10) with data going out" "DID_ERROR" -s 512 -i /tmp/block \
	"$sg" 28 00 00 00 00 00 00 00 01 00
hostile "WRITE(10) with data coming in" "DID_ERROR" -r 512 \
	"$sg" 2a 00 00 00 00 00 00 00 01 00
hostile "READ(10) of a block with no data buffer" "DID_ERROR" \
	"$sg" 28 00 00 00 00 00 00 00 01 00
hostile "SG_IO on the block device: READ(10) with data going out" \
	"DID_ERROR" -s 512 -i /tmp/block "$sd" 28 00 00 00 00 00 00 00 01 00
sg_raw -r 512 -o /tmp/r16 "$sg" 88 00 00 00 00 00 00 00 00 07 00 00 00 01 00 00 \
	>/dev/null 2>&1
sg_raw -r 512 -o /tmp/r10 "$sg" 28 00 00 00 00 07 00 00 01 00 >/dev/null 2>&1
[ -s /tmp/r16 ] && cmp -s /tmp/r16 /tmp/r10 &&
	pass "a 16-byte READ(16) reads what READ(10) reads" ||
	fail "a 16-byte READ(16) reads what READ(10) reads"
roundtrip "I/O after the hostile commands" "$sg" 512 256 128 50

if [ "$full" = 1 ]; then
	# --- resets, each followed by verified I/O
	check "sg_reset -d (device)" sg_reset -d "$sg"
	roundtrip "I/O after a device reset" "$sg" 512 256 128 100
	check "sg_reset -b (bus)" sg_reset -b "$sg"
	roundtrip "I/O after a bus reset" "$sg" 512 256 128 200
	check "sg_reset -H (host)" sg_reset -H "$sg"
	roundtrip "I/O after a host reset" "$sg" 512 256 128 300

	# --- a file system
	dd if=/dev/urandom of=/tmp/file1 bs=1024 count=3000 2>/dev/null
	dd if=/dev/urandom of=/tmp/file2 bs=1 count=12345 2>/dev/null
	check "mkfs.ext4" mkfs.ext4 -q -F "$sd"
	check "mount" mount -t ext4 "$sd" /mnt
	cp /tmp/file1 /tmp/file2 /mnt/ && sync
	check "umount" umount /mnt
	check "fsck -f is clean" e2fsck -f -n "$sd"
	mount -t ext4 -o ro "$sd" /mnt 2>/dev/null
	cmp -s /tmp/file1 /mnt/file1 && cmp -s /tmp/file2 /mnt/file2 &&
		pass "files read back after a remount" ||
		fail "files read back after a remount"
	umount /mnt 2>/dev/null

	# --- unload and load again
	# an open disk holds the module that drives it
	exec 3<"$sd"
	if rmmod subdma 2>/dev/null; then
		fail "rmmod is refused while a disk is open"
	else
		pass "rmmod is refused while a disk is open"
	fi
	exec 3<&-
	check "rmmod subdma" rmmod subdma
	[ -z "$(subdma_hosts)" ] && ! grep -q subdma /proc/ioports /proc/dma &&
		pass "nothing left after rmmod" || fail "nothing left after rmmod"
	load_driver "reload"
	sg=$(node_of disk 512 sg)
	sd=$(node_of disk 512 sd)
	host=$(host_of "$sg")
	roundtrip "I/O after reloading" "$sg" 512 2048 128 400

	# --- resets through sg racing an unbind, then rmmod: once remove
	# has begun no error handler touches the adapter, and it comes back
	adapter_dev=$(basename "$(dirname "$(readlink -f \
		"/sys/class/scsi_host/$host/device")")")
	rm -f /tmp/calm
	storm "$sg" &
	storm_pid=$!
	sleep 2
	check "unbind while resets come through sg" \
		sh -c "echo $adapter_dev >/sys/bus/platform/drivers/subdma/unbind"
	touch /tmp/calm
	wait $storm_pid
	[ -z "$(subdma_hosts)" ] && ! grep -q subdma /proc/dma /proc/interrupts &&
		pass "the unbind left nothing" || fail "the unbind left nothing"
	check "bind again" \
		sh -c "echo $adapter_dev >/sys/bus/platform/drivers/subdma/bind"
	wait_scan "$devices"
	sg=$(node_of disk 512 sg)
	rm -f /tmp/calm
	storm "$sg" &
	storm_pid=$!
	sleep 2
	rmmod_in_storm || :
	touch /tmp/calm
	wait $storm_pid
	[ -z "$(subdma_hosts)" ] && pass "rmmod while resets come through sg" ||
		fail "rmmod while resets come through sg: still loaded"
	load_driver "after the reset storms"
	sg=$(node_of disk 512 sg)
	sd=$(node_of disk 512 sd)
	host=$(host_of "$sg")
	roundtrip "I/O after the reset storms" "$sg" 512 2048 128 450

	# --- faults of the adapter; sd retries what the midlayer recovers.
	# A fault strikes the adapter's next command, whichever: no poll
	polling_off "$host"
	echo 3 >"/sys/block/${sd#/dev/}/device/timeout"
	faults0=$(test_read "$io" "$SUBDMA_TEST_STAT_FAULTS")
	aborts0=$(host_stat "$host" aborts)
	fault "$io" "$SUBDMA_FAULT_STALL" "$SUBDMA_AT_FIRST_WINDOW" 0 1
	roundtrip "a stalled window is aborted, then retried" "$sd" 512 256 128 500 \
		direct
	aborts1=$(host_stat "$host" aborts)
	[ "$aborts1" -gt "$aborts0" ] && pass "the stall was aborted" ||
		fail "the stall was aborted"
	# a read's last window ends with its status: the fault loses both
	dd if=/dev/urandom of=/tmp/w bs=512 count=256 2>/dev/null
	sg_dd if=/tmp/w of="$sd" oflag=direct bs=512 bpt=128 seek=600 count=256 \
		>/dev/null 2>&1
	fault "$io" "$SUBDMA_FAULT_LOST_IRQ" "$SUBDMA_AT_STATUS" 0 1
	if sg_dd if="$sd" iflag=direct of=/tmp/r bs=512 bpt=128 skip=600 \
		count=256 >/dev/null 2>&1 && cmp -s /tmp/w /tmp/r; then
		pass "a lost interrupt is recovered"
	else
		fail "a lost interrupt is recovered"
	fi
	# the timeout serves the adapter: the command ends with its status
	[ "$(host_stat "$host" aborts)" = "$aborts1" ] &&
		pass "the lost interrupt is served at the timeout, with no abort" ||
		fail "the lost interrupt is served at the timeout, with no abort"
	# an edge with no cause merges with a real one when they come close
	# together, so only the data is checked here; KUnit checks the count
	fault "$io" "$SUBDMA_FAULT_SPURIOUS_IRQ" "$SUBDMA_AT_FIRST_WINDOW" 0 1
	roundtrip "I/O with a spurious interrupt" "$sg" 512 256 128 700
	fault "$io" "$SUBDMA_FAULT_SEL_TIMEOUT" "$SUBDMA_AT_SUBMIT" 0 1
	check_output "a selection timeout: no connect" "NO_CONNECT" sg_turs "$sg"
	check "the next command after a selection timeout" sg_turs "$sg"
	fault "$io" "$SUBDMA_FAULT_BUS_RESET" "$SUBDMA_AT_FIRST_WINDOW" 0 1
	roundtrip "a bus reset in a window, retried" "$sd" 512 256 128 800 \
		direct
	fault "$io" "$SUBDMA_FAULT_CHECK" "$SUBDMA_AT_SUBMIT" $(((3 << 16) | (0x11 << 8))) 1
	check_output "CHECK CONDITION with the given sense" \
		"Unrecovered read error" sg_turs -v "$sg"
	check "the next command after CHECK CONDITION" sg_turs "$sg"
	faults1=$(test_read "$io" "$SUBDMA_TEST_STAT_FAULTS")
	[ $((faults1 - faults0)) -eq 6 ] && pass "the adapter struck 6 faults" ||
		fail "the adapter struck 6 faults: $((faults1 - faults0))"
	# a flood of faults: each is told, at a rate a console keeps up with
	told0=$(dmesg | grep -c "command 0x00 failed")
	fault "$io" "$SUBDMA_FAULT_BUS_RESET" "$SUBDMA_AT_SUBMIT" 0 40
	sg_turs -n 40 "$sg" >/dev/null 2>&1
	faults2=$(test_read "$io" "$SUBDMA_TEST_STAT_FAULTS")
	told=$(($(dmesg | grep -c "command 0x00 failed") - told0))
	[ $((faults2 - faults1)) -eq 40 ] && [ "$told" -ge 1 ] &&
		[ "$told" -le 20 ] &&
		pass "40 faults in a row: their messages are rate-limited" ||
		fail "40 faults in a row: $told messages for $((faults2 - faults1)) faults"
	roundtrip "I/O after the faults" "$sg" 512 2048 128 900

	# --- the discipline from the trace alone, on this kernel
	trace_start
	roundtrip "traced: I/O through sg" "$sg" 512 1024 128 1000
	roundtrip "traced: I/O through the block layer" "$sd" 512 1024 128 1100 \
		direct
	# the channel never moves a byte of the first window: abort, retry
	fault "$io" "$SUBDMA_FAULT_STALL" "$SUBDMA_AT_SUBMIT" 0 1
	roundtrip "traced: an abort before the window started" "$sd" 512 256 \
		128 1200 direct
	# the window stops halfway; a reset comes before the timeout
	echo 60 >"/sys/block/${sd#/dev/}/device/timeout"
	dd if=/dev/urandom of=/tmp/w bs=512 count=256 2>/dev/null
	faults3=$(test_read "$io" "$SUBDMA_TEST_STAT_FAULTS")
	fault "$io" "$SUBDMA_FAULT_STALL" "$SUBDMA_AT_FIRST_WINDOW" 0 1
	sg_dd if=/tmp/w of="$sd" oflag=direct bs=512 bpt=128 seek=1300 \
		count=256 >/dev/null 2>&1 &
	writer=$!
	tries=0
	while [ "$(test_read "$io" "$SUBDMA_TEST_STAT_FAULTS")" = "$faults3" ] &&
		[ $tries -lt 200 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	check "traced: sg_reset -d mid-window" sg_reset -d "$sg"
	wait $writer
	if sg_dd if="$sd" iflag=direct of=/tmp/r bs=512 bpt=128 skip=1300 \
		count=256 >/dev/null 2>&1 && cmp -s /tmp/w /tmp/r; then
		pass "traced: the write cut by the reset was retried whole"
	else
		fail "traced: the write cut by the reset was retried whole"
	fi
	echo 30 >"/sys/block/${sd#/dev/}/device/timeout"
	trace_check
	polling_on

	# --- the system sleeps with a command in flight, and wakes up
	if grep -qw mem /sys/power/state 2>/dev/null; then
		sleep_and_wake "suspend to RAM" mem "$sd" "$sg" "$host"
		sleep_and_wake "suspend to idle" freeze "$sd" "$sg" "$host"
	elif grep -qw e2e_sleep=required /proc/cmdline; then
		fail "suspend and resume: this kernel cannot sleep"
	else
		echo "SKIP suspend and resume: this kernel has no CONFIG_SUSPEND"
	fi
fi

# --- watchdogs
watchdogs "$ios"
echo "subdma-suite-end $passed $failed"
