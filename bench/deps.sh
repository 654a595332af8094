#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the bench needs, only those that are missing.
. "$(dirname "$0")/lib.sh"

# "deps.sh" installs what "make" needs (a UML kernel and kunit.py);
# "deps.sh check" adds what only "make check" needs: QEMU for the x86_64
# guests, sparse, and Sphinx for htmldocs.
pkgs=(build-essential flex bison bc cpio kmod libelf-dev libssl-dev
      python3 perl git ccache xz-utils gawk rsync python3-ply python3-git)
if [ "${1:-}" = check ]; then
	pkgs+=(qemu-system-x86 qemu-utils dwarves busybox-static sparse
	       python3-sphinx)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

say "installing missing Debian packages: ${missing[*]}"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
	die "not root and no sudo: install these packages first: ${missing[*]}"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq ||
	die "apt-get update failed; check the Debian mirror in /etc/apt/sources.list*"
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	die "apt-get install failed for: ${missing[*]}"
