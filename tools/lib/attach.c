// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "attach.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "daxmon.h"
#include "filter.h"
#include "interval.h"
#include "kbtf.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* An event every kernel with the daxmon series has. */
#define PROBE_EVENT "fuse_dax_setup_begin"

/*
 * The functions DAX_FN_PROGRAMS in bpf/daxmon.bpf.h probes, without the
 * events: all of them, or that mode is not used.
 */
static const char *const fn_probed[] = {
	"fuse_setup_one_mapping", "fuse_args_to_req", "fuse_request_end",
	"fuse_dax_free_mem_worker", "fuse_dax_inode_cleanup", NULL,
};

/* How a tool attached: its programs' name suffix, what it cannot see. */
static const struct mode {
	const char *name, *suffix;
	unsigned int blind;		/* enum dax_blind */
} modes[] = {
	{ "tp_btf", "_btf", 0 },
	{ "raw_tp", "_raw", 0 },
	{ "fentry", "_fn", DAX_BLIND_FN },
	{ "kprobe", "_kp", DAX_BLIND_FN },
};
enum { MODE_TP_BTF, MODE_RAW_TP, MODE_FENTRY, MODE_KPROBE };

static const struct mode *mode = &modes[MODE_TP_BTF];
/* enum dax_blind: the mode's, and what the kernel does not keep */
static unsigned int blind;
/* a tool of function probes only shows none of what they are blind to */
static bool own_probes;
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
	/*
	 * The fuse types and functions are in the module's BTF, which
	 * libbpf can only find by walking the kernel's BTF objects:
	 * BPF_BTF_GET_NEXT_ID and _GET_FD_BY_ID want CAP_SYS_ADMIN.
	 */
	if (read_caps(caps) == 0 && !has_cap(caps, CAP_SYS_ADMIN) &&
	    access("/sys/kernel/btf/fuse", F_OK) == 0) {
		fprintf(stderr, "%s: fuse is a module here, and reading its BTF needs CAP_SYS_ADMIN as well as CAP_BPF and CAP_PERFMON\n",
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

/*
 * What the kernel's BTF (vmlinux's, and fuse's when fuse is a module)
 * has of the names a choice of mode asks about: the events' typedef,
 * the functions probed and their stand-ins, looked up all at once.
 */
struct kernel_btf {
	bool loaded;
	int n;
	struct kbtf_name names[64];	/* a tool asks about 8 at most */
};

static void want(struct kernel_btf *k, const char *const *names, int kind)
{
	for (; names && *names; names++)
		if (k->n < (int)(sizeof(k->names) / sizeof(k->names[0])))
			k->names[k->n++] = (struct kbtf_name){ *names, kind, false };
}

/* libbpf's parse, where kbtf_mark() cannot read the BTF */
static void libbpf_mark(struct kernel_btf *k)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	struct btf *fuse = vmlinux ? btf__load_module_btf("fuse", vmlinux) : NULL;

	for (int i = 0; i < k->n; i++) {
		struct kbtf_name *w = &k->names[i];

		w->found = (vmlinux && btf__find_by_name_kind(vmlinux, w->name, w->kind) >= 0) ||
			   (fuse && btf__find_by_name_kind(fuse, w->name, w->kind) >= 0);
	}
	btf__free(fuse);
	btf__free(vmlinux);
}

static void kernel_btf_load(struct kernel_btf *k, const char *const *fns,
			    const struct dax_fn_alt *alts)
{
	static const char *const typedefs[] = { "btf_trace_" PROBE_EVENT, NULL };
	const char *fuse = "/sys/kernel/btf/fuse";

	want(k, typedefs, BTF_KIND_TYPEDEF);
	want(k, fns, BTF_KIND_FUNC);
	for (; alts && alts->fn; alts++) {
		const char *const one[] = { alts->fn, NULL };

		want(k, one, BTF_KIND_FUNC);
		want(k, alts->instead, BTF_KIND_FUNC);
	}
	if (access(fuse, F_OK))
		fuse = NULL;
	if (kbtf_mark("/sys/kernel/btf/vmlinux", fuse, k->names, k->n))
		libbpf_mark(k);
	k->loaded = true;
}

/* Only the names kernel_btf_load() was given are known. */
static bool kernel_btf_has(const struct kernel_btf *k, const char *name,
			   int kind)
{
	for (int i = 0; i < k->n; i++)
		if (k->names[i].kind == kind && !strcmp(k->names[i].name, name))
			return k->names[i].found;
	return false;
}

/*
 * A function the kernel has out of line, by its exact name.  A
 * tracepoint's iterator is one: listed even without
 * CONFIG_KALLSYMS_ALL, which the __tracepoint_ data symbol needs.
 */
static bool kallsyms_has_function(const char *name)
{
	char line[256], sym[128], type;
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %c %127s", &type, sym) == 2 &&
			(type == 't' || type == 'T') && !strcmp(sym, name);
	fclose(f);
	return found;
}

/* The first of fns that BTF (or kallsyms) lacks, or NULL */
static const char *fn_missing(const struct kernel_btf *k, bool btf,
			      const char *const *fns)
{
	for (; *fns; fns++) {
		bool has = btf ? kernel_btf_has(k, *fns, BTF_KIND_FUNC) :
				 kallsyms_has_function(*fns);

		if (!has)
			return *fns;
	}
	return NULL;
}

/* Functions whose programs are not loaded: the alternatives not chosen */
static const char *not_probed[16];
static size_t nr_not_probed;

static void skip_probes(const char *const *fns)
{
	for (; *fns && nr_not_probed < sizeof(not_probed) / sizeof(not_probed[0]); fns++)
		not_probed[nr_not_probed++] = *fns;
}

/*
 * Each function of alts where the kernel has it, else its stand-ins:
 * NULL, or the first function that has neither.
 */
static const char *alts_choose(const struct kernel_btf *k, bool btf,
			       const struct dax_fn_alt *a)
{
	nr_not_probed = 0;
	for (; a && a->fn; a++) {
		const char *const one[] = { a->fn, NULL };

		if (!fn_missing(k, btf, one))
			skip_probes(a->instead);
		else if (!fn_missing(k, btf, a->instead))
			skip_probes(one);
		else
			return a->fn;
	}
	return NULL;
}

/* Why the mode asked for (auto: any) cannot attach, and the fix. */
static void say_why_not(const char *tool, enum dax_attach a,
			const char *missing, bool events)
{
	if (a == DAX_ATTACH_TRACEPOINT)
		fprintf(stderr, "%s: this kernel has no fuse_dax_* tracepoints: it needs the daxmon patches (kernel/patches, \"fuse: dax: add tracepoints for the DAX range pool\") and CONFIG_FUSE_DAX=y; or try --attach=auto\n",
			tool);
	else if (!kallsyms_has_function("fuse_request_end"))
		fprintf(stderr, "%s: fuse is not loaded: modprobe fuse, or mount the virtio-fs share first\n",
			tool);
	else if (!kallsyms_has_function("fuse_dax_free_mem_worker"))
		fprintf(stderr, "%s: this kernel's fuse has no DAX: it needs CONFIG_FUSE_DAX=y\n",
			tool);
	else if (a == DAX_ATTACH_FENTRY)
		fprintf(stderr, "%s: cannot fentry %s: the kernel's BTF has no such function (inlined in this build?); try --attach=kprobe\n",
			tool, missing);
	else if (a == DAX_ATTACH_KPROBE)
		fprintf(stderr, "%s: cannot kprobe %s: /proc/kallsyms has no such function (inlined in this build?)\n",
			tool, missing);
	else if (!events)
		fprintf(stderr, "%s: cannot probe %s: neither the kernel's BTF nor /proc/kallsyms has it (inlined in this build?)\n",
			tool, missing);
	else
		fprintf(stderr, "%s: this kernel has no fuse_dax_* tracepoints (the daxmon patches), and %s is inlined: nothing to probe\n",
			tool, missing);
}

/*
 * Whether the fuse_dax events exist, from tracefs, without parsing the
 * kernel's BTF (a few MB: as long as libbpf's load takes for it again):
 * 1 listed, 0 not there, -1 tracefs cannot tell (not mounted).
 */
static int events_listed(void)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/fuse/" PROBE_EVENT,
			 roots[i]);
		if (!access(path, F_OK))
			return 1;
		snprintf(path, sizeof(path), "%s/events/sched", roots[i]);
		if (!access(path, F_OK))
			return 0;
	}
	return -1;
}

/*
 * Where fuse's types are described: vmlinux's BTF (dax_preflight()
 * checked it) when fuse is built in, its own when a module (loaded:
 * its tracepoints are listed).  A module built without BTF has none.
 */
static bool fuse_has_btf(void)
{
	return access("/sys/module/fuse/initstate", F_OK) ||
	       !access("/sys/kernel/btf/fuse", F_OK);
}

/*
 * tp_btf or raw_tp, for the fuse_dax events; -1: they are not there.
 * fns and alts: what fentry would probe instead, asked of the BTF at
 * the same time.
 */
static int choose_events(const struct dax_opts *o, struct kernel_btf *k,
			 const char *const *fns, const struct dax_fn_alt *alts)
{
	int listed = events_listed();

	if (listed >= 0)
		return !listed ? -1 :
		       !o->force_raw && fuse_has_btf() ? MODE_TP_BTF : MODE_RAW_TP;
	kernel_btf_load(k, fns, alts);
	if (!o->force_raw && kernel_btf_has(k, "btf_trace_" PROBE_EVENT,
					    BTF_KIND_TYPEDEF))
		return MODE_TP_BTF;
	return kallsyms_has_function("__traceiter_" PROBE_EVENT) ?
	       MODE_RAW_TP : -1;
}

static int choose_mode(const struct dax_tool *t)
{
	const char *tool = t->name;
	const struct dax_opts *o = t->opts;
	const char *const *fns = t->functions ? t->functions : fn_probed;
	struct kernel_btf k = {};
	const char *missing = NULL;
	bool any = o->attach == DAX_ATTACH_AUTO;
	int chosen = -1;

	if (t->functions && (o->attach == DAX_ATTACH_TRACEPOINT || o->force_raw)) {
		fprintf(stderr, "%s: has no tracepoint mode: it probes %s (--attach=fentry or kprobe)\n",
			tool, t->functions[0]);
		return -1;
	}
	if (!t->functions && (any || o->attach == DAX_ATTACH_TRACEPOINT))
		chosen = choose_events(o, &k, fns, t->alts);
	if (chosen < 0 && (any || o->attach == DAX_ATTACH_FENTRY)) {
		if (!k.loaded)
			kernel_btf_load(&k, fns, t->alts);
		missing = fn_missing(&k, true, fns) ?: alts_choose(&k, true, t->alts);
		if (!missing)
			chosen = MODE_FENTRY;
	}
	if (chosen < 0 && (any || o->attach == DAX_ATTACH_KPROBE)) {
		missing = fn_missing(&k, false, fns) ?: alts_choose(&k, false, t->alts);
		if (!missing)
			chosen = MODE_KPROBE;
	}
	if (chosen >= 0) {
		own_probes = t->functions != NULL;
		mode = &modes[chosen];
		blind = mode->blind;
		/*
		 * counted by the reclaim policy patch only (dmap_uses()),
		 * the one that adds the dax_reclaim parameter
		 */
		if (!dax_reclaim_policy())
			blind |= DAX_BLIND_RANGE_USES;
	}
	if (chosen >= 0)
		return 0;
	say_why_not(tool, o->attach, missing, !t->functions);
	return -1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Whether prog probes a function of not_probed (section "fexit/NAME") */
static bool probes_skipped(const struct bpf_program *prog)
{
	const char *target = strchr(bpf_program__section_name(prog), '/');

	for (size_t i = 0; target && i < nr_not_probed; i++)
		if (!strcmp(target + 1, not_probed[i]))
			return true;
	return false;
}

int dax_choose_programs(const struct dax_tool *t, struct bpf_object *obj)
{
	struct bpf_program *prog;

	if (choose_mode(t))
		return -1;
	bpf_object__for_each_program(prog, obj)
		if (!ends_with(bpf_program__name(prog), mode->suffix) ||
		    probes_skipped(prog))
			bpf_program__set_autoload(prog, false);
	return 0;
}

/* the tool's object once loaded, for dax_prog_misses() */
static struct bpf_object *loaded;

__u64 dax_prog_misses(void)
{
	struct bpf_program *prog;
	__u64 n = 0;

	if (!loaded)
		return 0;
	bpf_object__for_each_program(prog, loaded) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			n += info.recursion_misses;
	}
	return n;
}

int dax_load(const char *tool, struct bpf_object_skeleton *skeleton)
{
	int err = bpf_object__load_skeleton(skeleton);

	if (!err)
		loaded = *skeleton->obj;
	if (err)
		fprintf(stderr, "%s: cannot load the BPF programs: %s (try -v)\n",
			tool, strerror(-err));
	return err ? -1 : 0;
}

int dax_attach(const char *tool, struct bpf_object_skeleton *skeleton,
	       struct dax_filter *filter, struct bpf_map *cgroup_map)
{
	int err;

	if (filter && dax_filter_apply(tool, filter, cgroup_map))
		return -1;
	err = bpf_object__attach_skeleton(skeleton);
	if (err) {
		fprintf(stderr, "%s: cannot attach (%s): %s (try -v%s)\n", tool,
			mode->name, strerror(-err),
			mode == &modes[MODE_FENTRY] ? ", or --attach=kprobe" : "");
		return -1;
	}
	return 0;
}

const char *dax_attach_mode(void)
{
	return mode->name;
}

bool dax_sees(enum dax_blind what)
{
	return !(blind & what);
}

const char *dax_reclaim_policy(void)
{
	static char policy[16];
	FILE *f = fopen("/sys/module/fuse/parameters/dax_reclaim", "r");
	bool ok = f && fgets(policy, sizeof(policy), f);

	if (f)
		fclose(f);
	if (!ok)
		return NULL;
	policy[strcspn(policy, "\n")] = '\0';
	return policy;
}

unsigned int dax_unseen_reclaim_modes(void)
{
	return dax_sees(DAX_BLIND_INLINE_RECLAIM) ? 0 : 1U << DAX_MODE_INLINE;
}

/* Once, before "attached": what this mode cannot see. */
static void report_blind(const char *tool)
{
	static const char *const what[] = {
		"fault and allocation waits",
		"inline reclaim runs",
		"ranges freed by reclaim and failed runs",
		"the uses and age of removed ranges",
	};
	const char *sep = "";

	if (own_probes)
		return;
	if (blind & ~mode->blind & DAX_BLIND_RANGE_USES)
		fprintf(stderr, "%s: this kernel keeps no uses or age of a range (kernel/patches, \"fuse: dax: give a range found in use a second chance before reclaim\"): shown as -\n",
			tool);
	if (!mode->blind)
		return;
	fprintf(stderr, "%s: %s cannot see ", tool, mode->name);
	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		if (!(mode->blind & (1U << i)))
			continue;
		fprintf(stderr, "%s%s", sep, what[i]);
		sep = ", ";
	}
	fprintf(stderr, ": shown as -\n");
}

void dax_report_attached(const char *tool, const char *what)
{
	report_blind(tool);
	/* scripts wait for this line: every tool writes it, always */
	fprintf(stderr, "%s: attached (%s)\n", tool, mode->name);
	if (what) {
		printf("%s (%s)... Hit Ctrl-C to end.\n", what, mode->name);
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
		if (tool)
			fprintf(stderr, "%s: cannot drop privileges: %s\n", tool,
				strerror(errno));
		return -1;
	}
	return 0;
}

int dax_creatable_unprivileged(const char *path)
{
	pid_t pid = fork();
	int status, fd;

	if (pid < 0)
		return errno;
	if (!pid) {
		if (dax_drop_privileges(NULL))
			_exit(EPERM);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			_exit(errno);
		close(fd);
		_exit(unlink(path) ? errno : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

int dax_size_table(const char *tool, struct bpf_map *map, unsigned int n)
{
	int err = n ? bpf_map__set_max_entries(map, n) : 0;

	if (err)
		fprintf(stderr, "%s: cannot make %s hold %u entries: %s\n", tool,
			bpf_map__name(map), n, strerror(-err));
	return err;
}

/*
 * Where start-up goes, with DAXMON_STARTUP set: ms since the process
 * started, at the end of each step (the benchmark reads these).
 */
struct startup {
	long long start_ms;	/* -1: off */
	char line[256];
	size_t len;
};

static long long boottime_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_BOOTTIME, &now);
	return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

/* The process's start, in ms after boot: field 22 of /proc/self/stat */
static long long process_start_ms(void)
{
	unsigned long long ticks;
	char stat[1024], *p;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;

	if (f)
		fclose(f);
	stat[n] = '\0';
	p = strrchr(stat, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &ticks) != 1)
		return -1;
	return ticks * 1000 / sysconf(_SC_CLK_TCK);
}

static void startup_mark(struct startup *s, const char *step)
{
	if (s->start_ms >= 0 && s->len < sizeof(s->line))
		s->len += snprintf(s->line + s->len, sizeof(s->line) - s->len,
				   " %s %lld", step, boottime_ms() - s->start_ms);
}

int dax_setup(const struct dax_tool *t)
{
	struct startup s = {
		.start_ms = getenv("DAXMON_STARTUP") ? process_start_ms() : -1,
	};
	struct dax_bpf bpf = {};

	dax_libbpf_verbose(t->opts->verbose);
	startup_mark(&s, "main");
	if (dax_preflight(t->name))
		return -1;
	if (t->open(&bpf)) {
		fprintf(stderr, "%s: cannot open the BPF object: %s\n", t->name,
			strerror(errno));
		return -1;
	}
	startup_mark(&s, "open");
	if (dax_choose_programs(t, *bpf.skeleton->obj))
		return -1;
	/* kprobe programs have task storage since 6.2 only */
	if (bpf.task_starts)
		*bpf.task_starts = mode != &modes[MODE_KPROBE];
	startup_mark(&s, "choose");
	if ((t->filter && dax_filter_open_cgroup(t->name, t->filter)) ||
	    (bpf.table && dax_size_table(t->name, bpf.table, t->opts->max_entries)) ||
	    dax_load(t->name, bpf.skeleton))
		return -1;
	startup_mark(&s, "load");
	if (dax_attach(t->name, bpf.skeleton, t->filter, bpf.cgroup_map) ||
	    (t->attached && t->attached()) ||
	    dax_drop_privileges(t->name))
		return -1;
	startup_mark(&s, "attached");
	dax_stop_on_signals();
	if (s.start_ms >= 0)
		fprintf(stderr, "%s: start-up ms:%s\n", t->name, s.line);
	dax_report_attached(t->name, t->what);
	return 0;
}
