#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the guest-side suite: one line per check, and the adapter's
# factory test interface through /dev/port (see subdma-adapter.rst).
# shellcheck disable=SC2034 # the constants are for the scripts that source this
# shellcheck disable=SC2015 # "test && pass || fail": pass never fails

# SUBDMA_* constants, generated from subdma_regs.h when the image is built
# shellcheck source=/dev/null
. /regs.sh

# busybox runs its own applet of that name before PATH
lsscsi() { /usr/bin/lsscsi "$@"; }

# counted from 0, or on from a script that runs this one (udev.sh)
passed=${passed:-0} failed=${failed:-0}
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# check NAME COMMAND...: the command's success is the check
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# check_output NAME PATTERN COMMAND...: the output must match PATTERN
check_output() {
	name=$1 pattern=$2
	shift 2
	out=$("$@" 2>&1)
	if echo "$out" | grep -qE -- "$pattern"; then
		pass "$name"
	else
		fail "$name: no '$pattern' in: $(echo "$out" | tail -n 4 | tr '\n' ' ')"
	fi
}

# cmdline KEY: the value of KEY=... on the kernel command line
cmdline() {
	read -r line </proc/cmdline
	for arg in $line; do
		case $arg in
		"$1"=*) echo "${arg#*=}" ;;
		esac
	done
}

# Every process is slow on the debug kernel: each byte value written to a
# port comes from a file made once, and a test register is read in one
# pipeline.
port_write() {	# PORT BYTE
	# shellcheck disable=SC2059 # the format is the byte, as an octal escape
	[ -e "/tmp/byte.$2" ] || printf "\\$(printf '%03o' "$2")" >"/tmp/byte.$2"
	dd if="/tmp/byte.$2" of=/dev/port bs=1 seek="$1" 2>/dev/null
}

port_read() {	# PORT: the byte at an I/O port
	dd if=/dev/port bs=1 skip="$1" count=1 2>/dev/null | od -An -tu1 |
		tr -d ' '
}

# The test registers (32 bits, moved a byte at a time through TEST_DATA)
test_read() {	# IOBASE INDEX
	port_write $(($1 + SUBDMA_REG_TEST_SEL)) "$2"
	v=$(for i in 0 1 2 3; do
		dd if=/dev/port bs=1 skip=$(($1 + SUBDMA_REG_TEST_DATA)) count=1 2>/dev/null
	done | od -An -tu4)
	echo $((v))
}

test_write() {	# IOBASE INDEX VALUE
	port_write $(($1 + SUBDMA_REG_TEST_SEL)) "$2"
	for i in 0 1 2 3; do
		port_write $(($1 + SUBDMA_REG_TEST_DATA)) $((($3 >> (8 * i)) & 255))
	done
}

# fault IOBASE KIND WHERE ARG COUNT: the next COUNT commands are struck
fault() {
	test_write "$1" "$SUBDMA_TEST_FAULT_KIND" "$2"
	test_write "$1" "$SUBDMA_TEST_FAULT_WHERE" "$3"
	test_write "$1" "$SUBDMA_TEST_FAULT_ARG" "$4"
	test_write "$1" "$SUBDMA_TEST_FAULT_COUNT" "$5"
}

# subdma_hosts: the SCSI hosts of the driver
subdma_hosts() {
	for h in /sys/class/scsi_host/host*; do
		[ -e "$h/proc_name" ] && [ "$(cat "$h/proc_name")" = subdma ] &&
			echo "${h##*/}"
	done
}

# refused NAME MESSAGE PARAMS...: insmod fails, says why (its messages
# are kept in /tmp/refused), leaves nothing
refused() {
	name=$1 message=$2
	shift 2
	dmesg -c >/dev/null
	if insmod /lib/modules/subdma.ko "$@" 2>/dev/null; then
		fail "refuses $name: insmod succeeded"
		rmmod subdma
	elif ! dmesg >/tmp/refused || ! grep -q -- "$message" /tmp/refused; then
		fail "refuses $name: no '$message' in: $(tail -n 2 /tmp/refused | tr '\n' ' ')"
	elif grep -q subdma /proc/ioports /proc/dma /proc/interrupts ||
		[ -n "$(subdma_hosts)" ]; then
		fail "refuses $name: resources left behind"
	else
		pass "refuses $name"
	fi
}

# kmemleak_scan: report what survived two scans (an object must be five
# seconds old to count)
kmemleak_scan() {
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
}

# kmemleak_baseline: on the debug kernel, forget what leaked before the test
kmemleak_baseline() {
	[ "$(cmdline e2e_debug)" = 1 ] || return 0
	kmemleak_scan
	echo clear >/sys/kernel/debug/kmemleak
}

# watchdogs IOBASES: what the kernel's checkers (on the debug kernel: the
# DMA API checker, and kmemleak after unloading the driver), the adapters'
# counters and the kernel log say; a check each
watchdogs() {
	if [ "$(cmdline e2e_debug)" = 1 ]; then
		errors=$(cat /sys/kernel/debug/dma-api/error_count 2>/dev/null || echo missing)
		echo "STAT dma_api_errors $errors"
		[ "$errors" = 0 ] && pass "the DMA API checker counted no error" ||
			fail "the DMA API checker counted no error: $errors"
		rmmod subdma 2>/dev/null
		# the module's code is gone: every object leaked since the
		# baseline counts, whoever allocated it
		kmemleak_scan
		leaks=$(grep -c 'unreferenced object' /sys/kernel/debug/kmemleak)
		echo "STAT kmemleak_leaks $leaks"
		[ "$leaks" = 0 ] && pass "kmemleak finds no leak after rmmod" ||
			fail "kmemleak finds no leak after rmmod: $leaks, $(grep -m 1 -A 12 backtrace /sys/kernel/debug/kmemleak | tr '\n' ' ')"
	fi
	for base in $1; do
		wrapped=$(test_read $((base)) "$SUBDMA_TEST_STAT_WRAPPED")
		unarmed=$(test_read $((base)) "$SUBDMA_TEST_STAT_UNARMED_DREQ")
		[ "$wrapped" = 0 ] && pass "adapter $base: no window wrapped" ||
			fail "adapter $base: $wrapped windows wrapped"
		[ "$unarmed" = 0 ] && pass "adapter $base: no DMA cycle without a window" ||
			fail "adapter $base: $unarmed DMA cycles without a window"
	done
	# the host's patterns: the checkers' own banners at boot are no reports
	reports=$(dmesg | grep -E -f /kernel-reports)
	[ -z "$reports" ] && pass "the kernel log has no warning or oops" ||
		fail "the kernel log has no warning or oops: $(echo "$reports" | head -n 3 | tr '\n' ' ')"
}

# wait_scan COUNT: until the midlayer's asynchronous scan attached COUNT
# sg nodes, or ten seconds passed
wait_scan() {
	tries=0
	while [ "$(find /sys/class/scsi_generic -name 'sg*' 2>/dev/null | wc -l)" -lt "$1" ] &&
		[ $tries -lt 100 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	sleep 0.3
}

# first_disk sg|sd: the node of the first disk
first_disk() {
	lsscsi -g | awk -v col="$1" '$2 == "disk" { print (col == "sg") ? $NF : $(NF - 1); exit }'
}

# host_of SG-NODE: the SCSI host (hostN) behind an sg node
host_of() {
	basename "$(readlink -f "/sys/class/scsi_generic/${1#/dev/}/device/../..")"
}

# host_stat HOST NAME: a counter of the driver's SCSI host
host_stat() {
	read -r v <"/sys/class/scsi_host/$1/$2"
	echo "$v"
}

# trace_record: subdma's trace events on, into an empty buffer of 24 MiB
# (some 20000 fuzzed commands); trace_verdict reads it back once tracing
# is off.  Read as it fills, through trace_pipe, the trace loses events
# under load with no LOST marker and no overrun counted: a stage records
# in batches that fit instead.
trace_record() {
	tracing=/sys/kernel/tracing
	[ -d "$tracing"/events ] || mount -t tracefs nodev "$tracing"
	echo 0 >"$tracing"/tracing_on
	echo 24576 >"$tracing"/buffer_size_kb
	echo >"$tracing"/trace
	echo 1 >"$tracing"/events/subdma/enable
	echo 1 >"$tracing"/tracing_on
}

# trace_verdict NAME: the trace since trace_record checked: every window
# inside what its command mapped, no command completed twice, no breach,
# no event lost (the buffers' overrun and dropped counts); STAT lines of
# the windows checked and the completions twice
trace_verdict() {
	echo 0 >"$tracing"/tracing_on
	echo 0 >"$tracing"/events/subdma/enable
	tv_lost=$(cat "$tracing"/per_cpu/cpu*/stats | awk '
		$1 == "overrun:" || ($1 == "dropped" && $2 == "events:") { n += $NF }
		END { print n + 0 }')
	awk -f /trace-check.awk "$tracing"/trace >/tmp/trace.report
	echo >"$tracing"/trace
	tv_counts=$(tail -n 1 /tmp/trace.report)
	grep '^breach' /tmp/trace.report | head -n 5
	tv_windows=$(echo "$tv_counts" | tr ' ' '\n' | sed -n 's/^windows=//p')
	tv_checked=$(echo "$tv_counts" | tr ' ' '\n' | sed -n 's/^checked=//p')
	tv_twice=$(echo "$tv_counts" | tr ' ' '\n' | sed -n 's/^twice=//p')
	tv_breaches=$(echo "$tv_counts" | tr ' ' '\n' | sed -n 's/^breaches=//p')
	tv_lost=$((tv_lost + $(echo "$tv_counts" | tr ' ' '\n' | sed -n 's/^lost=//p')))
	echo "STAT trace_windows_checked ${tv_checked:-0}"
	echo "STAT trace_completed_twice ${tv_twice:-0}"
	[ "$tv_breaches" = 0 ] && [ "$tv_lost" = 0 ] && [ "$tv_windows" -gt 0 ] &&
		[ "$tv_checked" = "$tv_windows" ] &&
		pass "$1: the trace: each of $tv_windows windows inside what its command mapped ($tv_counts)" ||
		fail "$1: the trace: $tv_counts, $tv_lost lost events"
	rm -f /tmp/trace.report
}

# host_requests HOST: a line "H:C:T:L COUNT" for each device of the host,
# COUNT the commands the midlayer has given the driver for it
host_requests() {
	for hr_f in /sys/class/scsi_host/"$1"/device/target*/*/iorequest_cnt; do
		read -r hr_n <"$hr_f"
		hr_f=${hr_f%/iorequest_cnt}
		echo "${hr_f##*/} $((hr_n))"
	done
}

# requests_moved BEFORE AFTER: "H:C:T:L +N" for each device whose count
# moved between two lines of host_requests
requests_moved() {
	{ echo "$1"; echo --; echo "$2"; } | awk '
		$0 == "--" { after = 1; next }
		!after { n[$1] = $2; next }
		$2 != n[$1] { print $1 " +" $2 - n[$1] }'
}

# polled_disks HOST: the host's block devices whose medium the block layer
# polls (a CD's: the disk reports events)
polled_disks() {
	for f in /sys/class/scsi_host/"$1"/device/target*/*/block/*/events; do
		[ -n "$(cat "$f" 2>/dev/null)" ] || continue
		f=${f%/events}
		echo "${f##*/}"
	done
}

# polling_off HOST: the block layer polls a CD for its medium on its own,
# every 2 s once udev set events_dfl_poll_msecs: a command on the adapter
# that no check issued.  Checks that count the adapter's commands, or aim
# a fault at its next one, hold the polling off.  The open, held until
# polling_on, waits for a poll under way and makes the check the write
# queued itself; the close queues one more, after the count.
polling_off() {
	held=$(polled_disks "$1")
	fd=5
	for disk in $held; do
		echo 0 >"/sys/block/$disk/events_poll_msecs"
		eval "command exec $fd<\"/dev/$disk\"" ||
			fail "polling_off: /dev/$disk does not open"
		fd=$((fd + 1))
	done
}

# polling_on: the disks polling_off held let go, their polling back at
# the default
polling_on() {
	fd=5
	for disk in $held; do
		eval "exec $fd<&-"
		echo -1 >"/sys/block/$disk/events_poll_msecs"
		fd=$((fd + 1))
	done
	held=
}

# pattern FILE KIB SEED: reproducible data, different for each seed
pattern() {
	dd if=/dev/urandom of="$1" bs=1024 count="$2" 2>/dev/null
	printf 'seed %s\n' "$3" | dd of="$1" conv=notrunc 2>/dev/null
}

# roundtrip NAME DEV BS BLOCKS BPT SEEK [OPTIONS]: write, read, compare;
# OPTIONS go to both sg_dd runs, with "direct" meaning O_DIRECT on DEV
# shellcheck disable=SC2086 # the options are words
roundtrip() {
	name=$1 dev=$2 bs=$3 blocks=$4 bpt=$5 seek=$6 wopts='' ropts=''
	shift 6
	for opt in "$@"; do
		case $opt in
		direct) wopts="$wopts oflag=direct" ropts="$ropts iflag=direct" ;;
		*) wopts="$wopts $opt" ropts="$ropts $opt" ;;
		esac
	done
	dd if=/dev/urandom of=/tmp/w bs="$bs" count="$blocks" 2>/dev/null
	rm -f /tmp/r
	if ! out=$(sg_dd if=/tmp/w of="$dev" conv=nocreat bs="$bs" bpt="$bpt" seek="$seek" \
			count="$blocks" $wopts 2>&1); then
		fail "$name: write: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	elif ! out=$(sg_dd if="$dev" of=/tmp/r bs="$bs" bpt="$bpt" skip="$seek" \
			count="$blocks" $ropts 2>&1); then
		fail "$name: read: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	elif ! cmp -s /tmp/w /tmp/r; then
		fail "$name: data read back differs"
	else
		pass "$name"
	fi
}
