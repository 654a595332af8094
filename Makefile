# SPDX-License-Identifier: GPL-2.0
#
# make          base -> series -> UML KUnit verdict (the main job)
# make check    everything CI checks (what .ci/run runs)
#
# See README.md.  Kernel builds never run in parallel with each other.
# KERNEL_TREE=/path/to/linux and WORK_DIR=... given here reach the scripts.

B := bench
WORK_DIR ?= work

.NOTPARALLEL:
.PHONY: all deps deps-check tree kunit kunit-x86_64 kunit-debug kvm-guest \
	gru-build kunit-m static htmldocs cross coccicheck checkpatch bisect check export selftest mutants \
	stress bench stable discard clean help

all: kunit

help:
	@sed -n 's/^# \{0,1\}//p' Makefile | sed -n '2,4p'

deps:
	@$(B)/deps.sh

deps-check:
	@$(B)/deps.sh check

tree: deps
	@$(B)/tree.sh

kunit: tree
	@$(B)/kunit.sh um

# --- the steps of make check, one by one -------------------------------------
# Each installs what make check needs first (deps-check: quick when it is all
# there); a step that needs the work tree or another step's build says which
# command to run first.

kunit-x86_64: deps-check
	@$(B)/kunit.sh x86_64

# UML with the debug options; the x86_64 kernel has them always.
kunit-debug: deps-check
	@$(B)/kunit.sh um debug

# The randomized model and concurrency stress, bench code (bench/stress.sh).
stress: deps-check
	@$(B)/stress.sh

kvm-guest: deps-check
	@$(B)/kvm-guest.sh

# The mm selftest in a QEMU guest, alone: builds the x86_64 kernel first.
selftest: deps-check tree
	@$(B)/kunit.sh x86_64
	@$(B)/selftest.sh

gru-build: deps-check
	@$(B)/gru-build.sh

kunit-m: deps-check
	@$(B)/kunit-m.sh

static: deps-check
	@$(B)/static.sh

htmldocs: deps-check
	@$(B)/htmldocs.sh

# arm64, riscv nommu and i386, as the kernel test robot builds them.
cross: deps-check
	@$(B)/cross.sh arm64
	@$(B)/cross.sh nommu
	@$(B)/cross.sh i386

coccicheck: deps-check
	@$(B)/coccicheck.sh

checkpatch: deps-check
	@$(B)/checkpatch.sh

mutants: deps-check
	@$(B)/mutants.sh

bisect: deps-check
	@$(B)/bisect.sh

check: deps-check
	@$(B)/check.sh

# --- not steps of make check ------------------------------------------------

# The cost of the walk on the base and on the series (README: make bench).
bench: tree
	@$(B)/deps.sh bench
	@$(B)/bench.sh

# Patch 1 on Debian's linux-source-6.1, with a KUnit check (README: make stable).
stable: deps
	@$(B)/stable.sh

# --- working on the series ---------------------------------------------------

export:
	@$(B)/export.sh

discard: deps
	@$(B)/discard.sh

clean:
	rm -rf $(WORK_DIR)/build $(WORK_DIR)/build-kernel-tree $(WORK_DIR)/bisect \
		$(WORK_DIR)/bisect-kernel-tree $(WORK_DIR)/bench $(WORK_DIR)/bench-kernel-tree \
		$(WORK_DIR)/stable $(WORK_DIR)/stress $(WORK_DIR)/stress-kernel-tree
	git -C $(WORK_DIR)/linux worktree prune 2>/dev/null || true
