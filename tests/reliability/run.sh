#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Reliability on the debug test kernel (KASAN, lockdep, atomic sleep, the
# DMA API checker, kmemleak, fault injection):
#   run.sh short   the end-to-end suite, the fault matrix on reads, a
#                  short stress with 10 reloads, 20000 commands of the
#                  fuzzer per adapter (make check)
#   run.sh full    the same with writes in the fault matrix, 5 minutes of
#                  stress, 50 reloads and a million commands of the fuzzer
#                  per adapter; writes tests/reliability/results.md
# Prints a report of what ran and what held; fails on any failed check
# or any report of the kernel's checkers.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/guest.sh
. "$SUBDMA_TOP/tests/lib/guest.sh"

mode=${1:-short}
case $mode in
short) rel="rel_stress=30 rel_reloads=10 rel_probe_step=3" timeout=1500 fuzz=20000 ;;
full) rel="rel_stress=300 rel_reloads=50 rel_writes=1" timeout=3000 fuzz=1000000 ;;
*) die "usage: run.sh short|full" ;;
esac
# the fuzzer's commands on both adapters, at 40 a second at least
rel="$rel rel_fuzz=$fuzz" timeout=$((timeout + 2 * fuzz / 40))
# SUBDMA_REL_REPORT_ONLY=1: the report of the last run's logs
if [ -n "${SUBDMA_REL_REPORT_ONLY:-}" ]; then
	logs=${SUBDMA_REL_LOGS:-$SUBDMA_CACHE/logs/reliability-latest}
	[ -d "$logs" ] || die "no logs of an earlier run in $logs"
fi

kernel_dir=$("$SUBDMA_TOP/tests/reliability/kernel.sh")
# the driver, built against the debug tree outside the source directory
ko_dir=$kernel_dir/subdma
rm -rf "$ko_dir"
mkdir -p "$ko_dir"
cp "$SUBDMA_TOP"/drivers/scsi/subdma/{Makefile,*.c,*.h} "$ko_dir/"
rm -f "$ko_dir"/*.mod.c
log "building the driver against the debug kernel"
make -s -C "$kernel_dir/build" M="$ko_dir" CONFIG_SCSI_SUBDMA=m modules \
	>/dev/null
# and the test helper, so that the in-place path runs under the DMA API
# checker: dma_map_sg() and dma_unmap_sg() on the suite's own buffers
lowmem_dir=$kernel_dir/lowmem
rm -rf "$lowmem_dir"
mkdir -p "$lowmem_dir"
cp "$SUBDMA_TOP"/tests/e2e/lowmem/{Makefile,subdma_lowmem.c} "$lowmem_dir/"
make -s -C "$kernel_dir/build" M="$lowmem_dir" modules >/dev/null

export SUBDMA_KERNEL_DIR=$kernel_dir SUBDMA_KO_DIR=$ko_dir
export SUBDMA_LOWMEM_DIR=$lowmem_dir
export SUBDMA_E2E_APPEND="e2e_debug=1 kmemleak=on"
status=0
if [ -z "${SUBDMA_REL_REPORT_ONLY:-}" ]; then
logs=${SUBDMA_REL_LOGS:-$(guest_logs reliability)}
mkdir -p "$logs"
log "the end-to-end suite on the debug kernel"
# the configurations of one adapter each; the campaign has two adapters,
# and the release kernels run the rest
SUBDMA_E2E_LOGS=$logs/e2e SUBDMA_E2E_ONLY="8-bit channel,16-bit channel" \
	"$SUBDMA_TOP/tests/e2e/run.sh" check |
	tee "$logs/e2e.out" || status=1
log "the reliability campaign ($mode)"
SUBDMA_E2E_LOGS=$logs/campaign SUBDMA_REL_APPEND=$rel SUBDMA_GUEST_TIMEOUT=$timeout \
	"$SUBDMA_TOP/tests/e2e/run.sh" reliability | tee "$logs/campaign.out" ||
	status=1
fi

# --- the report, from the consoles of the runs
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
checks_of() {	# LOG: "passed, failed" from a runner's summary line
	sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 passed, \2 failed/p' "$1" | tail -n 1
}
kernel_lines=$GUEST_KERNEL_LINE
report=$(
	cat <<EOF
| What ran | Count | Held |
|---|---|---|
| End-to-end suite on the debug kernel (8-bit and 16-bit channels) | $(checks_of "$logs/e2e.out") | |
| Bad module parameters, each refused with its message | $(count e2e '^(PASS|FAIL) refuses ') | $(held e2e 'refuses ') |
| Malformed and hostile commands (sg_raw, SG_IO) | $(count e2e '^(PASS|FAIL) rejects ') | $(held e2e 'rejects ') |
| Fault matrix cells (kind x place x width x direction) | $(stat fault_cells) | $(held campaign 'fault ') |
| Faults the adapter struck | $(stat faults_acted) | |
| Binds with one allocation failed (failslab, fail_page_alloc) | $(stat probe_failures) | $(held campaign 'a failed probe leaves nothing') |
| Commands under allocation failures: verified / failed cleanly | $(stat injected_io_ok) / $(stat injected_io_errors) | $(held campaign '.*under allocation failures') |
| Streams of verified I/O on 4 disks over 2 adapters | 4 | $(held campaign 'stream ') |
| Bytes written, read back and compared by the streams | $(stat bytes_verified) | |
| Resets injected at random during the streams | $(stat resets) | |
| rmmod/insmod cycles under I/O (rmmod refused while in use) | $(stat reloads) ($(stat rmmod_refused_busy)) | $(held campaign 'rmmod and insmod') |
| Commands fuzzed through sg, bsg and O_DIRECT (2 adapters) | $(stat fuzz_commands) | $(held campaign 'fuzz .*-bit: [0-9]* commands') |
| Canary bytes changed by the fuzzing | $(stat fuzz_canary_bytes_changed) | $(held campaign 'fuzz .*canary') |
| KASAN reports | $(count '*' "${kernel_lines}.*BUG: KASAN") | |
| Lockdep reports | $(count '*' "${kernel_lines}.*(WARNING: .*(lock|recursion)|possible (circular|recursive) locking|inconsistent lock state)") | |
| Sleeping in atomic context | $(count '*' "${kernel_lines}.*BUG: sleeping function") | |
| DMA API checker errors | $(stat dma_api_errors) | |
| kmemleak: objects leaked | $(stat kmemleak_leaks) | |
| Kernel reports of any kind, the above included | $(consoles '*' | guest_kernel_reports | grep -c . || true) | |
| Campaign checks | $(checks_of "$logs/campaign.out") | |
EOF
)
echo
echo "$report"
if [ "$mode" = full ]; then
	{
		echo "# Reliability: results of \`make check-full\`"
		echo
		echo "Debug test kernel $(basename "$(echo "$kernel_dir"/lib/modules/*)"), $(date -u +%Y-%m-%d)."
		echo "Produced by tests/reliability/run.sh full; every number is counted"
		echo "from the guests' consoles."
		echo
		echo "$report"
	} >"$SUBDMA_TOP/tests/reliability/results.md"
	log "wrote tests/reliability/results.md"
fi
[ $status = 0 ] || log "console logs: $logs"
exit $status
