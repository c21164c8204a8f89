# SPDX-License-Identifier: GPL-2.0-or-later
# The kernels the driver is built and tested for, and where each one's
# image, headers and source come from; sourced after common.sh.
#
#   6.1   Debian 12's own kernel (bookworm), from the host's apt sources
#   6.12  bookworm-backports' kernel, built with the host's gcc-12
#   7.3   trixie-backports' kernel, built with gcc-14 inside a Debian 13
#         root made with debootstrap (its tools need Debian 13's libc)
#
# Each is what the archive's linux-image-amd64 points to now.  Other
# suites' packages are fetched with a private apt configuration under the
# cache, never through the host's own sources, and are unpacked, not
# installed, on the host.
# shellcheck shell=bash

SUBDMA_KERNELS_ALL="6.1 6.12 7.3"
# the kernels make check runs (SUBDMA_KERNELS="6.1" for one)
SUBDMA_KERNELS=${SUBDMA_KERNELS:-$SUBDMA_KERNELS_ALL}
SUBDMA_MIRROR=http://deb.debian.org/debian
SUBDMA_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# kernel_suite KERNEL: the suite whose linux-image-amd64 is that kernel
kernel_suite() {
	case $1 in
	6.1) echo bookworm ;;
	6.12) echo bookworm-backports ;;
	7.3) echo trixie-backports ;;
	*) die "unknown kernel '$1' (known: $SUBDMA_KERNELS_ALL)" ;;
	esac
}

# The newest kernel: the one the series for the kernel tree is made for
export SUBDMA_KERNEL_NEWEST=${SUBDMA_KERNELS_ALL##* }

# kernel_root KERNEL: the release of the build root the kernel needs, or
# nothing when the host builds for it
kernel_root() {
	case $1 in
	7.3) echo trixie ;;
	*) kernel_suite "$1" >/dev/null ;;
	esac
}

# suite_apt_dir SUITE: a private apt configuration for SUITE alone, its
# lists refreshed once an hour at most.  The host's sources, state and
# packages are left alone.
suite_apt_dir() {
	local suite=$1 dir=$SUBDMA_CACHE/apt/$1
	if [ ! -f "$dir/sources.sources" ]; then
		mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial"
		cat >"$dir/sources.sources.tmp" <<SRC
Types: deb
URIs: $SUBDMA_MIRROR
Suites: $suite
Components: main
Signed-By: $SUBDMA_KEYRING
SRC
		mv "$dir/sources.sources.tmp" "$dir/sources.sources"
	fi
	if [ -z "$(find "$dir/updated" -mmin -60 2>/dev/null)" ]; then
		need_packages debian-archive-keyring
		# one refresh at a time, whoever asks (make -j)
		(
			flock 9
			[ -n "$(find "$dir/updated" -mmin -60 2>/dev/null)" ] && exit 0
			log "refreshing the package lists of $suite"
			suite_apt_get "$suite" update -q >/dev/null ||
				die "apt-get update of $suite failed"
			touch "$dir/updated"
		) 9>"$dir.lock" || exit 1
	fi
	echo "$dir"
}

suite_apt_opts() {
	local dir=$SUBDMA_CACHE/apt/$1
	printf '%s\n' -o "Dir::Etc::SourceList=$dir/sources.sources" \
		-o Dir::Etc::SourceParts=/dev/null -o "Dir::State=$dir/state" \
		-o Dir::State::status=/dev/null -o "Dir::Cache=$dir/cache" \
		-o APT::Sandbox::User=root -o Debug::NoLocking=1
}

# suite_apt_get SUITE ARGS...: apt-get with the private configuration
suite_apt_get() {
	local opts
	mapfile -t opts < <(suite_apt_opts "$1")
	shift
	apt-get "${opts[@]}" "$@"
}

# suite_apt_cache SUITE ARGS...: apt-cache with the private configuration
suite_apt_cache() {
	local opts
	suite_apt_dir "$1" >/dev/null
	mapfile -t opts < <(suite_apt_opts "$1")
	shift
	apt-cache "${opts[@]}" "$@"
}

# suite_version SUITE PACKAGE: the newest version of PACKAGE in SUITE
suite_version() {
	suite_apt_cache "$1" policy "$2" | awk '/Candidate:/ { print $2 }'
}

# suite_kernel_abi SUITE: what SUITE's linux-image-amd64 points to
# (6.12.95+deb12-amd64)
suite_kernel_abi() {
	local pkg
	pkg=$(suite_apt_cache "$1" depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }' || true)
	[ -n "$pkg" ] || die "cannot tell which kernel $1's linux-image-amd64 is"
	echo "${pkg#linux-image-}"
}

# suite_unpack SUITE DEST PACKAGE...: unpack (not install) packages of
# SUITE into DEST
suite_unpack() {
	local suite=$1 dest=$2 tmp deb
	shift 2
	suite_apt_dir "$suite" >/dev/null
	tmp=$(mktemp -d)
	(cd "$tmp" && suite_apt_get "$suite" download -q "$@" >/dev/null 2>&1) ||
		die "could not download $* from $suite"
	mkdir -p "$dest"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$dest"
	done
	rm -rf "$tmp"
}

# target_abi KERNEL: the ABI of the kernel's image (6.1.0-56-amd64)
target_abi() {
	local suite
	suite=$(kernel_suite "$1")
	if [ "$suite" = bookworm ]; then
		kernel_abi
	else
		suite_kernel_abi "$suite"
	fi
}

# build_root RELEASE: a Debian RELEASE root made with debootstrap, with
# its backports in its sources and the compiler, the kernel's headers and
# its source in it; cached under the cache dir, keyed by the suite and
# the versions of what it holds.  Prints its path.
build_root() {
	local release=$1 bpo=$1-backports abi key root pkgs
	abi=$(suite_kernel_abi "$bpo")
	pkgs="gcc-14 make flex bison bc python3 libc6-dev xz-utils kmod sparse"
	# and for the debug test kernel (tests/reliability/kernel.sh)
	pkgs="$pkgs libelf-dev libssl-dev"
	pkgs="$pkgs linux-headers-$abi linux-source-$(abi_series "$abi")"
	key=$(content_hash "$release" "$pkgs" \
		"$(suite_version "$bpo" "linux-headers-$abi")" \
		"$(suite_version "$bpo" "linux-source-$(abi_series "$abi")")" \
		"$(suite_version "$release" gcc-14)")
	root=$SUBDMA_CACHE/root-$release-$key
	if [ -f "$root/.complete" ]; then
		echo "$root"
		return 0
	fi
	need_packages debootstrap debian-archive-keyring
	log "making a Debian $release build root (minutes)"
	# what an interrupted run left is made again (never through a mount
	# it may have left behind, such as the host's /dev)
	if [ ! -f "$root/.bootstrapped" ] && [ -e "$root" ]; then
		awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts |
			sort -r | xargs -r -n 1 umount -l
		rm -rf --one-file-system "$root"
	fi
	if [ ! -f "$root/.bootstrapped" ]; then
		nice -n 19 debootstrap --variant=minbase --keyring="$SUBDMA_KEYRING" \
			"$release" "$root" "$SUBDMA_MIRROR" >"$root.log" 2>&1 ||
			die "debootstrap $release failed; see $root.log"
		touch "$root/.bootstrapped"
	fi
	cat >"$root/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $SUBDMA_MIRROR
Suites: $release $bpo
Components: main
Signed-By: $SUBDMA_KEYRING
SRC
	rm -f "$root/etc/apt/sources.list"
	in_root "$root" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		nice -n 19 apt-get install -y -q --no-install-recommends -t $bpo \
		$pkgs && apt-get clean" >>"$root.log" 2>&1 ||
		die "installing into the $release root failed; see $root.log"
	touch "$root/.complete"
	echo "$root"
}

# abi_series ABI: the MAJOR.MINOR of a kernel ABI (7.3.4+deb13-amd64: 7.3)
abi_series() {
	local v=${1%%[-+]*}
	echo "${v%.*}"
}

# in_root ROOT COMMAND...: run a command in a build root, with /proc and
# /dev there for the time it runs (one command in a root at a time)
in_root() {
	local root=$1
	shift
	(
		flock 9
		status=0
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount --make-rslave "$root/dev"
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 "$@" || status=$?
		umount -R "$root/dev" || umount -l "$root/dev"
		umount "$root/proc" || umount -l "$root/proc"
		exit $status
	) 9>"$root.lock"
}

# target_headers KERNEL: the kernel's build tree (for a kernel built in a
# root, its path inside the root); installs or unpacks it when missing
target_headers() {
	local suite abi dir version
	suite=$(kernel_suite "$1")
	abi=$(target_abi "$1")
	case $1 in
	6.1)
		need_packages "linux-headers-$abi" gcc make
		echo "/usr/src/linux-headers-$abi"
		;;
	7.3)
		echo "/usr/src/linux-headers-$abi"
		;;
	*)
		need_packages gcc make
		version=$(suite_version "$suite" "linux-headers-$abi")
		dir=$SUBDMA_CACHE/headers-$abi-$version
		if [ ! -f "$dir/.complete" ]; then
			log "unpacking the $abi headers $version"
			rm -rf "$dir"
			suite_unpack "$suite" "$dir" "linux-headers-$abi" \
				"linux-headers-${abi%-*}-common" \
				"linux-kbuild-${abi%-*}"
			# the tree includes its common part by absolute path
			sed -i "s|/usr/src/|$dir/usr/src/|" \
				"$dir/usr/src/linux-headers-$abi/Makefile"
			touch "$dir/.complete"
		fi
		echo "$dir/usr/src/linux-headers-$abi"
		;;
	esac
}

# source_version KERNEL: the version of KERNEL's linux-source-* package
source_version() {
	local suite pkg=linux-source-$1
	suite=$(kernel_suite "$1")
	if [ "$suite" = bookworm ]; then
		need_packages "$pkg"
		dpkg-query -W -f='${Version}' "$pkg"
	else
		suite_version "$suite" "$pkg"
	fi
}

# source_tarball KERNEL DIR: the path of KERNEL's linux-source-* tarball:
# in the host's /usr/src, in its build root's, or unpacked from its suite
# into DIR
source_tarball() {
	local suite release pkg=linux-source-$1
	suite=$(kernel_suite "$1")
	release=$(kernel_root "$1")
	need_packages xz-utils
	if [ "$suite" = bookworm ]; then
		need_packages "$pkg"
		echo "/usr/src/$pkg.tar.xz"
	elif [ -n "$release" ]; then
		# the build root holds it already
		echo "$(cache_lock "root-$release" && build_root "$release")/usr/src/$pkg.tar.xz"
	else
		suite_unpack "$suite" "$2" "$pkg"
		echo "$2/usr/src/$pkg.tar.xz"
	fi
}
