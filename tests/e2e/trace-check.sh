#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The trace checker of the end-to-end suite (guest/trace-check.awk), run
# here with the guest's own awk on traces written by hand: it passes the
# discipline kept, and names each way of breaking it.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

need_packages busybox-static
checker=$SUBDMA_TOP/tests/e2e/guest/trace-check.awk

# ev EVENT FIELDS...: one line as /sys/kernel/tracing/trace prints it
ev() {
	local event=$1
	shift
	printf '           sg_dd-99      [000] d..1.    12.345678: %s: %s\n' \
		"$event" "$*"
}
# a command and the bus addresses it may use: 8 KiB at 1 MiB, or
# SEGMENTS of ADDR+LEN
map() {
	local tag=$1 seg
	shift
	ev subdma_map "host=0 tag=$tag op=0x28 len=8192 entries=1 mapped=1 via=in-place"
	for seg in "${@:-0x100000+8192}"; do
		ev subdma_segment "host=0 tag=$tag addr=${seg%+*} len=${seg#*+}"
	done
}
# a command through map registers of two 8 KiB halves at 1 MiB
mapregs() {
	ev subdma_map "host=0 tag=$1 op=0x28 len=8192 entries=1 mapped=0 via=mapregs"
	ev subdma_segment "host=0 tag=$1 addr=0x100000 len=8192"
	ev subdma_segment "host=0 tag=$1 addr=0x102000 len=8192"
}
# window TAG [LEN [ADDR [CHANNEL]]]
window() { ev subdma_window "host=0 tag=$1 chan=${4:-1} addr=${3:-0x100000} len=${2:-8192} dir=in"; }
flush() { ev subdma_flush "host=0 tag=$1 len=${3:-8192} adapter=$2 channel=$2 residue=0 done=$2"; }
unmap() { ev subdma_unmap "host=0 tag=$1 len=8192 done=${2:-8192} via=mapregs"; }
complete() { ev subdma_complete "host=0 tag=$1 op=0x28 result=0x0 resid=0 from=${2:-release}"; }
eh() { ev subdma_eh "host=0 op=$1 target=0 held=$2 window=$3"; }
lost() { echo "CPU:0 [LOST 12 EVENTS]"; }

# expect NAME PATTERN STEP...: the checker's report of the trace that the
# steps print (each a function above and its words) matches PATTERN
expect() {
	local name=$1 pattern=$2 report step
	shift 2
	# shellcheck disable=SC2086 # a step is a function and its words
	report=$(for step in "$@"; do $step; done | busybox awk -f "$checker")
	if grep -qE -- "$pattern" <<<"$report"; then
		check_pass "trace checker: $name"
	else
		check_fail "trace checker: $name" "$report"
	fi
}

expect "two windows, flushed, unmapped, completed" \
	'maps=1 windows=2 flushes=2 unmaps=1 completes=1 .*checked=2 twice=0 lost=0 breaches=0' \
	"map 1" "window 1" "flush 1 4096" "window 1" "flush 1 4096" \
	"unmap 1" "complete 1"
expect "a window over two adjacent segments" 'checked=1 twice=0 lost=0 breaches=0' \
	"map 1 0x20000+4096 0x21000+4096" "window 1 8192 0x20000" "flush 1 8192" \
	"unmap 1" "complete 1"
expect "a window across the map registers' halves" 'outside what was mapped' \
	"mapregs 1" "window 1 8192 0x101000" "flush 1 8192" "unmap 1" "complete 1"
expect "a window in one half of the map registers" 'checked=1 twice=0 lost=0 breaches=0' \
	"mapregs 1" "window 1 8192 0x102000" "flush 1 8192" "unmap 1" "complete 1"
expect "a window past its segment" 'outside what was mapped' \
	"map 1 0x20000+4096 0x30000+4096" "window 1 8192 0x20000" "flush 1 8192" \
	"unmap 1" "complete 1"
expect "a window where nothing was mapped" 'outside what was mapped' \
	"map 1" "window 1 512 0x0ff000" "flush 1 512" "unmap 1" "complete 1"
expect "a window across a 64 KiB page" 'across a DMA page' \
	"map 1 0x2f000+8192" "window 1 8192 0x2f000" "flush 1 8192" \
	"unmap 1" "complete 1"
expect "a window of a 16-bit channel within 128 KiB" 'checked=1 twice=0 lost=0 breaches=0' \
	"map 1 0x2f000+8192" "window 1 8192 0x2f000 5" "flush 1 8192" \
	"unmap 1" "complete 1"
expect "a window above 16 MiB" 'above 16 MiB' \
	"map 1 0x1000000+8192" "window 1 8192 0x1000000 5" "flush 1 8192" \
	"unmap 1" "complete 1"
expect "an abort before the window started, a reset mid-window" \
	'abort_unstarted=1 reset_midwindow=1 checked=2 twice=0 lost=0 breaches=0' \
	"map 1" "window 1" "eh abort 1 programmed" "flush 1 0" "unmap 1" \
	"eh device-reset -1 none" \
	"map 2" "window 2" "eh device-reset 2 programmed" "flush 2 4096" \
	"unmap 2" "complete 2"
expect "refused twice, then released once" 'completes=3 .*twice=0 lost=0 breaches=0' \
	"complete 1 refusal" "complete 1 refusal" "map 1" "window 1" \
	"flush 1 8192" "unmap 1" "complete 1"
expect "completed twice" 'twice=1 lost=0 breaches=1' \
	"map 1" "window 1" "flush 1 8192" "unmap 1" "complete 1" "complete 1"
expect "completed twice after an abort" 'twice=1 lost=0 breaches=1' \
	"map 1" "window 1" "flush 1 8192" "unmap 1" "complete 1" \
	"map 1" "window 1" "eh abort 1 programmed" "flush 1 0" "unmap 1" \
	"complete 2 refusal" "complete 1" "complete 1"
expect "unmapped having moved more than the command holds" 'moved more than the command holds' \
	"map 1" "window 1" "flush 1 8192" "unmap 1 8193" "complete 1"
expect "a lost marker is no step, and is counted" 'completes=1 .*lost=1 breaches=0' \
	"map 1" "window 1" "flush 1 8192" "unmap 1" "complete 1" "lost"
expect "completed before the unmap" 'completed while still mapped' \
	"map 1" "window 1" "flush 1 8192" "complete 1" "unmap 1"
expect "unmapped with a window programmed" 'its window not flushed' \
	"map 1" "window 1" "unmap 1" "complete 1"
expect "a window over one not flushed" 'a window over one not flushed' \
	"map 1" "window 1" "window 1" "flush 1 8192" "unmap 1" "complete 1"
expect "a flush of no window" 'a flush with no window programmed' \
	"map 1" "window 1" "flush 1 8192" "flush 1 8192" "unmap 1" "complete 1"
expect "a second command mapped over the first" 'while tag 1 is still mapped' \
	"map 1" "window 1" "flush 1 8192" "map 2"
expect "a command never unmapped" 'still mapped at the end' \
	"map 1" "window 1" "flush 1 8192"
check_summary
