# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the project's build and test scripts; sourced, not run.
# shellcheck shell=bash

SUBDMA_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SUBDMA_CACHE=${SUBDMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/subdma}
export SUBDMA_TOP SUBDMA_CACHE

log() {
	printf 'subdma: %s\n' "$*" >&2
}

die() {
	printf 'subdma: error: %s\n' "$*" >&2
	exit 1
}

# cache_lock NAME: hold the lock NAME under the cache until the script
# exits, so that runs in parallel (make -j) build each thing once
cache_lock() {
	local fd
	mkdir -p "$SUBDMA_CACHE"
	exec {fd}>"$SUBDMA_CACHE/$1.lock"
	flock "$fd"
}

# Short content hash of files and strings, for cache keys.
content_hash() {
	local item
	for item in "$@"; do
		if [ -f "$item" ]; then
			printf '%s\n' "${item#"$SUBDMA_TOP"/}"
			cat "$item"
		else
			printf '%s\n' "$item"
		fi
	done | sha256sum | cut -c1-16
}

apt_updated=

# Refresh the package lists once an hour at most, whichever script asks
apt_update_once() {
	local stamp=$SUBDMA_CACHE/apt-updated
	[ -n "$apt_updated" ] && return 0
	apt_updated=1
	if [ -n "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || return 0
	log "refreshing the package lists"
	apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null ||
		die "apt-get update failed"
	mkdir -p "$SUBDMA_CACHE"
	touch "$stamp"
}

# Install the Debian packages that are not installed yet.
need_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$pkg")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] ||
		die "missing packages: ${missing[*]} (install them, or run as root)"
	apt_update_once
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		-o DPkg::Lock::Timeout=600 --no-install-recommends \
		"${missing[@]}" >/dev/null ||
		die "could not install ${missing[*]}"
}

# Source packages need deb-src entries; add them beside the binary ones.
enable_deb_src() {
	if apt-get source --print-uris "$1" >/dev/null 2>&1; then
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || die "no deb-src entry for $1 (add one, or run as root)"
	local list=/etc/apt/sources.list.d/subdma-deb-src.sources
	log "adding deb-src entries for Debian bookworm"
	# apt refuses two entries for one archive that name different keys
	local signed
	signed=$(grep -hs '^Signed-By:' /etc/apt/sources.list.d/*.sources | head -n 1 || true)
	cat >"$list" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
$signed

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
$signed
SRC
	apt_updated=
	rm -f "$SUBDMA_CACHE/apt-updated"
	apt_update_once
	apt-get source --print-uris "$1" >/dev/null 2>&1 ||
		die "still no source package $1 after adding $list"
}

# The version of Debian's qemu source package (deb-src entries needed)
qemu_source_version() {
	local version
	version=$(apt-get source --print-uris qemu |
		sed -n "s/.* qemu_\(.*\)\.dsc .*/\1/p")
	[ -n "$version" ] || die "cannot tell the version of Debian's qemu source"
	echo "$version"
}

# unpack_qemu_source VERSION DEST: Debian's qemu source, with Debian's own
# patches applied, unpacked into DEST (downloaded into the cache)
unpack_qemu_source() {
	(
		mkdir -p "$SUBDMA_CACHE/downloads"
		cd "$SUBDMA_CACHE/downloads"
		apt-get source -q -o APT::Sandbox::User=root --download-only \
			qemu >/dev/null
		dpkg-source -x "qemu_$1.dsc" "$2" >/dev/null 2>&1
	) || die "could not fetch and unpack Debian's qemu $1"
}

# The test kernel's ABI (6.1.0-N-amd64): what linux-image-amd64 points to
# now, so that its image and its headers always match.
kernel_abi() {
	local pkg
	apt_update_once
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }' || true)
	[ -n "$pkg" ] || die "cannot tell which kernel linux-image-amd64 is"
	echo "${pkg#linux-image-}"
}

# guest_machine VMLINUZ INITRD APPEND: the machine every guest boots on,
# one argument a line; callers add the console, the devices, the monitor
# and a timeout.
guest_machine() {
	printf '%s\n' -M pc -m 512 -display none -nic none -no-reboot \
		-kernel "$1" -initrd "$2" \
		-append "console=ttyS0 panic=-1 loglevel=4 $3"
}

# The version of a binary package that apt would install now.
candidate_version() {
	apt-cache policy "$1" | awk '/Candidate:/ { print $2 }'
}

# Unpack a Debian binary package (no installation) into a directory.
unpack_deb() {
	local pkg=$1 dest=$2 tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null) ||
		die "could not download $pkg"
	mkdir -p "$dest"
	dpkg-deb -x "$tmp"/*.deb "$dest"
	rm -rf "$tmp"
}

# One line per check, then a summary; the caller exits with check_summary.
checks_passed=0
checks_failed=0

check_pass() {
	checks_passed=$((checks_passed + 1))
	printf 'PASS %s\n' "$1"
}

check_fail() {
	checks_failed=$((checks_failed + 1))
	printf 'FAIL %s%s\n' "$1" "${2:+: $2}"
}

# check_equal NAME EXPECTED ACTUAL
check_equal() {
	if [ "$2" = "$3" ]; then
		check_pass "$1"
	else
		check_fail "$1" "expected '$2', got '$3'"
	fi
}

check_summary() {
	printf '%d passed, %d failed\n' "$checks_passed" "$checks_failed"
	[ "$checks_failed" -eq 0 ] && [ "$checks_passed" -gt 0 ]
}
