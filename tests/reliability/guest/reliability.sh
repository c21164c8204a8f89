#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The reliability campaign, inside the guest (e2e=reliability): two
# adapters, an 8-bit and a 16-bit one, with two disks each.
#   1. every fault of the adapter model at every place, on both channels
#   2. the kernel's own fault injection during probe and during I/O
#   3. verified I/O on the four disks with resets, then with the driver
#      unloaded and loaded again under the I/O
# Kernel command line:
#   rel_io=0x340,0x300   the adapters, 8-bit first
#   rel_stress=SECONDS   how long the I/O runs with resets
#   rel_reloads=N        rmmod/insmod cycles under I/O
#   rel_writes=1         the fault matrix also strikes writes
#   rel_kinds=1,2,...    the fault kinds of the matrix (default: all)
#   rel_probe_step=N     fail every Nth allocation of a bind (default 1)
#   rel_fuzz=N           4. N commands of the fuzzer per adapter (fuzz.sh)
#   rel_only=fuzz        the fuzzer alone, then the watchdogs
# Besides PASS and FAIL lines it prints "STAT NAME VALUE" lines for the
# report.
# shellcheck disable=SC2015 # "test && pass || fail": pass never fails
# shellcheck disable=SC3043 # the guest's busybox ash has local
# shellcheck source=../../e2e/guest/lib.sh
. /lib.sh

ios=$(cmdline rel_io | tr ',' ' ')
stress=$(cmdline rel_stress)
reloads=$(cmdline rel_reloads)
writes=$(cmdline rel_writes)
rel_kinds=$(cmdline rel_kinds | tr ',' ' ')
disks=4
stat() { echo "STAT $1 $2"; }
rand() { echo $(($(od -An -N2 -tu2 /dev/urandom) % $1)); }	# N: 0 to N - 1

# host_at IOBASE: the SCSI host of the adapter at IOBASE, if bound
host_at() {
	local dev h
	dev=$(awk -v base="$(printf '%04x' "$1")" \
		'$1 ~ "^" base "-" { print $3; exit }' /proc/ioports)
	[ -n "$dev" ] || return 1
	for h in "/sys/bus/platform/devices/$dev"/host*; do
		[ -d "$h" ] && echo "${h##*/}" && return 0
	done
	return 1
}

# device_at IOBASE N: the sysfs directory of the adapter's disk N (0, 1)
device_at() {
	local h n d
	h=$(host_at "$1") || return 1
	n=0
	for d in "/sys/bus/scsi/devices/${h#host}":0:*:0; do
		[ -d "$d" ] || return 1
		[ $n = "$2" ] && echo "$d" && return 0
		n=$((n + 1))
	done
	return 1
}

# node_at IOBASE N sg|sd: the node of the adapter's disk N, if attached
node_at() {
	local d n
	d=$(device_at "$1" "$2") || return 1
	for n in "$d/$([ "$3" = sd ] && echo block || echo scsi_generic)"/*; do
		[ -e "$n" ] && echo "/dev/${n##*/}" && return 0
	done
	return 1
}

# running HOST DEVICE-DIRECTORY: the host and the disk are back to work
running() {
	local hs ds
	read -r hs <"/sys/class/scsi_host/$1/state" &&
		read -r ds <"$2/state" && [ "$hs" = running ] && [ "$ds" = running ]
}

# guarded COMMAND...: run it, but say so, with what the kernel knows, when
# it takes more than two minutes (exit status 124, the command left alone)
guarded() {
	local pid waited st
	"$@" &
	pid=$!
	waited=0
	while [ -d "/proc/$pid" ] && [ $waited -lt 1200 ]; do
		read -r _ _ st _ <"/proc/$pid/stat" 2>/dev/null
		[ "$st" = Z ] && break
		sleep 0.1
		waited=$((waited + 1))
	done
	if [ $waited -ge 1200 ]; then
		{
			echo "HUNG: $*"
			cat "/proc/$pid/stack"
			dmesg | tail -n 20
			for hs in /sys/class/scsi_host/host*; do
				echo "${hs##*/}: $(cat "$hs/state") commands $(cat "$hs/commands") aborts $(cat "$hs/aborts")"
			done
		} >/dev/console 2>&1
		return 124
	fi
	wait $pid
}

# rw DEV read|write FILE BLOCKS LBA [OPTIONS...]: one command of BLOCKS
rw() {
	local dev dir file blocks lba
	dev=$1 dir=$2 file=$3 blocks=$4 lba=$5
	shift 5
	if [ "$dir" = read ]; then
		rm -f "$file"	# sg_dd does not truncate what it writes to
		guarded sg_dd if="$dev" of="$file" bs=512 bpt="$blocks" \
			count="$blocks" skip="$lba" "$@" >/dev/null 2>&1
	else
		guarded sg_dd if="$file" of="$dev" conv=nocreat bs=512 bpt="$blocks" \
			count="$blocks" seek="$lba" "$@" >/dev/null 2>&1
	fi
}

kmemleak_baseline
insmod /lib/modules/subdma.ko
wait_scan $disks
found=$(lsscsi | grep -c disk)
[ "$found" = $disks ] && pass "the scan finds $disks disks on two adapters" ||
	fail "the scan finds $disks disks on two adapters: $found"
if [ "$(cmdline rel_only)" = fuzz ]; then
	# shellcheck source=fuzz.sh
	. /fuzz.sh
	watchdogs "$ios"
	echo "subdma-suite-end $passed $failed"
	exit 0
fi

# --- 1. the fault matrix
# expect KIND WHERE: sets acts and outcome: whether the fault acts on a
# 160 KiB command (three windows on an 8-bit channel, two on a 16-bit one;
# see subdma-adapter.rst, "Fault injection") and how the command ends for its
# caller once the midlayer recovered: ok (with its data) or eio
expect() {
	acts=1 outcome=ok
	case $1:$2 in
	"$SUBDMA_FAULT_SHORT:$SUBDMA_AT_STATUS" | "$SUBDMA_FAULT_CHECK:$SUBDMA_AT_FIRST_WINDOW" | \
	"$SUBDMA_FAULT_CHECK:$SUBDMA_AT_LAST_WINDOW") acts=0 ;;
	"$SUBDMA_FAULT_SEL_TIMEOUT":* | "$SUBDMA_FAULT_CHECK":*) outcome=eio ;;
	esac
}
kinds="stall short lost-irq spurious-irq sel-timeout bus-reset check"
places="submit first-window last-window status"
nth() {	# N WORDS...: the Nth word, from 1
	shift "$1"
	echo "$1"
}

blocks=320
cells=0 acted=0
# cell KIND WHERE DIRECTION LBA: one command struck, on the adapter $io
# (width $width, host $h, disk $sd / $sg; $faults counted so far)
cell() {
	local kind where dir lba name acts outcome want rc n a0 a1 tries
	kind=$1 where=$2 dir=$3 lba=$4
	# shellcheck disable=SC2086 # the names are words
	name="fault $width-bit $(nth "$kind" $kinds) at $(nth $((where + 1)) $places), $dir"
	expect "$kind" "$where"
	dd if=/dev/urandom of=/tmp/old bs=1024 count=$((blocks / 2)) 2>/dev/null
	rw "$sg" write /tmp/old $blocks "$lba"
	a0=$(host_stat "$h" aborts)
	# the fault registers keep their values: KIND and ARG are set already
	test_write "$io" "$SUBDMA_TEST_FAULT_WHERE" "$where"
	test_write "$io" "$SUBDMA_TEST_FAULT_COUNT" 1
	if [ "$dir" = read ]; then
		rw "$sd" read /tmp/got $blocks "$lba" iflag=direct
		rc=$?
		want=/tmp/old
	else
		dd if=/dev/urandom of=/tmp/new bs=1024 count=$((blocks / 2)) 2>/dev/null
		rw "$sd" write /tmp/new $blocks "$lba" oflag=direct
		rc=$?
		rw "$sg" read /tmp/got $blocks "$lba"
		want=/tmp/new
	fi
	n=$(test_read "$io" "$SUBDMA_TEST_STAT_FAULTS")
	a1=$(host_stat "$h" aborts)
	cells=$((cells + 1))
	acted=$((acted + n - faults))
	tries=0
	until running "$h" "$dev" || [ $tries -ge 50 ]; do
		sleep 0.2
		tries=$((tries + 1))
	done
	if [ $((n - faults)) != "$acts" ]; then
		fail "$name: the fault acted $((n - faults)) times, not $acts"
	elif [ "$outcome" = ok ] && [ $rc != 0 ]; then
		fail "$name: the command failed (sg_dd exit $rc)"
	elif [ "$outcome" = ok ] && ! cmp -s "$want" /tmp/got; then
		fail "$name: the data differs"
	elif [ "$outcome" = eio ] && [ $rc = 0 ]; then
		fail "$name: the command succeeded"
	elif ! running "$h" "$dev"; then
		fail "$name: recovery did not end"
	elif rw "$sg" write /tmp/old 128 $((lba + blocks)) &&
		rw "$sg" read /tmp/r 128 $((lba + blocks)) &&
		head -c 65536 /tmp/old | cmp -s - /tmp/r; then
		pass "$name: $outcome, $((a1 - a0)) aborts, the next I/O verifies"
	else
		fail "$name: the next I/O does not verify"
	fi
	faults=$n
}

width=8
lba=0
dirs="read"
[ "$writes" = 1 ] && dirs="read write"
for io in $ios; do
	io=$((io))
	h=$(host_at "$io")
	dev=$(device_at "$io" 0)
	sd=$(node_at "$io" 0 sd)
	sg=$(node_at "$io" 0 sg)
	echo 2 >"/sys/block/${sd#/dev/}/device/timeout"
	faults=$(test_read "$io" "$SUBDMA_TEST_STAT_FAULTS")
	for kind in ${rel_kinds:-1 2 3 4 5 6 7}; do
		# SHORT ends a window 1000 bytes early; CHECK brings MEDIUM
		# ERROR, unrecovered read error
		case $kind in
		"$SUBDMA_FAULT_SHORT") arg=1000 ;;
		"$SUBDMA_FAULT_CHECK") arg=$(((3 << 16) | (0x11 << 8))) ;;
		*) arg=0 ;;
		esac
		test_write "$io" "$SUBDMA_TEST_FAULT_KIND" "$kind"
		test_write "$io" "$SUBDMA_TEST_FAULT_ARG" "$arg"
		for dir in $dirs; do
			for where in 0 1 2 3; do
				cell "$kind" "$where" "$dir" "$lba"
				lba=$((lba + 512))
			done
		done
	done
	width=16
done
stat fault_cells "$cells"
stat faults_acted "$acted"
# shellcheck source=lies.sh
[ -z "$(cmdline rel_lies)" ] || . /lies.sh	# an adapter that lies, rel_lies=SECONDS

# --- 2. the kernel's fault injection
fi_set() {	# ATTRIBUTE VALUE: on both failslab and fail_page_alloc
	for d in failslab fail_page_alloc; do
		echo "$2" >"/sys/kernel/debug/$d/$1"
	done
}
fi_set verbose 0
# sleeping allocations too, of any order; user pages stay spared
fi_set ignore-gfp-wait N
echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
# Nothing is failed inside blk_mq_alloc_tag_set(): unwinding it is
# blk-mq's, not the driver's, and 7.3's own unwinding warns (its
# request maps are freed with call_srcu(), then cleanup_srcu_struct()
# runs without srcu_barrier()).  Whatever fails in scsi_add_host()
# around it still reaches the driver's unwinding.
tagset=$(awk '$3 == "blk_mq_alloc_tag_set" { print $1 }' /proc/kallsyms)
tagset_end=$(sort /proc/kallsyms | awk -v a="$tagset" \
	'f && $1 != a { print $1; exit } $1 == a { f = 1 }')
if [ -n "$tagset" ] && [ -n "$tagset_end" ] &&
	[ $((0x$tagset)) != 0 ] && [ $((0x$tagset_end)) -gt $((0x$tagset)) ]; then
	fi_set reject-start "0x$tagset"
	fi_set reject-end "0x$tagset_end"
	pass "allocations inside blk_mq_alloc_tag_set() are spared (0x$tagset-0x$tagset_end)"
else
	fail "allocations inside blk_mq_alloc_tag_set() are spared: not found in /proc/kallsyms"
fi

# Probe: fail the first, then the second, third... allocation of a bind
# (every one in the full run, every rel_probe_step-th in the short one),
# until the bind makes fewer allocations than that.  A bind that fails
# must leave nothing; one that absorbs the failure must work.  The
# second adapter is rebound.
drv=/sys/bus/platform/drivers/subdma
io2=$(($(echo "$ios" | cut -d' ' -f2)))
dev=$(awk -v base="$(printf '%04x' "$io2")" \
	'$1 ~ "^" base "-" { print $3; exit }' /proc/ioports)
step=$(cmdline rel_probe_step)
echo "$dev" >"$drv/unbind"
n=1 failed_binds=0 absorbed=0 left_behind=0 last=
while [ $n -lt 5000 ]; do
	# shellcheck disable=SC2030,SC2031 # the subshell is the struck task
	result=$( (echo $n >/proc/self/fail-nth
		echo "$dev" >"$drv/bind" 2>/dev/null
		# shellcheck disable=SC2320 # the status of that write is wanted
		rc=$?
		read -r left </proc/self/fail-nth
		echo "$rc ${left:-0}") )
	rc=${result% *} last=${result#* }
	[ "$last" != 0 ] && break	# no allocation was failed: all tried
	if [ "$rc" != 0 ]; then
		failed_binds=$((failed_binds + 1))
		if [ -e "/sys/bus/platform/devices/$dev/driver" ] ||
			grep -q "$dev" /proc/dma /proc/interrupts ||
			[ "$(grep -c "$dev" /proc/ioports)" != 1 ]; then
			left_behind=$((left_behind + 1))
			echo "$dev" >"$drv/unbind" 2>/dev/null
		fi
	else
		absorbed=$((absorbed + 1))
		echo "$dev" >"$drv/unbind"
	fi
	n=$((n + ${step:-1}))
done
stat probe_failures "$failed_binds"
stat probe_failures_absorbed "$absorbed"
[ "$last" != 0 ] && [ -e "/sys/bus/platform/devices/$dev/driver" ] &&
	pass "a bind survives the failure of its allocations ($((n / ${step:-1})) tried: $failed_binds binds failed, $absorbed absorbed it)" ||
	fail "a bind survives the failure of its allocations: no clean bind after $n"
[ $left_behind = 0 ] && pass "a failed probe leaves nothing bound or claimed" ||
	fail "a failed probe leaves nothing bound or claimed: $left_behind times"
wait_scan $disks

# I/O: one allocation in so many of the I/O processes fails; the
# interval adapts so that about half of the round trips are struck
# the filter first: until it is on, every task in the system is struck
fi_set task-filter Y
fi_set times -1
fi_set interval 512
fi_set probability 100
sg=$(node_at "$io2" 0 sg)
sd=$(node_at "$io2" 0 sd)
ok=0 errors=0 differ=0 interval=512
for i in $(seq 1 40); do
	fi_set interval $interval
	dd if=/dev/urandom of=/tmp/w bs=1024 count=64 2>/dev/null
	rm -f /tmp/r
	node=$sg
	[ $((i % 2)) = 0 ] && node=$sd
	lba=$((i * 128))
	# only the sg_dd processes are struck: the comparison must not be
	if sh -c 'echo 1 >/proc/self/make-it-fail; exec "$@"' - \
		sg_dd if=/tmp/w of="$node" conv=nocreat bs=512 bpt=128 count=128 seek=$lba \
		>/dev/null 2>&1 &&
		sh -c 'echo 1 >/proc/self/make-it-fail; exec "$@"' - \
		sg_dd if="$node" of=/tmp/r bs=512 bpt=128 count=128 skip=$lba \
		>/dev/null 2>&1; then
		if cmp -s /tmp/w /tmp/r; then
			ok=$((ok + 1))
		else
			differ=$((differ + 1))
		fi
		[ $interval -gt 2 ] && interval=$((interval / 2))
	else
		errors=$((errors + 1))
		interval=$((interval * 2))
	fi
done
fi_set probability 0
stat injected_io_ok "$ok"
stat injected_io_errors "$errors"
[ $differ = 0 ] && pass "under allocation failures each command fails or its data verifies ($ok verified, $errors failed)" ||
	fail "under allocation failures each command fails or its data verifies: $differ differ"
pattern /tmp/w 512 "after injection"
rw "$sg" write /tmp/w 1024 9000 && rw "$sg" read /tmp/r 1024 9000 &&
	cmp -s /tmp/w /tmp/r && pass "I/O after the allocation failures verifies" ||
	fail "I/O after the allocation failures verifies"

# --- 3. stress: a verified stream on each disk
rm -f /tmp/stop /tmp/quiet
# stream NAME IOBASE TARGET BLOCK-SIZE: write, read back, compare, again
stream() {
	local name sio target bs verified interrupted differ rounds node blocks lba
	name=$1 sio=$2 target=$3 bs=$4
	verified=0 interrupted=0 differ=0 rounds=0
	while [ ! -e /tmp/stop ]; do
		if [ -e /tmp/quiet ]; then
			touch "/tmp/quiet.$name"
			sleep 0.1
			continue
		fi
		rm -f "/tmp/quiet.$name"
		node=$(node_at "$sio" "$target" sg) || { sleep 0.2; continue; }
		blocks=$((1 + $(rand 64)))
		lba=$(($(rand 1024) * 8))
		dd if=/dev/urandom of="/tmp/$name.w" bs="$bs" count=$blocks 2>/dev/null
		rounds=$((rounds + 1))
		rm -f "/tmp/$name.r"
		# conv=nocreat: a node an rmmod took away meanwhile must not
		# come back as a regular file, which devtmpfs then cannot
		# replace and every later check would write to
		if ! sg_dd if="/tmp/$name.w" of="$node" conv=nocreat bs="$bs" \
			bpt=$blocks count=$blocks seek=$lba >/dev/null 2>&1 ||
			! sg_dd if="$node" of="/tmp/$name.r" bs="$bs" bpt=$blocks \
			count=$blocks skip=$lba >/dev/null 2>&1; then
			interrupted=$((interrupted + 1))
		elif cmp -s "/tmp/$name.w" "/tmp/$name.r"; then
			verified=$((verified + blocks * bs))
		else
			differ=$((differ + 1))
			echo "stream $name: lba $lba, $blocks blocks differ" >&2
		fi
		echo "$verified $interrupted $differ $rounds" >"/tmp/$name.result"
	done
}
s8=$(($(echo "$ios" | cut -d' ' -f1)))
stream a0 "$s8" 0 512 &
stream a1 "$s8" 1 4096 &
stream b0 "$io2" 0 512 &
stream b1 "$io2" 1 4096 &

# resets at random, on a random disk, for the first part
resets=0
end=$(($(cut -d. -f1 /proc/uptime) + stress))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	sleep "$((1 + $(rand 3)))"
	rio=${ios%% *}
	[ "$(rand 2)" = 0 ] && rio=${ios#* }
	node=$(node_at $((rio)) "$(rand 2)" sg) || continue
	case $(rand 3) in
	0) sg_reset -d "$node" >/dev/null 2>&1 ;;
	1) sg_reset -b "$node" >/dev/null 2>&1 ;;
	2) sg_reset -H "$node" >/dev/null 2>&1 ;;
	esac
	resets=$((resets + 1))
done
stat resets "$resets"

# then the driver unloaded and loaded again while the streams run: rmmod
# is refused while a disk is open; when the streams give it no gap, they
# pause for it
busy=0 gaps=0 paused=0 reloaded=0
for cycle in $(seq 1 "$reloads"); do
	tries=0
	until rmmod subdma 2>/dev/null; do
		busy=$((busy + 1))
		tries=$((tries + 1))
		if [ $tries = 10 ]; then
			touch /tmp/quiet
			while [ "$(find /tmp -name 'quiet.*' | wc -l)" -lt 4 ]; do
				sleep 0.1
			done
			paused=$((paused + 1))
		fi
		[ $tries -gt 40 ] && break
		sleep 0.05
	done
	[ $tries -lt 10 ] && gaps=$((gaps + 1))
	if [ -n "$(subdma_hosts)" ] || ! insmod /lib/modules/subdma.ko; then
		fail "reload cycle $cycle under I/O"
		break
	fi
	rm -f /tmp/quiet /tmp/quiet.*
	wait_scan $disks
	reloaded=$((reloaded + 1))
	sleep "0.$(rand 10)"
done
[ "$reloaded" = "$reloads" ] &&
	pass "rmmod and insmod $reloads times under I/O ($gaps in a gap, $paused paused)" ||
	fail "rmmod and insmod $reloads times under I/O: $reloaded"
stat reloads "$reloaded"
stat rmmod_refused_busy "$busy"
touch /tmp/stop
wait

total=0
for name in a0 a1 b0 b1; do
	read -r verified interrupted differ rounds <"/tmp/$name.result" ||
		verified=0 differ=0
	total=$((total + verified))
	[ "$differ" = 0 ] && [ "$verified" -gt 0 ] &&
		pass "stream $name: $verified bytes verified, none differ ($interrupted of $rounds rounds cut short)" ||
		fail "stream $name: $verified bytes verified, $differ rounds differ"
	stat "interrupted_$name" "$interrupted"
done
stat bytes_verified "$total"
for io in $ios; do
	io=$((io))
	node=$(node_at "$io" 0 sg)
	pattern /tmp/w 1024 "final $io"
	rw "$node" write /tmp/w 2048 20000 && rw "$node" read /tmp/r 2048 20000 &&
		cmp -s /tmp/w /tmp/r && pass "adapter $io: I/O after the stress verifies" ||
		fail "adapter $io: I/O after the stress verifies"
done

# --- 4. the fuzzer
# shellcheck source=fuzz.sh
[ -z "$(cmdline rel_fuzz)" ] || . /fuzz.sh

# --- watchdogs
watchdogs "$ios"
echo "subdma-suite-end $passed $failed"
