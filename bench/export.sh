#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate series/ from the work tree's commits since "base".
#
# series/ holds postings, each its own format-patch output with its own
# cover letter and numbering: series/1-fix, then series/2-contract, which
# applies on top of it.  The work tree's commits fill them in order: the
# first posting takes as many as it holds patches now, the last the rest.
# When a patch joins or leaves the fix posting, say how many it takes:
#
#   FIX_PATCHES=3 make export
#
# Deterministic: zero commit ids, no signature, fixed numbering, each cover
# letter's subject and text kept from the 0000-cover-letter.patch of its
# posting, so an untouched patch exports to the same bytes.  A series/
# without posting directories is exported flat, as before.
. "$(dirname "$0")/lib.sh"

need_tree
[ -z "$(kgit status --porcelain --untracked-files=no)" ] ||
	die "the work tree has uncommitted changes: commit them in $LINUX_DIR first"
untracked=$(kgit ls-files --others --directory | grep -v '__pycache__' || true)
if [ -n "$untracked" ]; then
	sed 's/^/  /' <<<"$untracked" >&2
	die "untracked files in $LINUX_DIR (above) would not be exported: add them ('git add -f': Debian's .gitignore ignores everything) and commit, or remove them"
fi
n=$(kgit rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of base in $LINUX_DIR: nothing to export"

mapfile -t dirs < <(postings "$SERIES_DIR")
flat=0
[ ${#dirs[@]} -gt 0 ] || { dirs=("$SERIES_DIR"); flat=1; }
for d in "${dirs[@]}"; do
	[ -f "$d/0000-cover-letter.patch" ] ||
		die "${d#"$TOP"/}/0000-cover-letter.patch is missing: it holds that posting's cover letter text"
done

# Every posting gets commits, the first as many as it is meant to take.
mapfile -t ranges < <(posting_ranges)
if [ ${#dirs[@]} -gt 1 ]; then
	first=$(basename "${dirs[0]}")
	want=${FIX_PATCHES:-$(patches_in "${dirs[0]}" | wc -l)}
	[ "$want" -gt 0 ] ||
		die "$first would hold no patch: FIX_PATCHES=N says how many of the work tree's $n commits it takes"
	[ "$n" -ge "$want" ] ||
		die "the work tree has $n commits on top of base, fewer than the $want that $first takes (FIX_PATCHES=N to change that)"
	for d in "${dirs[@]}"; do
		printf '%s\n' "${ranges[@]}" | grep -q "^$(basename "$d") " ||
			die "$(basename "$d") would get none of the work tree's $n commits: $first takes $want (FIX_PATCHES=N to change that)"
	done
fi

desc=$(mktemp)
out=$(mktemp -d)
# format-patch takes the cover text from the description of the branch it
# formats up to: a branch of the export's own, at each posting's end.
tip=mmn-export
! kgit rev-parse -q --verify "refs/heads/$tip" >/dev/null ||
	die "$LINUX_DIR has a branch $tip, which export makes and deletes for itself: rename it"
trap 'rm -rf "$desc" "$out"; kgit branch -q -D "$tip" >/dev/null 2>&1 || true' EXIT
for r in "${ranges[@]}"; do
	read -r name from to <<<"$r"
	# The cover letter's subject (without the [PATCH 0/N] prefix) and
	# blurb, up to the shortlog that format-patch appends.
	awk '
		/^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; insubj = 1; next }
		insubj && /^ / { sub(/^ /, ""); subj = subj " " $0; next }
		insubj { insubj = 0 }
		!body && /^$/ && subj != "" { body = 1; print subj; print ""; next }
		body && /^[^ ].* \([0-9]+\):$/ { exit }
		body { print }
	' "$SERIES_DIR/$name/0000-cover-letter.patch" |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$desc"
	kgit branch -q -f "$tip" "$to"
	kgit config "branch.$tip.description" "$(cat "$desc")"

	# The cover letter is from whoever wrote the posting's newest commit.
	GIT_COMMITTER_NAME=$(kgit log -1 --format=%an "$to") \
	GIT_COMMITTER_EMAIL=$(kgit log -1 --format=%ae "$to") \
		format_range "$out/$name" "$from" "$tip" --cover-letter \
		--cover-from-description=subject

	# The cover letter's Date is the time of the run: pin it to the
	# newest commit's author date so that an unchanged posting exports
	# to the same bytes.
	date=$(kgit log -1 --format=%aD "$to")
	sed -i "s/^Date: .*/Date: $date/" "$out/$name/0000-cover-letter.patch"
done

for r in "${ranges[@]}"; do
	read -r name _ <<<"$r"
	rm -f "$SERIES_DIR/$name"/[0-9][0-9][0-9][0-9]-*.patch
	cp "$out/$name"/*.patch "$SERIES_DIR/$name"/
	say "exported $(patches_in "$SERIES_DIR/$name" | wc -l) patches and the cover letter to ${SERIES_DIR#"$TOP"/}/${name#.}"
done
# Flat patches left from before the postings: nothing would apply them.
if [ "$flat" -eq 0 ] && compgen -G "$SERIES_DIR/[0-9][0-9][0-9][0-9]-*.patch" >/dev/null; then
	rm -f "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch
	say "removed the flat patches of ${SERIES_DIR#"$TOP"/}/: the series is in its postings now"
fi
git -C "$TOP" status --short -- "$SERIES_DIR" >&2 2>/dev/null || true
