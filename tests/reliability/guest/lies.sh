#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The lies stage of the reliability campaign: an adapter that lies, as a
# failing card does (see subdma-adapter.rst, "Lie mode").  On disk 0 of
# each adapter, every kind of lie in turn, then all of them at once at
# random for the time left: the lies on through the test registers, reads
# and writes that may fail but must each end (within two minutes), the
# lies off, and then a verified round trip must pass with no DMA transfer
# outside a window.
# Sourced by reliability.sh when the kernel command line has
#   rel_lies=SECONDS     how long the stage runs on both adapters together
#                        (each kind gets 3 seconds an adapter at least)
#   rel_lies_seed=N      the first seed of the lies (default: at random);
#                        each round's seed is printed, to tell them again
#   rel_lies_kinds=MASK  the kinds told (SUBDMA_LIE_* bits; default: all)
# With e2e=lies it runs alone: it loads the driver and ends the suite.
# Besides PASS and FAIL lines it prints "STAT lies_KIND N" (lies told)
# and "STAT windows_outside N" for the report.
# shellcheck disable=SC2015 # "test && pass || fail": pass never fails
# shellcheck source=../../e2e/guest/lib.sh
. /lib.sh

lies_names="isr status counts done_early empty_window dup_done spurious_irq swallow_irq dreq xfer"
lies_all=$SUBDMA_LIE_ALL
lies_kind_time=3
lies_now() { cut -d. -f1 /proc/uptime; }
lies_rand() { echo $(($(od -An -N2 -tu2 /dev/urandom) % $1)); }	# N: 0 to N - 1

# lies_node IOBASE sg|sd: the node of disk 0 of the adapter at IOBASE
lies_node() {
	ln_dev=$(awk -v base="$(printf '%04x' "$1")" \
		'$1 ~ "^" base "-" { print $3; exit }' /proc/ioports)
	for ln_h in "/sys/bus/platform/devices/$ln_dev"/host*; do
		for ln_d in "/sys/bus/scsi/devices/${ln_h##*/host}":0:*:0; do
			for ln_n in "$ln_d/$([ "$2" = sd ] && echo block || echo scsi_generic)"/*; do
				[ -e "$ln_n" ] && echo "/dev/${ln_n##*/}" && return 0
			done
			return 1
		done
	done
	return 1
}

# lies_set IOBASE SEED KINDS: the lies on (SEED 0: off)
lies_set() {
	test_write "$1" "$SUBDMA_TEST_LIE_KINDS" "$3"
	test_write "$1" "$SUBDMA_TEST_LIE_SEED" "$2"
}

# lies_told IOBASE: the adapter's counters of lies told, one a kind
lies_told() {
	lt_i=0
	for _ in $lies_names; do
		printf '%s ' "$(test_read "$1" $((SUBDMA_TEST_STAT_LIES + lt_i)))"
		lt_i=$((lt_i + 1))
	done
}

# lies_counter IOBASE KIND: the adapter's counter of lies of one KIND bit
lies_counter() {
	lc_i=0
	while [ $(($2 >> lc_i)) -gt 1 ]; do
		lc_i=$((lc_i + 1))
	done
	test_read "$1" $((SUBDMA_TEST_STAT_LIES + lc_i))
}

# lies_reports: how many lines of the kernel log are reports
lies_reports() {
	dmesg | grep -cE -f /kernel-reports || true
}

# lies_cmd COMMAND...: run it, bounded: killed after two minutes; a command
# still there three minutes later hangs, and the stage says so (status 124)
lies_slow=0 lies_hung=0
lies_cmd() {
	timeout -s KILL 120 "$@" >/dev/null 2>&1 &
	lc_pid=$!
	lc_waited=0
	while [ -d "/proc/$lc_pid" ] && [ $lc_waited -lt 1800 ]; do
		read -r _ _ lc_st _ <"/proc/$lc_pid/stat" 2>/dev/null
		[ "$lc_st" = Z ] && break
		sleep 0.1
		lc_waited=$((lc_waited + 1))
	done
	if [ $lc_waited -ge 1800 ]; then
		lies_hung=$((lies_hung + 1))
		lies_why "HUNG under lies: $*"
		cat "/proc/$lc_pid/stack" >/dev/console 2>&1
		return 124
	fi
	wait $lc_pid
	lc_rc=$?
	# killed by the bound: the command did not end in time
	if [ $lc_rc = 137 ]; then
		lies_slow=$((lies_slow + 1))
		lies_why "SLOW under lies: $*"
	fi
	return $lc_rc
}

# lies_why WHAT: say so, with what the kernel and the host know
lies_why() {
	{
		echo "$1"
		dmesg | tail -n 25
		for lw_h in $(subdma_hosts); do
			echo "$lw_h: $(cat "/sys/class/scsi_host/$lw_h/state") commands $(cat "/sys/class/scsi_host/$lw_h/commands") aborts $(cat "/sys/class/scsi_host/$lw_h/aborts")"
		done
	} >/dev/console 2>&1
}

# lies_io: one read or write of 1 to 512 blocks at random on disk 0 (up
# to 256 KiB: several windows), by SG_IO, by O_DIRECT or through the page
# cache.  The disk's commands time out after 2 seconds, those of SG_IO
# after 5 (not sg_dd's 60): a lost interrupt is found by the timeout.
lies_io() {
	li_blocks=$((1 + $(lies_rand 512)))
	li_lba=$((40000 + $(lies_rand 4096) * 8))
	case $(lies_rand 5) in
	0) lies_cmd sg_dd if="$lies_sg" of=/dev/null bs=512 bpt=$li_blocks \
		count=$li_blocks skip=$li_lba time=0,5 ;;
	1) lies_cmd sg_dd if=/tmp/lies.w of="$lies_sg" bs=512 bpt=$li_blocks \
		count=$li_blocks seek=$li_lba time=0,5 ;;
	2) lies_cmd sg_dd if="$lies_sd" of=/dev/null bs=512 bpt=$li_blocks \
		count=$li_blocks skip=$li_lba iflag=direct ;;
	3) lies_cmd sg_dd if=/tmp/lies.w of="$lies_sd" bs=512 bpt=$li_blocks \
		count=$li_blocks seek=$li_lba oflag=direct ;;
	4) echo 3 >/proc/sys/vm/drop_caches
		lies_cmd dd if="$lies_sd" of=/dev/null bs=512 count=$li_blocks \
			skip=$li_lba ;;
	esac
}

# lies_round IOBASE NAME SEED KINDS SECONDS: I/O under the lies, then
# the lies off and the adapter checked
lies_round() {
	lr_io=$1 lr_name=$2
	lr_reports=$(lies_reports)
	lies_slow=0 lies_hung=0
	printf 'lies: adapter 0x%x, %s: seed %s, kinds 0x%x\n' "$lr_io" "$lr_name" "$3" "$4"
	lies_set "$lr_io" "$3" "$4"
	lr_start=$(lies_now)
	lr_end=$((lr_start + $5))
	lr_cmds=0 lr_failed=0
	# a round of one kind goes on, up to a minute, until that kind was
	# told: on a slow kernel a few seconds may see no chance to tell it
	lr_one=
	[ $(($4 & ($4 - 1))) != 0 ] || lr_one=$(lies_counter "$lr_io" "$4")
	while :; do
		lies_io || lr_failed=$((lr_failed + 1))
		lr_cmds=$((lr_cmds + 1))
		[ $lies_hung = 0 ] || break
		[ "$(lies_now)" -lt $lr_end ] && continue
		[ -n "$lr_one" ] && [ "$(lies_counter "$lr_io" "$4")" = "$lr_one" ] &&
			[ "$(lies_now)" -lt $((lr_start + 60)) ] && continue
		break
	done
	lies_set "$lr_io" 0 0
	lr_host=$(basename "$(readlink -f "/sys/class/scsi_generic/${lies_sg#/dev/}/device/../..")")
	lr_dev=$(readlink -f "/sys/class/scsi_generic/${lies_sg#/dev/}/device")
	lr_tries=0
	until { read -r lr_hs <"/sys/class/scsi_host/$lr_host/state" &&
		read -r lr_ds <"$lr_dev/state" &&
		[ "$lr_hs" = running ] && [ "$lr_ds" = running ]; } ||
		[ $lr_tries -ge 300 ]; do
		sleep 0.2
		lr_tries=$((lr_tries + 1))
	done
	lr_what="lies $lies_width-bit $lr_name"
	if [ $lies_hung != 0 ]; then
		fail "$lr_what: a command hangs"
	elif [ $lies_slow != 0 ]; then
		fail "$lr_what: $lies_slow of $lr_cmds commands did not end within 2 minutes"
	elif [ "$lr_hs" != running ] || [ "$lr_ds" != running ]; then
		fail "$lr_what: host $lr_hs, disk $lr_ds a minute after the lies stopped"
	else
		pass "$lr_what: $lr_cmds commands ended, $lr_failed failed"
	fi
	lr_now=$(lies_reports)
	[ "$lr_now" = "$lr_reports" ] &&
		pass "$lr_what: no kernel report" ||
		fail "$lr_what: kernel report: $(dmesg | grep -E -f /kernel-reports | tail -n 2 | tr '\n' ' ')"
	roundtrip "$lr_what: verified I/O once the lies stop" "$lies_sg" 512 256 128 30000
	roundtrip "$lr_what: verified O_DIRECT I/O once the lies stop" "$lies_sd" 512 512 256 31000 direct
	lr_out=$(test_read "$lr_io" "$SUBDMA_TEST_STAT_OUTSIDE")
	[ "$lr_out" = 0 ] && pass "$lr_what: no transfer outside a window" ||
		fail "$lr_what: $lr_out transfers outside a window"
}

# lies_stage: the stage, on each adapter of rel_io in turn
lies_stage() {
	ls_time=$(cmdline rel_lies)
	ls_seed=$(cmdline rel_lies_seed)
	[ -n "$ls_seed" ] || ls_seed=$((1 + $(lies_rand 65535)))
	ls_ios=$(cmdline rel_io | tr ',' ' ')
	ls_kinds=$(cmdline rel_lies_kinds)
	ls_kinds=$((${ls_kinds:-lies_all} & lies_all))
	ls_share=$((ls_time / $(echo "$ls_ios" | wc -w)))
	echo "lies: $ls_time seconds, first seed $ls_seed"
	dd if=/dev/urandom of=/tmp/lies.w bs=512 count=512 2>/dev/null
	lies_width=8
	for ls_io in $ls_ios; do
		ls_io=$((ls_io))
		lies_sg=$(lies_node "$ls_io" sg) && lies_sd=$(lies_node "$ls_io" sd) || {
			fail "lies $lies_width-bit: no disk 0 on the adapter at $(printf 0x%x "$ls_io")"
			continue
		}
		echo 2 >"/sys/block/${lies_sd#/dev/}/device/timeout"
		ls_before=$(lies_told "$ls_io")
		# every window the driver programs, whatever the card says,
		# lies inside what it mapped
		trace_record
		ls_end=$(($(lies_now) + ls_share))
		ls_bit=0
		for ls_name in $lies_names; do
			if [ $((ls_kinds & (1 << ls_bit))) != 0 ]; then
				lies_round "$ls_io" "$ls_name" "$ls_seed" $((1 << ls_bit)) "$lies_kind_time"
				ls_seed=$((ls_seed + 1))
			fi
			ls_bit=$((ls_bit + 1))
		done
		# then all of them at once, at random, for the time left
		while [ "$(lies_now)" -lt $ls_end ]; do
			ls_some=$(($(lies_rand 65536) & ls_kinds))
			[ $ls_some != 0 ] || continue
			lies_round "$ls_io" "random" "$ls_seed" "$ls_some" \
				$((10 + $(lies_rand 50)))
			ls_seed=$((ls_seed + 1))
		done
		ls_after=$(lies_told "$ls_io")
		ls_bit=0 ls_untold=
		for ls_name in $lies_names; do
			ls_bit=$((ls_bit + 1))
			ls_n=$(($(echo "$ls_after" | cut -d' ' -f$ls_bit) - $(echo "$ls_before" | cut -d' ' -f$ls_bit)))
			echo "STAT lies_$ls_name $ls_n"
			# a kind asked for and never told tests nothing
			[ $((ls_kinds & (1 << (ls_bit - 1)))) = 0 ] || [ "$ls_n" -gt 0 ] ||
				ls_untold="$ls_untold $ls_name"
		done
		[ -z "$ls_untold" ] &&
			pass "lies $lies_width-bit: every kind asked for was told" ||
			fail "lies $lies_width-bit: never told:$ls_untold"
		echo "STAT windows_outside $(test_read "$ls_io" "$SUBDMA_TEST_STAT_OUTSIDE")"
		trace_verdict "lies $lies_width-bit"
		lies_width=16
	done
}

if [ "$(cmdline e2e | tail -n 1)" = lies ]; then
	insmod /lib/modules/subdma.ko
	wait_scan 4
	lies_stage
	watchdogs "$(cmdline rel_io | tr ',' ' ')"
	echo "subdma-suite-end $passed $failed"
else
	lies_stage
fi
