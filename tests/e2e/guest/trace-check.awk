# SPDX-License-Identifier: GPL-2.0-or-later
#
# The DMA discipline, checked from subdma's trace events alone (the
# text of /sys/kernel/tracing/trace): per host, a command is mapped, each
# window is programmed and then flushed, the data is unmapped, and only
# then is the command completed - on success, error, abort and reset.
# Every window lies in the bus addresses the command's subdma_segment
# events gave (in place, a run of adjacent ones may hold it), below 16 MiB and
# inside one DMA page (64 KiB on channels 0-3, 128 KiB on 5-7).
# Prints each breach, then one line of counts:
#   maps= windows= flushes= unmaps= completes= abort_unstarted=
#   reset_midwindow= checked= twice= lost= breaches=
# abort_unstarted counts aborts that found a window programmed that had
# moved nothing; reset_midwindow resets that found one part moved.

function field(name,    i) {
	for (i = 1; i <= NF; i++)
		if (index($i, name "=") == 1)
			return substr($i, length(name) + 2)
	return ""
}

function hex(s,    i, n) {
	s = tolower(s)
	sub(/^0x/, "", s)
	n = 0
	for (i = 1; i <= length(s); i++)
		n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return n
}

# inside(HOST, ADDR, LEN): the window lies in one of the host's segments,
# or, in place, in a run of adjacent ones (never across the halves of the
# map registers)
function inside(h, a, l,    k, end) {
	end = a + l
	for (k = 0; k < nseg[h]; k++)
		if (sa[h, k] <= a && a < sa[h, k] + sl[h, k])
			break
	if (k == nseg[h])
		return 0
	while (end > sa[h, k] + sl[h, k]) {
		if (bounce[h] || k + 1 >= nseg[h] ||
		    sa[h, k + 1] != sa[h, k] + sl[h, k])
			return 0
		k++
	}
	return 1
}

function breach(what) {
	breaches++
	printf "breach: host %s tag %s: %s (line %d)\n", host, tag, what, NR
}

# a line that is no event (a LOST marker, a buffer's start) is no step
{ event = "" }

/LOST/ { lost++ }

/ subdma_[a-z]+: / {
	for (i = 1; i <= NF; i++)
		if ($i ~ /^subdma_[a-z]+:$/)
			event = substr($i, 1, length($i) - 1)
	host = field("host")
	tag = field("tag")
}

event == "subdma_map" {
	if (mapped[host] != "")
		breach("mapped while tag " mapped[host] " is still mapped")
	mapped[host] = tag
	window[host] = 0
	nseg[host] = 0
	unmapped[host, tag] = 0
	maplen[host] = field("len") + 0
	bounce[host] = field("via") == "mapregs"
	maps++
}

event == "subdma_segment" {
	if (mapped[host] != tag)
		breach("a segment for a command that is not mapped")
	sa[host, nseg[host]] = hex(field("addr"))
	sl[host, nseg[host]] = field("len") + 0
	nseg[host]++
}

event == "subdma_window" {
	if (mapped[host] != tag)
		breach("a window for a command that is not mapped")
	if (window[host])
		breach("a window over one not flushed")
	window[host] = 1
	windows++
	a = hex(field("addr"))
	l = field("len") + 0
	page = field("chan") >= 4 ? 131072 : 65536
	if (l == 0)
		breach("an empty window")
	else if (!inside(host, a, l))
		breach(sprintf("window 0x%06x+%d outside what was mapped", a, l))
	else if (int(a / page) != int((a + l - 1) / page))
		breach(sprintf("window 0x%06x+%d across a DMA page", a, l))
	else if (a + l > 16777216)
		breach(sprintf("window 0x%06x+%d above 16 MiB", a, l))
	else
		checked++
}

event == "subdma_flush" {
	if (!window[host])
		breach("a flush with no window programmed")
	if (mapped[host] != tag)
		breach("a flush for a command that is not mapped")
	window[host] = 0
	flushes++
	moved = field("channel") + 0
	if (eh[host] == "abort" && moved == 0)
		abort_unstarted++
	if (eh[host] ~ /reset/ && moved > 0 && moved < field("len") + 0)
		reset_midwindow++
	eh[host] = ""
}

event == "subdma_unmap" {
	if (mapped[host] != tag)
		breach("an unmap for a command that is not mapped")
	if (window[host])
		breach("unmapped with its window not flushed")
	if (field("done") + 0 > maplen[host])
		breach("unmapped having moved more than the command holds")
	mapped[host] = ""
	unmapped[host, tag] = 1
	unmaps++
}

event == "subdma_complete" {
	if (mapped[host] == tag)
		breach("completed while still mapped")
	if (field("from") == "release") {
		# once for each unmap: a second completion would finish the
		# midlayer's retry of the command, or another command
		if (field("resid") + 0 > maplen[host])
			breach("completed with a residue past its length")
		if (!unmapped[host, tag]) {
			twice++
			breach("completed with no unmap since its last completion")
		}
		unmapped[host, tag] = 0
	}
	completes++
}

event == "subdma_eh" {
	eh[host] = field("window") == "programmed" ? field("op") : ""
}

END {
	for (host in mapped)
		if (mapped[host] != "") {
			tag = mapped[host]
			breach("still mapped at the end of the trace")
		}
	printf "maps=%d windows=%d flushes=%d unmaps=%d completes=%d abort_unstarted=%d reset_midwindow=%d checked=%d twice=%d lost=%d breaches=%d\n",
	       maps, windows, flushes, unmaps, completes, abort_unstarted,
	       reset_midwindow, checked, twice, lost, breaches
}
