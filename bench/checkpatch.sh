#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/checkpatch.pl --strict over every patch of series/: silent or fail.
#
# The Debian base has no git history, so checkpatch cannot look up the
# upstream commits the series cites; where the tree cannot resolve them it
# runs without git, and this script checks each cited "commit <id>
# ("<title>")" and "Fixes: <id> ("<title>")" against
# configs/upstream-commits.txt instead.
. "$(dirname "$0")/lib.sh"
need_tree

mapfile -t patches < <(series_patches)
[ ${#patches[@]} -gt 0 ] || die "series/ has no patches"

# Every cited commit, as "id title", from the commit messages.
cited=$(for p in "${patches[@]}"; do
	sed '/^---$/q' "$p" | perl -0777 -ne '
		s/\n[ \t]*/ /g;
		while (/(?:\bcommit|Fixes:)\s+([0-9a-f]{12,40})\s+\("(.+?)"\)/g) {
			print substr($1, 0, 12), " $2\n";
		}'
done | sort -u)

bad=0
unresolved=0
while read -r id title; do
	[ -n "$id" ] || continue
	if ! grep -qxF "$id $title" "$CONFIG_DIR/upstream-commits.txt"; then
		warn "cited commit $id (\"$title\") is not in configs/upstream-commits.txt"
		bad=1
	fi
	git -C "$LINUX_DIR" cat-file -e "$id^{commit}" 2>/dev/null || unresolved=1
done <<<"$cited"

# FILE_PATH_CHANGES asks, for a patch that adds a file, whether
# MAINTAINERS needs updating.  It does not when a section other than THE
# REST already covers the file (the new files under mm/ and the mm
# selftests in MEMORY MANAGEMENT): checked here for every new file of the
# work tree, which holds the whole series.
while read -r f; do
	m=$(cd "$LINUX_DIR" && ./scripts/get_maintainer.pl --no-git \
		--no-git-fallback --no-rolestats --nol --nor -f "$f" 2>/dev/null) || m=
	if [ -z "$m" ] || ! grep -qv torvalds <<<"$m"; then
		warn "no MAINTAINERS section covers $f, which the series adds"
		bad=1
	fi
done < <(awk '/^diff --git /{f=$4} /^new file mode/{sub(/^b\//,"",f); print f}' "${patches[@]}")

run_checkpatch() {
	(cd "$LINUX_DIR" && ./scripts/checkpatch.pl --strict --terse --no-summary \
		--quiet --ignore FILE_PATH_CHANGES "$@" \
		"${patches[@]}" 2>&1) || true
}
if [ "$unresolved" -eq 0 ]; then
	out=$(run_checkpatch)
else
	# Without git, checkpatch takes the cited titles as they are written
	# (checked above) but still calls every id unknown; with git it checks
	# the SPDX tags of new files.
	say "checkpatch: the tree has no upstream history; cited commits checked against configs/upstream-commits.txt"
	out=$(GIT_DIR=/nonexistent run_checkpatch --ignore UNKNOWN_COMMIT_ID)
	out+=$(run_checkpatch --types SPDX_LICENSE_TAG)
fi
if [ -n "$out" ]; then
	printf '%s\n' "$out" >&2
	bad=1
fi
[ "$bad" -eq 0 ] || die "checkpatch.pl --strict (or the cited commits) report the above"
say "checkpatch.pl --strict: ${#patches[@]} patches clean"
