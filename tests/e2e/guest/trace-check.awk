# SPDX-License-Identifier: GPL-2.0-or-later
#
# The DMA discipline, checked from subdma's trace events alone (the
# text of /sys/kernel/tracing/trace): per host, a command is mapped, each
# window is programmed and then flushed, the data is unmapped, and only
# then is the command completed - on success, error, abort and reset.
# Prints each breach, then one line of counts:
#   maps= windows= flushes= unmaps= completes= abort_unstarted=
#   reset_midwindow= breaches=
# abort_unstarted counts aborts that found a window programmed that had
# moved nothing; reset_midwindow resets that found one part moved.

function field(name,    i) {
	for (i = 1; i <= NF; i++)
		if (index($i, name "=") == 1)
			return substr($i, length(name) + 2)
	return ""
}

function breach(what) {
	breaches++
	printf "breach: host %s tag %s: %s (line %d)\n", host, tag, what, NR
}

/ subdma_[a-z]+: / {
	event = ""
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
	maps++
}

event == "subdma_window" {
	if (mapped[host] != tag)
		breach("a window for a command that is not mapped")
	if (window[host])
		breach("a window over one not flushed")
	window[host] = 1
	windows++
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
	mapped[host] = ""
	unmaps++
}

event == "subdma_complete" {
	if (mapped[host] == tag)
		breach("completed while still mapped")
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
	printf "maps=%d windows=%d flushes=%d unmaps=%d completes=%d abort_unstarted=%d reset_midwindow=%d breaches=%d\n",
	       maps, windows, flushes, unmaps, completes, abort_unstarted,
	       reset_midwindow, breaches
}
