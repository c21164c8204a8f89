#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the guest-side suite: one line per check, and the adapter's
# factory test interface through /dev/port (see subdma.rst).
# shellcheck disable=SC2034 # the constants are for the scripts that source this

# busybox runs its own applet of that name before PATH
lsscsi() { /usr/bin/lsscsi "$@"; }

passed=0 failed=0
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

port_write() {	# PORT BYTE
	# shellcheck disable=SC2059 # the format is the byte, as an octal escape
	printf "\\$(printf '%03o' "$2")" | dd of=/dev/port bs=1 seek="$1" 2>/dev/null
}

port_read() {	# PORT
	dd if=/dev/port bs=1 skip="$1" count=1 2>/dev/null | od -An -tu1 | tr -d ' '
}

# The test registers (32 bits, moved a byte at a time through TEST_DATA)
test_read() {	# IOBASE INDEX
	port_write $(($1 + 0x09)) "$2"
	v=0
	for i in 0 1 2 3; do
		v=$((v | $(port_read $(($1 + 0x0a))) << (8 * i)))
	done
	echo "$v"
}

test_write() {	# IOBASE INDEX VALUE
	port_write $(($1 + 0x09)) "$2"
	for i in 0 1 2 3; do
		port_write $(($1 + 0x0a)) $((($3 >> (8 * i)) & 255))
	done
}

# fault IOBASE KIND WHERE ARG COUNT: the next COUNT commands are struck
fault() {
	test_write "$1" 0 "$2"
	test_write "$1" 1 "$3"
	test_write "$1" 2 "$4"
	test_write "$1" 3 "$5"
}

FAULT_STALL=1 FAULT_SHORT=2 FAULT_LOST_IRQ=3 FAULT_SPURIOUS_IRQ=4
FAULT_SEL_TIMEOUT=5 FAULT_BUS_RESET=6 FAULT_CHECK=7
AT_SUBMIT=0 AT_FIRST_WINDOW=1 AT_LAST_WINDOW=2 AT_STATUS=3
STAT_WRAPPED=0x13 STAT_UNARMED_DREQ=0x14 STAT_FAULTS=0x16

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
host_stat() { cat "/sys/class/scsi_host/$1/$2"; }

# pattern FILE KIB SEED: reproducible data, different for each seed
pattern() {
	dd if=/dev/urandom of="$1" bs=1024 count="$2" 2>/dev/null
	printf 'seed %s\n' "$3" | dd of="$1" conv=notrunc 2>/dev/null
}
