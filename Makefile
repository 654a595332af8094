# SPDX-License-Identifier: GPL-2.0
#
# make          base -> series -> UML KUnit verdict (the main job)
# make check    everything CI checks (what .ci/run runs)
#
# See README.md.  Kernel builds never run in parallel with each other.

B := bench

.NOTPARALLEL:
.PHONY: all deps tree tree-exact kunit kunit-x86_64 checkpatch bisect \
	check export discard clean help

all: kunit

help:
	@sed -n 's/^# \{0,1\}//p' Makefile | sed -n '2,4p'

deps:
	@$(B)/deps.sh

tree: deps
	@$(B)/tree.sh

tree-exact: deps
	@$(B)/tree.sh --exact

kunit: tree
	@$(B)/kunit.sh um

# --- make check -------------------------------------------------------------

kunit-x86_64:
	@$(B)/kunit.sh x86_64

checkpatch:
	@$(B)/checkpatch.sh

bisect:
	@$(B)/bisect.sh

check: deps
	@$(B)/check.sh

# --- working on the series --------------------------------------------------

export:
	@$(B)/export.sh

discard: deps
	@$(B)/discard.sh

clean:
	rm -rf work/build work/bisect
	git -C work/linux worktree prune 2>/dev/null || true
