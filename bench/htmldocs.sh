#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# "make htmldocs SPHINXDIRS=mm" (Debian's Sphinx) on the base and on the
# series: the series must add no warning.  The series' section of
# Documentation/mm/mmu_notifier.rst renders the kernel-doc of
# include/linux/mmu_notifier.h, which no document pulled in before.  The
# base is built in the bisect work tree.
. "$(dirname "$0")/lib.sh"
need_tree

command -v sphinx-build >/dev/null ||
	die "sphinx-build is missing: run 'make deps-check' (Debian package python3-sphinx)"
tree=$("$BENCH_DIR/bisect-tree.sh")
out=$BUILD_DIR/htmldocs
mkdir -p "$out"

# "path:line: WARNING: text" -> "path: WARNING: text", paths from the tree.
warnings() {
	grep -E 'WARNING|ERROR|warning:|error:' "$1" |
		sed -E -e "s#$2/##g" -e 's#:[0-9]+:#:#' | sort || true
}

docs() {
	local src=$1 name=$2
	rm -rf "$out/$name"
	mkdir -p "$out/$name/netlink_spec"
	# The netlink specs' .rst files go to the build directory, not the
	# source tree, whose files would count as unexported work.
	make -C "$src" O="$out/$name" SPHINXDIRS=mm \
		YNL_RST_DIR="$out/$name/netlink_spec" \
		YNL_INDEX="$out/$name/netlink_spec/index.rst" htmldocs \
		>"$out/$name.log" 2>&1 ||
		{ tail -20 "$out/$name.log" >&2; die "htmldocs failed on the $name (log: $out/$name.log)"; }
	warnings "$out/$name.log" "$src" >"$out/$name-warnings.txt"
}

say "make htmldocs SPHINXDIRS=mm on the base and on the series"
git -C "$tree" checkout -q --detach base
docs "$tree" base
docs "$LINUX_DIR" series
grep -q 'mmu_notifier_invalidate_range_start_nonblock' \
	"$out/series/Documentation/output/mm/mmu_notifier.html" 2>/dev/null ||
	die "Documentation/mm/mmu_notifier.rst does not render the kernel-doc of include/linux/mmu_notifier.h"

new=$(comm -13 "$out/base-warnings.txt" "$out/series-warnings.txt")
say "htmldocs: $(wc -l <"$out/base-warnings.txt") warnings on the base, $(wc -l <"$out/series-warnings.txt") with the series"
[ -z "$new" ] || { printf '%s\n' "$new" >&2; die "htmldocs: the series adds the warnings above (logs: $out)"; }
say "htmldocs: no new warning; the kernel-doc of struct mmu_notifier_ops is rendered"
