# daxmon: see README.md.  `make demo` and `make test` are the entry points.

BUILD		?= build
PACKAGES	?= packages.txt
# Built kernels shared by checkouts on this machine (CI reuses them).
DAXMON_KERNEL_CACHE ?= /var/cache/daxmon/kernel
export DAXMON_KERNEL_CACHE

KERNEL		:= $(BUILD)/bzImage

.PHONY: all deps kernel kernel-debug kernel-mainline tools man vmlinux-h test unit-test \
	guest-test test-debug bench bench-compare demo clean install install-files \
	uninstall deb

all: kernel tools man

# Installs what is missing from $(PACKAGES); as non-root, says what to run.
# A line "PACKAGE SUITE" takes PACKAGE from Debian's SUITE, and nothing
# else from it (kernel/apt-suite.sh adds the suite and pins it).
APT_SUITE	:= $(abspath kernel/apt-suite.sh)
deps:
	@missing=$$(grep -v -e '^#' -e '^$$' $(PACKAGES) | while read -r p suite; do \
		dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | \
			grep -q '^install ok installed$$' || echo "$$p$${suite:+/$$suite}"; done); \
	if [ -z "$$missing" ]; then echo "deps: all packages installed"; exit 0; fi; \
	suites=$$(for m in $$missing; do case $$m in */*) \
		echo "$(APT_SUITE) $${m#*/} $${m%%/*} && ";; esac; done); \
	line="apt-get install -y --no-install-recommends $$(for m in $$missing; do echo "$${m%%/*}"; done)"; \
	line=$$(echo $$line); \
	if [ "$$(id -u)" != 0 ]; then \
		echo "deps: missing packages; as root, run:" >&2; \
		msg="$$suites apt-get update && $$line"; echo "  $$(echo $$msg)" >&2; exit 1; \
	fi; \
	echo "deps: installing $$(echo $$missing)"; \
	eval "$$suites true" && apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$line -qq

# The variants share $(BUILD) (default and debug one patched source tree,
# mainline its own): one build at a time (a second make waits for the first).
KERNEL_BUILD	= mkdir -p $(BUILD) && flock $(BUILD)/kernel.lock kernel/build.sh $(BUILD)

kernel: deps
	$(KERNEL_BUILD)

# The same patches with lockdep, KASAN, kmemleak and more (kernel/config/debug.config)
kernel-debug: deps
	$(KERNEL_BUILD) debug

# The mainline form of the series (kernel/patches-7.3) on Debian's
# linux-source-7.3: build/mainline/bzImage, for make test's guest-7.3/*
kernel-mainline: deps
	$(KERNEL_BUILD) mainline

tools: deps
	$(MAKE) -C tools O=$(abspath $(BUILD))/tools

# Man pages of the tools, formatted to text in $(BUILD)/man.
man: deps
	@mkdir -p $(BUILD)/man
	@for page in docs/man/*.8; do \
		groff -man -Tutf8 -ww $$page | col -b > $(BUILD)/man/$$(basename $$page .8).txt || exit 1; \
	done; echo "man: $(BUILD)/man/*.txt (read one with: man -l docs/man/dax-top.8)"

# bpf/vmlinux.h is checked in; regenerate it after a kernel change that
# matters to the BPF programs.  fuse is a module: its BTF (the events,
# struct fuse_conn_dax) is split from vmlinux's, and dumped with it.
vmlinux-h: kernel
	bpftool -B $(BUILD)/vmlinux btf dump file \
		$$(find $(BUILD)/modules -name fuse.ko) format c > bpf/vmlinux.h

test: deps kernel kernel-mainline tools
	tests/run --build $(BUILD)

unit-test: deps tools
	tests/run --build $(BUILD) --unit

# guest/exporter installs the package (make test's unit/deb.sh builds it)
guest-test: deps kernel kernel-mainline tools deb
	tests/run --build $(BUILD) --guest

# The guest tests on the debug kernel: any checker report fails the test
# that caused it.  Too slow for CI; its last result is in docs/reliability.md.
# The suite takes about 3 hours of one TCG thread on it here, guest/prometheus
# alone over 30 minutes (its workload took 440 s there, 36 s on the normal
# kernel), so it is split over one boot per host CPU, at most 4 (2 GiB
# each; with more, the longest test is the bound).
DEBUG_BOOTS	?= $(shell n=$$(nproc); echo $$((n < 4 ? n : 4)))
test-debug: deps kernel-debug tools deb
	DAXMON_GUEST_TIMEOUT=14400 DAXMON_SCRIPT_TIMEOUT=3600 \
		tests/run --build $(BUILD) --guest --boots $(DEBUG_BOOTS) \
		--kernel $(BUILD)/debug/bzImage

# Writes docs/benchmarks.md, its plots and raw results (about two hours on
# two host cores, four on one);
# tests/bench/run --quick is the smoke run make test does.
bench: deps kernel tools
	tests/bench/run --build $(BUILD)

# Which figures moved beyond their spread between two result sets; exit 1
# on a regression.  make bench-compare NEW=build/other/results
OLD		?= docs/benchmarks/results
bench-compare:
	@[ -n "$(NEW)" ] || { echo "usage: make bench-compare [OLD=DIR] NEW=DIR (results of tests/bench/run)" >&2; exit 2; }
	tests/bench/compare --png $(BUILD)/bench-compare.png $(OLD) $(NEW)

demo: deps kernel tools
	tests/vm/run-guest -f -t 900 $(KERNEL) $(BUILD)/demo tests/demo/demo.sh

# the tools' build and the test output; the kernel build stays
# (kernel/build.sh keeps it in $(BUILD))
clean:
	$(MAKE) -C tools O=$(abspath $(BUILD))/tools clean
	rm -rf $(BUILD)/demo $(BUILD)/test-out

# make install [PREFIX=/usr/local] [DESTDIR=...]: the tools to sbin (they
# need root: CAP_BPF and CAP_PERFMON), their man pages, the Prometheus
# rules (with their promtool unit tests) and the Grafana dashboard.
# daxfsd, the FUSE server that plays the VMM in the tests, goes to
# $(PREFIX)/lib/daxmon: off PATH, as it is a test fixture, not a server
# for production.  Needs the tools built, not the kernel.
PREFIX		?= /usr/local
INSTALL		?= install
inst_sbin	= $(DESTDIR)$(PREFIX)/sbin
inst_lib	= $(DESTDIR)$(PREFIX)/lib/daxmon
inst_man	= $(DESTDIR)$(PREFIX)/share/man/man8
inst_share	= $(DESTDIR)$(PREFIX)/share/daxmon
# the tools: tools/Makefile names them
INST_TOOLS	:= $(shell sed -n 's/^TOOLS[[:space:]]*:= //p' tools/Makefile 2>/dev/null)
INST_MAN	:= $(notdir $(wildcard docs/man/*.8))
INST_RULES	:= daxmon.rules.yml daxmon.rules.test.yml
INST_DASH	:= daxmon.json

install: tools
	$(MAKE) install-files

# What install copies, the tools built; INSTALL_DAXFSD=0 leaves the test
# fixture out (the Debian package, debian/rules).
INSTALL_DAXFSD	?= 1
install-files:
	$(INSTALL) -d $(inst_sbin) $(inst_man) $(inst_share)/prometheus $(inst_share)/grafana
	$(INSTALL) -m 755 $(addprefix $(BUILD)/tools/,$(INST_TOOLS)) $(inst_sbin)
	if [ "$(INSTALL_DAXFSD)" = 1 ]; then \
		$(INSTALL) -d $(inst_lib) && $(INSTALL) -m 755 $(BUILD)/tools/daxfsd $(inst_lib); fi
	$(INSTALL) -m 644 $(addprefix docs/man/,$(INST_MAN)) $(inst_man)
	$(INSTALL) -m 644 $(addprefix docs/prometheus/,$(INST_RULES)) $(inst_share)/prometheus
	$(INSTALL) -m 644 $(addprefix docs/grafana/,$(INST_DASH)) $(inst_share)/grafana

# make deb: the Debian package daxmon (debian/), built from a copy of the
# tracked files so that nothing is written beside the checkout, into
# $(BUILD)/deb: the .deb, and lintian's verdict on it in lintian.txt.
DEB_SRC		= $(BUILD)/deb/daxmon
deb: deps
	rm -rf $(BUILD)/deb && mkdir -p $(DEB_SRC)
	git ls-files -z Makefile packages.txt debian bpf tools docs | \
		xargs -0 cp --parents -t $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc > ../build.log 2>&1 || \
		{ tail -30 ../build.log; exit 1; }
	lintian --info $(BUILD)/deb/daxmon_*.deb > $(BUILD)/deb/lintian.txt || \
		{ cat $(BUILD)/deb/lintian.txt; exit 1; }
	@echo "deb: $$(ls $(BUILD)/deb/daxmon_*.deb); lintian: $$(grep -c '^[EW]:' $(BUILD)/deb/lintian.txt) errors and warnings (see $(BUILD)/deb/lintian.txt)"

# Removes what install put there, and the directories that are daxmon's
# alone; sbin and man8 stay.
uninstall:
	rm -f $(addprefix $(inst_sbin)/,$(INST_TOOLS)) $(inst_lib)/daxfsd \
		$(addprefix $(inst_man)/,$(INST_MAN)) \
		$(addprefix $(inst_share)/prometheus/,$(INST_RULES)) \
		$(addprefix $(inst_share)/grafana/,$(INST_DASH))
	@for d in $(inst_lib) $(inst_share)/prometheus $(inst_share)/grafana $(inst_share); do \
		[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d" || exit 1; done
