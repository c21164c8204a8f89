# SPDX-License-Identifier: GPL-2.0-or-later
# The one guest runner: how the end-to-end suite, the reliability
# campaign, the benchmark and the adapter smoke test boot a guest, where
# their logs go, and how a guest's console becomes checks.  Sourced after
# common.sh; the caller sets GUEST_QEMU, GUEST_KERNEL and GUEST_INITRD.
# shellcheck shell=bash

# What counts as a report of the kernel's: one extended regular
# expression a line, for the host's reading of a console and, copied into
# the guest image, for the guest's reading of its own log
GUEST_REPORTS=$SUBDMA_TOP/tests/lib/kernel-reports
# A line the kernel printed, not one of the suite's own
GUEST_KERNEL_LINE='^\[ *[0-9]+\.[0-9]+\] '

# guest_logs NAME: a new directory for the logs of one run of NAME, under
# the cache; NAME-latest points at it, and the ten newest runs are kept
guest_logs() {
	local base=$SUBDMA_CACHE/logs dir
	dir=$base/$1-$(date -u +%Y%m%dT%H%M%SZ)-$$
	mkdir -p "$dir"
	ln -sfn "${dir##*/}" "$base/$1-latest"
	find "$base" -maxdepth 1 -type d -name "$1-2*" | sort | head -n -10 |
		xargs -r rm -rf
	echo "$dir"
}

# guest_boot DIR NAME KERNEL-ARGS QEMU-ARGS...: boot the guest and wait
# for it to power off; its console goes to DIR/NAME.log, what QEMU says
# (guest errors, messages) to DIR/NAME.qemu.  A guest that has not
# reached init (it prints subdma-guest-start) after three minutes is
# booted again, twice at most: a kernel under TCG on a loaded machine now
# and then stops for good in its early self-tests.  A boot ends after
# SUBDMA_GUEST_TIMEOUT seconds (600) at most.
guest_boot() {
	local dir=$1 name=$2 append=$3
	shift 3
	local machine pid waited try
	mapfile -t machine < <(guest_machine "$GUEST_KERNEL" "$GUEST_INITRD" \
		"$append")
	for try in 1 2 3; do
		rm -f "$dir/$name.log" "$dir/$name.qemu"
		timeout "${SUBDMA_GUEST_TIMEOUT:-600}" "$GUEST_QEMU" \
			"${machine[@]}" -monitor none -serial "file:$dir/$name.log" \
			-d guest_errors -D "$dir/$name.qemu" "$@" \
			>"$dir/$name.out" 2>&1 &
		pid=$!
		waited=0
		while kill -0 $pid 2>/dev/null && [ $waited -lt 180 ] &&
			! grep -q subdma-guest-start "$dir/$name.log" 2>/dev/null; do
			sleep 1
			waited=$((waited + 1))
		done
		grep -q subdma-guest-start "$dir/$name.log" 2>/dev/null && break
		kill $pid 2>/dev/null || true
		wait $pid || true
		[ $try = 3 ] || log "$name: the guest did not reach init; booting again"
	done
	wait $pid || true
	cat "$dir/$name.out" >>"$dir/$name.qemu"
	rm -f "$dir/$name.out"
}

# guest_console DIR NAME: the console of a boot, without carriage returns
guest_console() {
	tr -d '\r' <"$1/$2.log" 2>/dev/null
}

# guest_kernel_reports: the kernel's reports among the console lines on
# standard input
guest_kernel_reports() {
	grep -E "$GUEST_KERNEL_LINE" | grep -E -f "$GUEST_REPORTS" || true
}

# guest_checks DIR NAME: the checks of a boot of a guest suite.  Its PASS
# and FAIL lines count as checks of their own; then the suite must have
# run to its end with the count it printed (subdma-suite-end PASSED
# FAILED) matching the console, the kernel must have reported nothing,
# and QEMU must have logged no guest error.
guest_checks() {
	local dir=$1 name=$2 line end counted reports
	while IFS= read -r line; do
		case $line in
		PASS\ *) check_pass "$name: ${line#PASS }" ;;
		FAIL\ *) check_fail "$name: ${line#FAIL }" ;;
		esac
	done < <(guest_console "$dir" "$name")
	end=$(guest_console "$dir" "$name" | sed -n 's/^subdma-suite-end //p')
	counted="$(guest_console "$dir" "$name" | grep -c '^PASS ' || true)"
	counted="$counted $(guest_console "$dir" "$name" | grep -c '^FAIL ' || true)"
	if [ -z "$end" ]; then
		check_fail "$name: the suite ran to its end" \
			"$(guest_console "$dir" "$name" | tail -n 5)"
	elif [ "$end" != "$counted" ]; then
		check_fail "$name: the suite ran to its end" \
			"the guest counted $end, the console shows $counted"
	else
		check_pass "$name: the suite ran to its end"
	fi
	reports=$(guest_console "$dir" "$name" | guest_kernel_reports)
	if [ -z "$reports" ]; then
		check_pass "$name: the console has no kernel report"
	else
		check_fail "$name: the console has no kernel report" \
			"$(head -n 3 <<<"$reports")"
	fi
	if [ -s "$dir/$name.qemu" ]; then
		check_fail "$name: QEMU logged no guest error" \
			"$(head -n 3 "$dir/$name.qemu")"
	else
		check_pass "$name: QEMU logged no guest error"
	fi
}
