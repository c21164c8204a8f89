#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The reliability campaign's fuzzer stage, sourced by reliability.sh
# (rel_fuzz=N): on each adapter, N commands of subdma-fuzz at disk 0, the
# scratch disk, through its sg, bsg and sd nodes, while disk 1, the
# canary, holds a pattern that must come through untouched.  Afterwards
# the scratch disk must start and verify a round trip.
# Kernel command line:
#   rel_fuzz=N           commands per adapter
#   rel_fuzz_seed=S      the seed of the first adapter (S + 1 for the
#                        second); random when not given, always printed
#   rel_fuzz_from=I      the sequence's commands I to I + N - 1 (0 to
#                        N - 1 when not given): a long run in parts
#   rel_fuzz_args=A,B    more options for subdma-fuzz, to replay a part:
#                        rel_fuzz_args=--from,I,--count,1,--verbose
# Uses reliability.sh's helpers (host_at, device_at, node_at, running,
# stat) and lib.sh's.
# shellcheck shell=sh
# shellcheck disable=SC2154 # ios and the helpers are reliability.sh's
# shellcheck disable=SC2015 # "test && pass || fail": pass never fails

fuzz_count=$(cmdline rel_fuzz)
fuzz_seed=$(cmdline rel_fuzz_seed)
fuzz_args=$(cmdline rel_fuzz_args | tr ',' ' ')
fuzz_first=$(cmdline rel_fuzz_from)
fuzz_first=${fuzz_first:-0}
[ -n "$fuzz_seed" ] || fuzz_seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
echo "fuzz: seed $fuzz_seed, commands $fuzz_first-$((fuzz_first + fuzz_count - 1)) on each adapter (rel_fuzz_seed=$fuzz_seed rel_fuzz_from=$fuzz_first replays them)"
# the canary's regions: 2 MiB at the start, inside and at the end of its
# 64 MiB, in its 4096-byte blocks
fuzz_regions="0 2560 7680 15872"
fuzz_blocks=512
# commands whose trace trace_record's buffer holds
fuzz_batch=10000

# fuzz_canary SG FILE: the canary's regions, one after the other, in FILE
fuzz_canary() {
	rm -f "$2"
	for lba in $fuzz_regions; do
		sg_dd if="$1" of=/tmp/fuzz.region bs=4096 bpt=128 count=$fuzz_blocks \
			skip="$lba" >/dev/null 2>&1 || return 1
		cat /tmp/fuzz.region >>"$2"
	done
}

fuzz_width=8
fuzz_changed=0
for fuzz_io in $ios; do
	fuzz_io=$((fuzz_io))
	name="fuzz $fuzz_width-bit"
	fh=$(host_at "$fuzz_io")
	fdev=$(device_at "$fuzz_io" 0)
	fsd=$(node_at "$fuzz_io" 0 sd)
	fsg=$(node_at "$fuzz_io" 0 sg)
	canary=$(node_at "$fuzz_io" 1 sg)
	fbsg=/dev/bsg/${fdev##*/}
	[ -e "$fbsg" ] || fbsg=
	# the nodes are the devices' own (a regular file in their place
	# would take every command and fail none)
	[ -c "$fsg" ] && [ -b "$fsd" ] && [ -c "$canary" ] &&
		pass "$name: $fsg, $fsd and the canary's $canary are device nodes" ||
		fail "$name: $fsg, $fsd and the canary's $canary are device nodes: $(stat -c '%n: %F' "$fsg" "$fsd" "$canary" 2>&1 | tr '\n' ' ')"
	echo 30 >"/sys/block/${fsd#/dev/}/device/timeout"
	polling_off "$fh"
	# the canary: a pattern in each region, read back as it now is
	pattern /tmp/fuzz.pattern $((fuzz_blocks * 4)) "canary $fuzz_io"
	for lba in $fuzz_regions; do
		sg_dd if=/tmp/fuzz.pattern of="$canary" bs=4096 bpt=128 \
			count=$fuzz_blocks seek="$lba" >/dev/null 2>&1 ||
			fail "$name: the canary takes its pattern at block $lba"
	done
	fuzz_canary "$canary" /tmp/fuzz.before ||
		fail "$name: the canary reads back before the fuzzer"
	sum0=$(md5sum </tmp/fuzz.before)
	seed=$fuzz_seed
	[ "$fuzz_width" = 16 ] && seed=$((fuzz_seed + 1))
	t0=$(cut -d. -f1 /proc/uptime)
	# in batches whose trace the buffer holds, each checked
	rc=0 fuzz_from=$fuzz_first
	while [ "$fuzz_from" -lt $((fuzz_first + fuzz_count)) ]; do
		fuzz_n=$((fuzz_first + fuzz_count - fuzz_from))
		[ $fuzz_n -le $fuzz_batch ] || fuzz_n=$fuzz_batch
		trace_record
		# shellcheck disable=SC2086 # the options are words
		subdma-fuzz --sg "$fsg" --sd "$fsd" ${fbsg:+--bsg "$fbsg"} \
			--seed "$seed" --from $fuzz_from --count $fuzz_n $fuzz_args ||
			rc=$?
		trace_verdict "$name, commands $fuzz_from-$((fuzz_from + fuzz_n - 1))"
		fuzz_from=$((fuzz_from + fuzz_n))
	done
	stat fuzz_seconds $(($(cut -d. -f1 /proc/uptime) - t0))
	[ $rc = 0 ] &&
		pass "$name: $fuzz_count commands (seed $seed from $fuzz_first), each returned in time, nothing impossible" ||
		fail "$name: $fuzz_count commands (seed $seed from $fuzz_first): subdma-fuzz exit $rc (see its HUNG or IMPOSSIBLE lines)"
	tries=0
	until running "$fh" "$fdev" || [ $tries -ge 100 ]; do
		sleep 0.2
		tries=$((tries + 1))
	done
	# the canary as it was, byte for byte
	changed=0
	if fuzz_canary "$canary" /tmp/fuzz.after; then
		[ "$(md5sum </tmp/fuzz.after)" = "$sum0" ] ||
			changed=$(cmp -l /tmp/fuzz.before /tmp/fuzz.after | wc -l)
	else
		changed=$(wc -c </tmp/fuzz.before)
	fi
	fuzz_changed=$((fuzz_changed + changed))
	[ "$changed" = 0 ] &&
		pass "$name: the canary disk is unchanged ($(wc -c </tmp/fuzz.before) bytes, md5 ${sum0%% *})" ||
		fail "$name: the canary disk is unchanged: $changed bytes differ or did not read"
	# the scratch disk: START STOP UNIT start (a unit attention from a
	# reset may come first), then a verified round trip of 2 MiB
	tries=0
	until sg_raw "$fsg" 1b 00 00 00 01 00 >/tmp/fuzz.start 2>&1 || [ $tries -ge 5 ]; do
		tries=$((tries + 1))
	done
	[ $tries -lt 5 ] && running "$fh" "$fdev" &&
		pass "$name: the scratch disk starts again" ||
		fail "$name: the scratch disk starts again ($(cat "$fdev/state"): $(tr '\n' ' ' </tmp/fuzz.start))"
	roundtrip "$name: a round trip on the scratch disk verifies" "$fsg" 512 4096 128 40000
	polling_on
	fuzz_width=16
done
stat fuzz_canary_bytes_changed "$fuzz_changed"
