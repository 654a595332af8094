#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate series/ from the work tree's commits since "base".
#
# Deterministic: zero commit ids, no signature, fixed numbering, the cover
# letter's subject and text kept from series/0000-cover-letter.patch, so an
# untouched patch exports to the same bytes.
. "$(dirname "$0")/lib.sh"

[ -d "$LINUX_DIR/.git" ] || die "no work tree at $LINUX_DIR: run 'make' first"
[ -z "$(kgit status --porcelain --untracked-files=no)" ] ||
	die "the work tree has uncommitted changes: commit them in $LINUX_DIR first"
untracked=$(kgit ls-files --others --directory | grep -v '__pycache__' || true)
[ -z "$untracked" ] || die "untracked files in $LINUX_DIR would not be exported:
$untracked
  Add them ('git add -f': Debian's .gitignore ignores everything) and commit, or remove them."
n=$(kgit rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of base in $LINUX_DIR: nothing to export"

cover=$SERIES_DIR/0000-cover-letter.patch
[ -f "$cover" ] || die "$cover is missing: it holds the cover letter's text"

# The cover letter's subject (without the [PATCH 0/N] prefix) and blurb,
# up to the shortlog that format-patch appends.
desc=$(mktemp)
out=$(mktemp -d)
trap 'rm -rf "$desc" "$out"' EXIT
awk '
	/^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; insubj = 1; next }
	insubj && /^ / { sub(/^ /, ""); subj = subj " " $0; next }
	insubj { insubj = 0 }
	!body && /^$/ && subj != "" { body = 1; print subj; print ""; next }
	body && /^[^ ].* \([0-9]+\):$/ { exit }
	body { print }
' "$cover" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$desc"

# format-patch takes the cover text from the branch description.
branch=$(kgit symbolic-ref --short -q HEAD || true)
[ -n "$branch" ] || die "HEAD is detached in $LINUX_DIR: check out a branch first"
kgit config "branch.$branch.description" "$(cat "$desc")"

# The cover letter is from whoever wrote the newest commit.
GIT_COMMITTER_NAME=$(kgit log -1 --format=%an HEAD) \
GIT_COMMITTER_EMAIL=$(kgit log -1 --format=%ae HEAD) \
	format_patches "$out" --cover-letter --cover-from-description=subject

# The cover letter's Date is the time of the run: pin it to the newest
# commit's author date so that an unchanged series exports to the same bytes.
date=$(kgit log -1 --format=%aD HEAD)
sed -i "s/^Date: .*/Date: $date/" "$out/0000-cover-letter.patch"

rm -f "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch
cp "$out"/*.patch "$SERIES_DIR"/
say "exported $n patches and the cover letter to series/"
git -C "$TOP" status --short -- series/ >&2 || true
