#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Reliability on a debug test kernel (KASAN, UBSAN, lockdep, atomic
# sleep, hung tasks, the DMA API checker, kmemleak, fault injection):
#   run.sh short [KERNEL]   the end-to-end suite (sleep included), the
#                           fault matrix on reads, every kind of lie once,
#                           a short stress with 10 reloads, 10000 commands
#                           of the fuzzer on each adapter; on 7.3, Debian's
#                           newest (make check)
#   run.sh full [KERNELS]   the same with writes in the fault matrix, 30
#                           minutes of lies at random, 5 minutes of stress
#                           and 50 reloads, on 7.3 and then 6.1; on the first
#                           kernel a million commands of the fuzzer, half on
#                           each adapter, in boots of 50000 per adapter;
#                           writes tests/reliability/results.md
# Prints a report of what ran and what held for each kernel; fails on
# any failed check or any report of the kernel's checkers.
# A full run takes hours: it goes on where the last one stopped, each
# boot that ended kept, as long as nothing it tests has changed.
# SUBDMA_REL_REPORT_ONLY=1: the reports of each kernel's last run.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/guest.sh
. "$SUBDMA_TOP/tests/lib/guest.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

mode=${1:-short}
# fuzz: the fuzzer's commands per adapter in the campaign's boot; in full
# mode the first kernel's fuzz_long more, in boots of fuzz_part
case $mode in
short)
	rel="rel_stress=30 rel_reloads=10 rel_probe_step=3 rel_lies=60"
	timeout=1800 fuzz=10000 fuzz_long=0 kernels=${2:-7.3}
	;;
full)
	rel="rel_stress=300 rel_reloads=50 rel_writes=1 rel_lies=1800"
	timeout=5400 fuzz=10000 fuzz_long=500000 kernels=${2:-7.3 6.1}
	;;
*) die "usage: run.sh short|full [KERNEL...]" ;;
esac
fuzz_part=50000
# a boot's timeout for N commands of the fuzzer on both adapters, at 40 a
# second at least
fuzz_timeout() {
	echo $((2 * $1 / 40))
}
rel="$rel rel_fuzz=$fuzz" timeout=$((timeout + $(fuzz_timeout "$fuzz")))

# build_against SOURCE-DIR NAME: SOURCE-DIR's module copied to NAME beside
# the debug kernel and built against it (in its build root, with its
# compiler, for a kernel built there); prints the directory
build_against() {
	local dir=$kernel_dir/$2 inner
	rm -rf "$dir"
	mkdir -p "$dir"
	find "$1" -maxdepth 1 \( -name Makefile -o -name '*.[ch]' \) \
		! -name '*.mod.c' -exec cp {} "$dir/" \;
	if [ -n "$root" ]; then
		inner=${dir#"$root"}
		in_root "$root" make -s CC=gcc-14 -C "${kernel_dir#"$root"}/build" \
			M="$inner" CONFIG_SCSI_SUBDMA=m modules >/dev/null || return 1
	else
		make -s -C "$kernel_dir/build" M="$dir" CONFIG_SCSI_SUBDMA=m \
			modules >/dev/null || return 1
	fi
	echo "$dir"
}

# campaign KERNEL: the debug kernel, the driver and the test helper built
# against it, then the end-to-end suite and the campaign on it, their
# consoles in $logs; false when a check failed
campaign() {
	# (called in a list, where errexit is off: each step says it failed)
	local kernel=$1 release status=0
	kernel_dir=$("$SUBDMA_TOP/tests/reliability/kernel.sh" "$kernel") &&
		[ -d "$kernel_dir/build" ] || return 1
	release=$(kernel_root "$kernel")
	root=
	if [ -n "$release" ]; then
		root=$(cache_lock "root-$release" && build_root "$release") || return 1
	fi
	log "building the driver against the $kernel debug kernel"
	export SUBDMA_KERNEL_DIR=$kernel_dir
	SUBDMA_KO_DIR=$(build_against "$SUBDMA_TOP/drivers/scsi/subdma" subdma) ||
		return 1
	# and the test helper, so that the in-place path runs under the DMA
	# API checker: dma_map_sg() and dma_unmap_sg() on the suite's buffers
	SUBDMA_LOWMEM_DIR=$(build_against "$SUBDMA_TOP/tests/e2e/lowmem" lowmem) ||
		return 1
	export SUBDMA_KO_DIR SUBDMA_LOWMEM_DIR
	# the debug kernel sleeps: suspend with I/O in flight runs under the
	# checkers too
	export SUBDMA_E2E_APPEND="e2e_debug=1 kmemleak=on e2e_sleep=required"
	# its 8-bit configuration: the campaign runs both channel widths on
	# this kernel, and the release kernels run every configuration
	part e2e "the end-to-end suite on the $kernel debug kernel" \
		env SUBDMA_E2E_ONLY="8-bit channel" "$SUBDMA_TOP/tests/e2e/run.sh" check ||
		status=1
	# the fuzzer's commands, those of the campaign's boot and then the
	# long fuzzing's in parts, one sequence from one seed
	local seed from n
	[ -s "$logs/fuzz-seed" ] ||
		od -An -N4 -tu4 /dev/urandom | tr -d ' ' >"$logs/fuzz-seed"
	seed=$(cat "$logs/fuzz-seed")
	part campaign "the reliability campaign ($mode) on the $kernel debug kernel" \
		env SUBDMA_REL_APPEND="$rel rel_fuzz_seed=$seed" \
		SUBDMA_GUEST_TIMEOUT="$timeout" \
		"$SUBDMA_TOP/tests/e2e/run.sh" reliability || status=1
	[ "$kernel" = "${kernels%% *}" ] || return $status
	for ((from = fuzz; from < fuzz + fuzz_long; from += fuzz_part)); do
		n=$((fuzz + fuzz_long - from))
		[ $n -le $fuzz_part ] || n=$fuzz_part
		part "campaign-fuzz-$from" \
			"the fuzzer on the $kernel debug kernel, commands $from-$((from + n - 1)) of seed $seed" \
			env SUBDMA_REL_APPEND="rel_only=fuzz rel_fuzz=$n rel_fuzz_from=$from rel_fuzz_seed=$seed" \
			SUBDMA_GUEST_TIMEOUT=$((600 + $(fuzz_timeout $n))) \
			"$SUBDMA_TOP/tests/e2e/run.sh" reliability || status=1
	done
	return $status
}

# part NAME WHAT COMMAND...: one boot of a campaign, its consoles in
# $logs/NAME and what it printed in $logs/NAME.out; false when a check
# failed.  One that ended in an earlier run with these logs is not run
# again: its end and its status are in $logs/NAME.ended.
part() {
	local name=$1 what=$2 rc
	shift 2
	if [ -f "$logs/$name.ended" ]; then
		log "$what: ended in an earlier run ($logs/$name)"
		return "$(cat "$logs/$name.ended")"
	fi
	log "$what"
	rm -rf "${logs:?}/$name" "$logs/$name.out"
	SUBDMA_E2E_LOGS=$logs/$name "$@" | tee "$logs/$name.out"
	rc=${PIPESTATUS[0]}
	echo "$rc" >"$logs/$name.ended"
	return "$rc"
}

# --- the report, from the consoles of the runs in $logs
consoles() {	# RUN (e2e, campaign, or * for both): the guests' console lines
	local d
	for d in "$logs"/$1; do
		cat "$d"/*.log 2>/dev/null
	done | tr -d '\r'
}
count() {	# RUN PATTERN: lines of the consoles of RUN that match
	consoles "$1" | grep -cE -- "$2" || true
}
stat() {	# NAME: the sum of the STAT lines of that name
	consoles '*' | awk -v n="$1" '$1 == "STAT" && $2 == n { s += $3 } END { print s + 0 }'
}
held() {	# RUN PATTERN: "passed of run" for the checks whose name matches
	local p f
	p=$(count "$1" "^PASS $2")
	f=$(count "$1" "^FAIL $2")
	echo "$p of $((p + f))"
}
checks_of() {	# RUN: "passed, failed" from its runners' summary lines
	local out
	for out in "$logs"/$1.out; do
		grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1
	done | awk '{ p += $1; f += $3 } END { print p + 0 " passed, " f + 0 " failed" }'
}
report() {	# the table of what ran and what held
	local k=$GUEST_KERNEL_LINE
	cat <<EOF
| What ran | Count | Held |
|---|---|---|
| End-to-end suite on the debug kernel (8-bit channel) | $(checks_of e2e) | |
| Suspend and resume with writes in flight | $(count e2e '^(PASS|FAIL) .*asleep and awake again') | $(held e2e '.*asleep and awake again') |
| Windows checked against their command's mapping (trace: suite, fuzzer, lies) | $(stat trace_windows_checked) | $(held '*' '(.*: )?the trace: ') |
| Commands completed twice (trace) | $(stat trace_completed_twice) | |
| Bad module parameters, each refused with its message | $(count e2e '^(PASS|FAIL) refuses ') | $(held e2e 'refuses ') |
| Malformed and hostile commands (sg_raw, SG_IO) | $(count e2e '^(PASS|FAIL) rejects ') | $(held e2e 'rejects ') |
| Fault matrix cells (kind x place x width x direction) | $(stat fault_cells) | $(held campaign 'fault ') |
| Faults the adapter struck | $(stat faults_acted) | |
| Rounds of lies: commands that all ended, I/O verified once the lies stopped | $(count campaign '^(PASS|FAIL) lies .*: verified I/O once') | $(held campaign 'lies ') |
| Lies told: ISR read as 0xff or at random | $(stat lies_isr) | |
| Lies told: STATUS with bits flipped | $(stat lies_status) | |
| Lies told: WIN_MOVED, TOTAL beyond the window or the transfer | $(stat lies_counts) | |
| Lies told: DONE before WINDOW | $(stat lies_done_early) | |
| Lies told: WINDOW with no data phase | $(stat lies_empty_window) | |
| Lies told: DONE again after its acknowledgement | $(stat lies_dup_done) | |
| Lies told: interrupts with no cause | $(stat lies_spurious_irq) | |
| Lies told: interrupts swallowed | $(stat lies_swallow_irq) | |
| Lies told: DREQ with no window armed | $(stat lies_dreq) | |
| Lies told: a target that takes more or less than XFER | $(stat lies_xfer) | |
| DMA transfers outside the window the driver armed (the model) | $(stat windows_outside) | |
| Binds with one allocation failed (failslab, fail_page_alloc) | $(stat probe_failures) | $(held campaign 'a failed probe leaves nothing') |
| Commands under allocation failures: verified / failed cleanly | $(stat injected_io_ok) / $(stat injected_io_errors) | $(held campaign '.*under allocation failures') |
| Streams of verified I/O on 4 disks over 2 adapters | 4 | $(held campaign 'stream ') |
| Bytes written, read back and compared by the streams | $(stat bytes_verified) | |
| Resets injected at random during the streams | $(stat resets) | |
| rmmod/insmod cycles under I/O (rmmod refused while in use) | $(stat reloads) ($(stat rmmod_refused_busy)) | $(held campaign 'rmmod and insmod') |
| Commands fuzzed through sg, bsg and O_DIRECT (2 adapters) | $(stat fuzz_commands) | $(held 'campaign*' 'fuzz .*-bit: [0-9]* commands') |
| Canary bytes changed by the fuzzing | $(stat fuzz_canary_bytes_changed) | $(held 'campaign*' 'fuzz .*canary') |
| KASAN reports | $(count '*' "${k}.*BUG: KASAN") | |
| UBSAN reports | $(count '*' "${k}.*UBSAN: ") | |
| Lockdep reports | $(count '*' "${k}.*(WARNING: .*(lock|recursion)|possible (circular|recursive) locking|inconsistent lock state)") | |
| Sleeping in atomic context | $(count '*' "${k}.*BUG: sleeping function") | |
| Hung tasks | $(count '*' "${k}.*INFO: task .* blocked for more than") | |
| DMA API checker errors | $(stat dma_api_errors) | |
| kmemleak: objects leaked | $(stat kmemleak_leaks) | |
| Kernel reports of any kind, the above included | $(consoles '*' | guest_kernel_reports | grep -c . || true) | |
| Campaign checks | $(checks_of 'campaign*') | |
EOF
}

# campaign_logs KERNEL: where the campaign's consoles go.  A short run
# starts afresh; a full one goes on in the directory of the last run that
# tested the same sources with the same debug kernel.
campaign_logs() {
	local key
	if [ "$mode" = full ] && git -C "$SUBDMA_TOP" rev-parse -q --verify HEAD >/dev/null; then
		key=$(content_hash "$("$SUBDMA_TOP/tests/reliability/kernel.sh" "$1")" \
			"$(git -C "$SUBDMA_TOP" ls-files -s -- drivers tests Makefile \
				':!tests/reliability/results.md')" \
			"$(git -C "$SUBDMA_TOP" diff HEAD -- drivers tests Makefile \
				':!tests/reliability/results.md')") || return 1
		mkdir -p "$SUBDMA_CACHE/logs/reliability-full-$1-$key"
		ln -sfn "reliability-full-$1-$key" "$SUBDMA_CACHE/logs/reliability-$1-latest"
		echo "$SUBDMA_CACHE/logs/reliability-full-$1-$key"
	else
		guest_logs "reliability-$1"
	fi
}

status=0
results=
for kernel in $kernels; do
	if [ -n "${SUBDMA_REL_REPORT_ONLY:-}" ]; then
		logs=$SUBDMA_CACHE/logs/reliability-$kernel-latest
		[ -d "$logs" ] || die "no logs of an earlier run on $kernel in $logs"
		kernel_dir=$("$SUBDMA_TOP/tests/reliability/kernel.sh" "$kernel")
	else
		logs=${SUBDMA_REL_LOGS:-$(campaign_logs "$kernel")} || exit 1
		mkdir -p "$logs"
		campaign "$kernel" || status=1
	fi
	table=$(report)
	echo
	echo "Debug test kernel $kernel:"
	echo "$table"
	[ $status = 0 ] || log "console logs: $logs"
	results+="
## $kernel: debug test kernel $(basename "$(echo "$kernel_dir"/lib/modules/*)")

$table
"
done
if [ "$mode" = full ]; then
	{
		echo "# Reliability: results of \`make check-full\`"
		echo
		echo "Produced by tests/reliability/run.sh full on $(date -u +%Y-%m-%d);"
		echo "every number is counted from the guests' consoles."
		echo "$results"
	} >"$SUBDMA_TOP/tests/reliability/results.md"
	log "wrote tests/reliability/results.md"
fi
exit $status
