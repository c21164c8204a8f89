#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install subdma-dkms as a user would, in a clean Debian root: the headers
# of the release's first kernel, then `apt install ./subdma-dkms_*.deb`
# (DKMS builds the module), then the headers of a second kernel, as an
# upgrade brings them (DKMS builds again), then `apt remove`.  One line
# per check; the modules DKMS built are copied to OUT/ABI/.
#   install.sh RELEASE DEB OUT       RELEASE: bookworm or trixie
# The clean root (debootstrap --variant=minbase) is cached; every run
# works in a fresh copy of it, and the packages it downloads are kept.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/kernels.sh
. "$SUBDMA_TOP/tests/lib/kernels.sh"

[ $# -eq 3 ] || die "usage: $0 bookworm|trixie DEB OUT"
release=$1 deb=$2 out=$3
# the kernels of each release, in the order a user gets them: the
# release's own, then the one its backports bring
case $release in
bookworm) kernels=("$(target_abi 6.1)" "$(target_abi 6.12)") ;;
trixie) kernels=("$(suite_kernel_abi trixie)" "$(target_abi 7.3)") ;;
*) die "unknown release '$release' (bookworm or trixie)" ;;
esac
[ -f "$deb" ] || die "no package at $deb"

# clean_root: the release as debootstrap makes it, with its backports in
# its sources and nothing else; cached, keyed by what went into it
clean_root() {
	local key root sources
	need_packages debootstrap debian-archive-keyring
	# what the installer writes: the release, its updates and security
	# fixes, and its backports
	sources="Types: deb
URIs: $SUBDMA_MIRROR
Suites: $release $release-updates $release-backports
Components: main
Signed-By: $SUBDMA_KEYRING

Types: deb
URIs: ${SUBDMA_MIRROR%/debian}/debian-security
Suites: $release-security
Components: main
Signed-By: $SUBDMA_KEYRING"
	key=$(content_hash "$release" "$SUBDMA_MIRROR" "$sources" \
		"$(dpkg-query -W -f='${Version}' debootstrap)")
	root=$SUBDMA_CACHE/dkms-root-$release-$key
	if [ -f "$root/.complete" ]; then
		echo "$root"
		return 0
	fi
	log "making a clean Debian $release root (minutes)"
	rm -rf --one-file-system "$root"
	nice -n 19 debootstrap --variant=minbase --keyring="$SUBDMA_KEYRING" \
		"$release" "$root" "$SUBDMA_MIRROR" >"$root.log" 2>&1 ||
		die "debootstrap $release failed; see $root.log"
	rm -f "$root/etc/apt/sources.list"
	echo "$sources" >"$root/etc/apt/sources.list.d/debian.sources"
	touch "$root/.complete"
	echo "$root"
}

base=$(cache_lock "dkms-root-$release" && clean_root)
root=$SUBDMA_CACHE/dkms-work-$release
archives=$SUBDMA_CACHE/dkms-archives-$release
mkdir -p "$SUBDMA_CACHE/logs"
log_file=$SUBDMA_CACHE/logs/dkms-$release.log
: >"$log_file"

# the root, its downloads and a copy of the package, for this run only
cleanup() {
	umount "$root/var/cache/apt/archives" 2>/dev/null || true
	rm -rf --one-file-system "$root"
}
cleanup
trap cleanup EXIT
cp -a "$base" "$root"
mkdir -p "$archives/partial" "$root/var/cache/apt/archives"
mount --bind "$archives" "$root/var/cache/apt/archives"
cp "$deb" "$root/tmp/"
pkg=/tmp/${deb##*/}
version=$(dpkg-deb -f "$deb" Version)

# run_in COMMAND...: a command in the root, its output in the log
run_in() {
	printf '\n### %s\n' "$*" >>"$log_file"
	in_root "$root" env DEBIAN_FRONTEND=noninteractive "$@" >>"$log_file" 2>&1
}

# step NAME COMMAND...: a command in the root must succeed and print no
# error; the end of the log tells why it failed
step() {
	local name=$1 from
	shift
	from=$(wc -l <"$log_file")
	if run_in "$@" && ! tail -n +"$((from + 1))" "$log_file" |
		grep -qiE '^(error|e:)|dkms.*(error|failed)|bad exit status'; then
		check_pass "$release: $name"
	else
		check_fail "$release: $name" "$(tail -n 3 "$log_file" | tr '\n' ' ')"
	fi
}

# headers ABI: the install line of a kernel's headers (backports' from
# backports, as a user asks for them)
headers() {
	local target=
	in_root "$root" apt-cache policy "linux-headers-$1" 2>/dev/null |
		grep -q " $release-backports/" && target="-t $release-backports"
	echo "apt-get install -y -q --no-install-recommends $target linux-headers-$1"
}

# built ABI: DKMS says the module is installed for the kernel, and it is
# where modules of that kernel are found, built for that kernel
built() {
	local abi=$1 ko status
	ko=$(in_root "$root" sh -c "ls /lib/modules/$abi/updates/dkms/subdma.ko* 2>/dev/null" || true)
	status=$(in_root "$root" dkms status subdma 2>/dev/null || true)
	if [ -n "$ko" ] && [[ $'\n'$status$'\n' == *$'\n'"subdma/$version, $abi, "*": installed"$'\n'* ]]; then
		check_pass "$release: DKMS built and installed the module for $abi"
	else
		check_fail "$release: DKMS built and installed the module for $abi" \
			"dkms status: $(tr '\n' ' ' <<<"$status")"
		return 0
	fi
	check_equal "$release: its vermagic is $abi's" "$abi" \
		"$(in_root "$root" modinfo -F vermagic "$ko" | cut -d' ' -f1)"
	mkdir -p "$out/$abi"
	cp "$root$ko" "$out/$abi/"
}

log "subdma-dkms in a clean Debian $release root (${kernels[*]}); log: $log_file"
rm -rf "$out"
step "apt-get update" apt-get update -q
step "headers of ${kernels[0]} installed" sh -c "$(headers "${kernels[0]}")"
step "apt install ./${deb##*/}" apt-get install -y -q --no-install-recommends "$pkg"
built "${kernels[0]}"
step "headers of ${kernels[1]} installed, as an upgrade brings them" \
	sh -c "$(headers "${kernels[1]}")"
built "${kernels[1]}"
step "apt remove subdma-dkms" apt-get remove -y -q subdma-dkms
left=$(in_root "$root" sh -c 'ls -d /lib/modules/*/updates/dkms/subdma.ko* \
	/usr/src/subdma-* /var/lib/dkms/subdma 2>/dev/null' || true)
check_equal "$release: apt remove leaves no module and no source" "" \
	"$(echo "$left" | tr '\n' ' ' | sed 's/ $//')"
check_summary
