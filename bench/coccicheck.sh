#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# coccicheck in report mode on the .c files the series touches, against
# the base: every semantic patch of the tree's scripts/coccinelle, with the
# options its "Options:" line asks for, as scripts/coccicheck runs it.  A
# report the base does not have fails the step (line numbers are not
# compared).  On the base, only the semantic patches that reported on the
# series run again.
. "$(dirname "$0")/lib.sh"
need_tree
command -v spatch >/dev/null || die "spatch is missing: run 'make deps-check' (Debian package coccinelle)"

tree=$("$BENCH_DIR/bisect-tree.sh")
out=$BUILD_DIR/coccicheck
mkdir -p "$out"
head=$(git -C "$LINUX_DIR" rev-parse HEAD)
mapfile -t files < <(git -C "$LINUX_DIR" diff --name-only base "$head" -- '*.c' |
	grep -v '^tools/')

# The reports of semantic patches $3 (default: all of the tree's) on the
# series' files that exist at $1, one "script: file: message" line each
# (line numbers dropped, also from the message), sorted, in
# $out/reports-$2.txt.
check_rev() {
	local rev=$1 name=$2 f
	local -a have=()
	git -C "$tree" checkout -q --detach "$rev"
	for f in "${files[@]}"; do
		[ -f "$tree/$f" ] && have+=("$f")
	done
	: >"$out/spatch-$name.log"
	if [ -n "${3:-}" ]; then
		printf '%s\n' "$3"
	else
		(cd "$tree" && find scripts/coccinelle -name '*.cocci' | LC_ALL=C sort)
	fi | COCCI_FILES="${have[*]}" TREE=$tree xargs -P "$JOBS" -I{} sh -c '
			opt=$(sed -n "s|^// Options:||p" "$TREE/{}")
			cd "$TREE" && spatch -D report --no-show-diff --very-quiet \
				--include-headers --cocci-file {} $opt $COCCI_FILES \
				2>&1 | sed "s|^|{}: |"' >>"$out/spatch-$name.log"
	sed -E -n 's#^(scripts/coccinelle/[^:]+): (\./)?([^: ]+\.[ch]):[0-9]+:[0-9-]+: #\1: \3: #p' \
		"$out/spatch-$name.log" | sed -E 's/line [0-9]+/line N/g' |
		sort >"$out/reports-$name.txt"
	if grep -E 'Fatal error|No OCaml|EXN|[Ee]xception' "$out/spatch-$name.log" \
		>"$out/errors-$name.txt"; then
		cat "$out/errors-$name.txt" >&2
		die "$name: spatch could not run the semantic patches above"
	fi
}

n=$(find "$tree/scripts/coccinelle" -name '*.cocci' | wc -l)
say "coccicheck (report) with $n semantic patches on ${#files[@]} files"
check_rev "$head" series
if [ -s "$out/reports-series.txt" ]; then
	# Only what reported on the series, to tell new reports from old.
	check_rev base base "$(cut -d: -f1 "$out/reports-series.txt" | sort -u)"
else
	: >"$out/reports-base.txt"
fi
git -C "$tree" checkout -q --detach base

new=$(comm -13 "$out/reports-base.txt" "$out/reports-series.txt")
say "coccicheck: $(wc -l <"$out/reports-base.txt") reports on the base, $(wc -l <"$out/reports-series.txt") with the series"
if [ -n "$new" ]; then
	printf '%s\n' "$new" >&2
	die "coccicheck: the series adds the reports above (log: $out/spatch-series.log)"
fi
say "coccicheck: nothing new in the series' files"
