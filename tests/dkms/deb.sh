#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the subdma-dkms package with Debian's own tools (debhelper,
# dh-dkms) from debian/ and the driver's sources, and check it with
# lintian: no error, no warning.  Cached by the hash of its inputs;
# prints the path of the .deb.
#   deb.sh
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

need_packages dpkg-dev debhelper dh-dkms lintian
mapfile -t inputs < <(cd "$SUBDMA_TOP" && git ls-files --cached --others \
	--exclude-standard debian drivers/scsi/subdma | sort)
[ "${#inputs[@]}" -gt 0 ] || die "no debian/ or driver sources found"
version=$(cd "$SUBDMA_TOP" && dpkg-parsechangelog -S Version)
key=$(content_hash "$0" "$(dpkg-query -W -f='${Version}' debhelper dh-dkms lintian)" \
	"${inputs[@]/#/$SUBDMA_TOP/}")
out=$SUBDMA_CACHE/deb-$version-$key
deb=$out/subdma-dkms_${version}_all.deb
cache_lock deb
if [ -f "$out/.complete" ]; then
	echo "$deb"
	exit 0
fi
log "building subdma-dkms $version"
rm -rf "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/subdma-$version"
(cd "$SUBDMA_TOP" && cp --parents -a "${inputs[@]}" "$work/subdma-$version/")
(cd "$work/subdma-$version" && dpkg-buildpackage -b -us -uc) \
	>"$work/build.log" 2>&1 || {
	tail -n 20 "$work/build.log" >&2
	die "dpkg-buildpackage failed"
}
[ -f "$work/${deb##*/}" ] || die "dpkg-buildpackage made no ${deb##*/}"
# lintian's tags of the package as Debian's archive would see them
if ! lintian --fail-on error,warning --no-tag-display-limit \
	"$work"/subdma_"${version}"_*.changes >"$work/lintian.log" 2>&1; then
	cat "$work/lintian.log" >&2
	die "lintian reports errors or warnings on subdma-dkms"
fi
mkdir -p "$out"
cp "$work/${deb##*/}" "$work/lintian.log" "$out/"
touch "$out/.complete"
echo "$deb"
