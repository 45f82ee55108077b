# daxmon: see README.md.  `make demo` and `make test` are the entry points.

BUILD		?= build
PACKAGES	?= packages.txt
# Built kernels shared by checkouts on this machine (CI reuses them).
DAXMON_KERNEL_CACHE ?= /var/cache/daxmon/kernel
export DAXMON_KERNEL_CACHE

KERNEL		:= $(BUILD)/bzImage

.PHONY: all deps kernel tools man vmlinux-h test unit-test guest-test demo clean

all: kernel tools man

# Installs what is missing from $(PACKAGES); as non-root, says what to run.
deps:
	@missing=$$(grep -v -e '^#' -e '^$$' $(PACKAGES) | while read -r p; do \
		dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | \
			grep -q '^install ok installed$$' || echo "$$p"; done); \
	if [ -z "$$missing" ]; then echo "deps: all packages installed"; exit 0; fi; \
	line="apt-get install -y --no-install-recommends $$(echo $$missing)"; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "deps: missing packages; as root, run:" >&2; \
		echo "  apt-get update && $$line" >&2; exit 1; \
	fi; \
	echo "deps: installing $$(echo $$missing)"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$line -qq

kernel: deps
	kernel/build.sh $(BUILD)

tools: deps
	$(MAKE) -C tools O=$(abspath $(BUILD))/tools

# Man pages of the tools, formatted to text in $(BUILD)/man.
man: deps
	@mkdir -p $(BUILD)/man
	@for page in docs/man/*.8; do \
		groff -man -Tutf8 -ww $$page | col -b > $(BUILD)/man/$$(basename $$page .8).txt || exit 1; \
	done; echo "man: $(BUILD)/man/*.txt (read one with: man -l docs/man/dax-top.8)"

# bpf/vmlinux.h is checked in; regenerate it after a kernel change that
# matters to the BPF programs.
vmlinux-h: kernel
	bpftool btf dump file $(BUILD)/vmlinux format c > bpf/vmlinux.h

test: deps kernel tools
	tests/run --build $(BUILD)

unit-test: deps tools
	tests/run --build $(BUILD) --unit

guest-test: deps kernel tools
	tests/run --build $(BUILD) --guest

demo: deps kernel tools
	tests/vm/run-guest -f -t 900 $(KERNEL) $(BUILD)/demo tests/demo/demo.sh

clean:
	rm -rf $(BUILD)/demo $(BUILD)/test-out
