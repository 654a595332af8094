#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch linux-source-6.12 into the cache and print the path of the .deb.
#
#   fetch.sh [PACKAGE VERSION SHA256]   another package (stable.sh's 6.1)
#
# The pinned version is checked against its sha256.  If the mirror no longer
# serves it, the current linux-source-6.12 is taken instead, with a warning;
# whether the series still applies to it is for tree.sh to find out.
. "$(dirname "$0")/lib.sh"

if [ $# -eq 3 ]; then
	BASE_PKG=$1 BASE_VERSION=$2 BASE_SHA256=$3
fi

deb_dir=$MMN_CACHE/debs
mkdir -p "$deb_dir"
pinned=$deb_dir/${BASE_PKG}_${BASE_VERSION/:/%3a}_all.deb

verify() {
	echo "$BASE_SHA256  $1" | sha256sum --quiet -c - 2>/dev/null
}

if [ -f "$pinned" ] && verify "$pinned"; then
	echo "$pinned"
	exit 0
fi
rm -f "$pinned"

# apt-get download writes to the current directory; the _apt user may not
# be able to write to the cache, so download into a private directory.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0777 "$tmp"

say "downloading $BASE_PKG=$BASE_VERSION"
if (cd "$tmp" && apt-get download -q "$BASE_PKG=$BASE_VERSION" >/dev/null 2>&1 ||
	{ apt-get update -qq >/dev/null 2>&1 &&
	  apt-get download -q "$BASE_PKG=$BASE_VERSION" >/dev/null 2>&1; }); then
	deb=$(ls "$tmp"/*.deb)
	verify "$deb" ||
		die "$deb: sha256 is $(sha256sum "$deb" | cut -d' ' -f1), expected $BASE_SHA256"
	mv "$deb" "$pinned"
	echo "$pinned"
	exit 0
fi

# Fall back only if the mirror no longer lists the pinned version; any
# other failure (no network, a broken mirror) is an error.
if apt-cache madison "$BASE_PKG" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' |
	grep -qxF "$BASE_VERSION"; then
	die "apt-get download $BASE_PKG=$BASE_VERSION failed, though the mirror lists it: check the network and 'apt-get update'"
fi

# The pinned version is gone from the mirror: fall back, loudly.
current=$(apt-cache policy "$BASE_PKG" 2>/dev/null | awk '/Candidate:/ {print $2}')
[ -n "$current" ] && [ "$current" != "(none)" ] ||
	die "$BASE_PKG is not available from the configured Debian mirrors (is bookworm-security enabled?)"
warn "$BASE_PKG=$BASE_VERSION is no longer served; using $BASE_PKG=$current instead."
warn "Its sha256 is not pinned.  Results are for that base, not for $BASE_VERSION."
cached=$deb_dir/${BASE_PKG}_${current/:/%3a}_all.deb
if [ ! -f "$cached" ]; then
	(cd "$tmp" && apt-get download -q "$BASE_PKG=$current" >/dev/null) ||
		die "apt-get download $BASE_PKG=$current failed"
	mv "$tmp"/*.deb "$cached"
fi
echo "$cached"
