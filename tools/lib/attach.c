// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "attach.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "filter.h"
#include "interval.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* An event every kernel with the daxmon series has. */
#define PROBE_EVENT "fuse_dax_setup_begin"

static const char *mode = "tp_btf";
static bool libbpf_verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	(void)level;
	if (!libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

void dax_libbpf_verbose(bool verbose)
{
	libbpf_verbose = verbose;
	libbpf_set_print(print_libbpf);
}

static int read_caps(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return syscall(SYS_capget, &hdr, data);
}

static bool has_cap(const struct __user_cap_data_struct data[2], int cap)
{
	return data[cap / 32].effective & (1U << (cap % 32));
}

int dax_preflight(const char *tool)
{
	struct __user_cap_data_struct caps[2] = {};

	if (read_caps(caps) == 0 && !has_cap(caps, CAP_SYS_ADMIN) &&
	    !(has_cap(caps, CAP_BPF) && has_cap(caps, CAP_PERFMON))) {
		fprintf(stderr, "%s: needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): run it as root\n",
			tool);
		return -1;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "%s: this kernel has no BTF (/sys/kernel/btf/vmlinux): it needs CONFIG_DEBUG_INFO_BTF=y\n",
			tool);
		return -1;
	}
	return 0;
}

static bool btf_has_event(const char *event)
{
	char name[128];
	struct btf *vmlinux, *fuse;
	bool found;

	snprintf(name, sizeof(name), "btf_trace_%s", event);
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return false;
	found = btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF) >= 0;
	if (!found) {
		/* fuse built as a module */
		fuse = btf__load_module_btf("fuse", vmlinux);
		if (fuse) {
			found = btf__find_by_name_kind(fuse, name,
						       BTF_KIND_TYPEDEF) >= 0;
			btf__free(fuse);
		}
	}
	btf__free(vmlinux);
	return found;
}

/*
 * The tracepoint exists, whether or not BTF describes it.  Its iterator
 * is a function: listed even without CONFIG_KALLSYMS_ALL, which the
 * __tracepoint_ data symbol needs.
 */
static bool kallsyms_has_event(const char *event)
{
	char line[256], want[128];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	snprintf(want, sizeof(want), " __traceiter_%s", event);
	while (!found && fgets(line, sizeof(line), f)) {
		char *end = strpbrk(line, "\t\n");

		if (end)
			*end = '\0';
		found = strstr(line, want) && !strcmp(strstr(line, want), want);
	}
	fclose(f);
	return found;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int dax_choose_programs(const char *tool, struct bpf_object *obj,
			bool force_raw)
{
	struct bpf_program *prog;
	bool raw = force_raw;

	if (!raw && !btf_has_event(PROBE_EVENT))
		raw = true;
	if (raw && !kallsyms_has_event(PROBE_EVENT)) {
		fprintf(stderr, "%s: this kernel has no fuse_dax_* tracepoints: it needs the daxmon patches (kernel/patches, \"fuse: dax: add tracepoints for the DAX range pool\") and CONFIG_FUSE_DAX=y\n",
			tool);
		return -1;
	}
	mode = raw ? "raw_tp" : "tp_btf";
	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);

		if (ends_with(name, raw ? "_btf" : "_raw"))
			bpf_program__set_autoload(prog, false);
	}
	return 0;
}

int dax_load_attach(const char *tool, struct bpf_object_skeleton *skeleton,
		    struct dax_filter *filter, struct bpf_map *cgroup_map)
{
	int err = bpf_object__load_skeleton(skeleton);

	if (err) {
		fprintf(stderr, "%s: cannot load the BPF programs: %s (try -v)\n",
			tool, strerror(-err));
		return -1;
	}
	if (filter && dax_filter_apply(tool, filter, cgroup_map))
		return -1;
	err = bpf_object__attach_skeleton(skeleton);
	if (err) {
		fprintf(stderr, "%s: cannot attach to the fuse_dax tracepoints: %s (try -v)\n",
			tool, strerror(-err));
		return -1;
	}
	return 0;
}

const char *dax_attach_mode(void)
{
	return mode;
}

void dax_report_attached(const char *tool, const char *what)
{
	/* scripts wait for this line: every tool writes it, always */
	fprintf(stderr, "%s: attached (%s)\n", tool, mode);
	if (what) {
		printf("%s (%s)... Hit Ctrl-C to end.\n", what, mode);
		fflush(stdout);
	}
}

int dax_drop_privileges(const char *tool)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct none[2] = {};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_capset, &hdr, none)) {
		fprintf(stderr, "%s: cannot drop privileges: %s\n", tool,
			strerror(errno));
		return -1;
	}
	return 0;
}

int dax_size_table(const char *tool, struct bpf_map *map, unsigned int n)
{
	int err = n ? bpf_map__set_max_entries(map, n) : 0;

	if (err)
		fprintf(stderr, "%s: cannot make %s hold %u entries: %s\n", tool,
			bpf_map__name(map), n, strerror(-err));
	return err;
}

int dax_setup(const struct dax_tool *t)
{
	struct dax_bpf bpf = {};

	dax_libbpf_verbose(t->opts->verbose);
	if (dax_preflight(t->name))
		return -1;
	if (t->open(&bpf)) {
		fprintf(stderr, "%s: cannot open the BPF object: %s\n", t->name,
			strerror(errno));
		return -1;
	}
	if (dax_choose_programs(t->name, *bpf.skeleton->obj, t->opts->force_raw) ||
	    (t->filter && dax_filter_open_cgroup(t->name, t->filter)) ||
	    (bpf.table && dax_size_table(t->name, bpf.table, t->opts->max_entries)) ||
	    dax_load_attach(t->name, bpf.skeleton, t->filter, bpf.cgroup_map) ||
	    (t->attached && t->attached()) ||
	    dax_drop_privileges(t->name))
		return -1;
	dax_stop_on_signals();
	dax_report_attached(t->name, t->what);
	return 0;
}
