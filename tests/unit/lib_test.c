// SPDX-License-Identifier: GPL-2.0
/* Host tests of tools/lib: exact bucket bounds, percentiles and output. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <bpf/btf.h>

#include "hist.h"
#include "json.h"
#include "kbtf.h"
#include "mounts.h"
#include "prom.h"
#include "textbuf.h"
#include "check.h"

/* Run fn(out) into a memory buffer and compare with the expected text. */
static void expect_output(const char *what, const char *expected,
			  void (*fn)(FILE *out))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	fn(out);
	fclose(out);
	if (strcmp(buf, expected)) {
		check_fail(what, "the text after '--- expected'",
			   "the text after '--- saw'");
		printf("--- expected\n%s--- saw\n%s---\n", expected, buf);
	}
	free(buf);
}

static void test_slots(void)
{
	check_u64("log2 slot of 0", 0, hist_slot(0, 0, 32));
	check_u64("log2 slot of 1", 0, hist_slot(1, 0, 32));
	check_u64("log2 slot of 2", 1, hist_slot(2, 0, 32));
	check_u64("log2 slot of 3", 1, hist_slot(3, 0, 32));
	check_u64("log2 slot of 1023", 9, hist_slot(1023, 0, 32));
	check_u64("log2 slot of 1024", 10, hist_slot(1024, 0, 32));
	check_u64("log2 slot clamps", 31, hist_slot(~0ULL, 0, 32));
	check_u64("linear slot of 9 step 5", 1, hist_slot(9, 5, 32));
	check_u64("linear slot clamps", 31, hist_slot(5000, 5, 32));
	check_u64("log2 low 0", 0, hist_low(0, 0));
	check_u64("log2 high 0", 1, hist_high(0, 0));
	check_u64("log2 low 11", 2048, hist_low(11, 0));
	check_u64("log2 high 11", 4095, hist_high(11, 0));
	check_u64("linear low 3 step 10", 30, hist_low(3, 10));
	check_u64("linear high 3 step 10", 39, hist_high(3, 10));
}

static const __u64 sample[8] = { 0, 0, 4, 4, 2, 0, 0, 0 };

static void test_percentiles(void)
{
	struct hist h = { sample, 8, 0 };
	struct hist lin = { sample, 8, 10 };
	struct hist empty = { (const __u64[8]){ 0 }, 8, 0 };

	check_u64("count", 10, hist_count(&h));
	/* rank 5 of 10: bucket 3 [8,15] holds ranks 5..8, 1 of 4 in */
	check_near("log2 p50", 8 + 8 * 1.0 / 4, hist_percentile(&h, 0.5));
	/* rank 9: bucket 4 [16,31], 1 of 2 in */
	check_near("log2 p90", 16 + 16 * 1.0 / 2, hist_percentile(&h, 0.9));
	check_near("log2 p100", 32, hist_percentile(&h, 1.0));
	check_near("linear p50", 30 + 10 * 1.0 / 4, hist_percentile(&lin, 0.5));
	check_near("empty p50", 0, hist_percentile(&empty, 0.5));
}

static void print_sample(FILE *out)
{
	struct hist h = { sample, 8, 0 };

	hist_print(out, &h, "usecs", 150);
}

static void write_json(FILE *out)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j);
	json_key(&j, "mount");
	json_string(&j, "/mnt/\"dax\"\n");
	json_key(&j, "setups");
	json_u64(&j, 18446744073709551615ULL);
	json_key(&j, "free");
	json_i64(&j, -1);
	json_key(&j, "p50");
	json_double(&j, 2.5);
	json_key(&j, "slots");
	json_array_begin(&j);
	json_u64(&j, 1);
	json_object_begin(&j);
	json_key(&j, "ok");
	json_bool(&j, true);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
}

static void write_prom(FILE *out)
{
	/* the empty bucket before the overflow slot is still written */
	static const __u64 slots[5] = { 1, 0, 3, 0, 7 };
	static const __u64 many[2] = { (1ULL << 53) + 1, 0 };
	struct hist h = { slots, 5, 0 }, big = { many, 2, 0 };
	char labels[128] = "", m[64] = "", *text;
	struct prom_bounds bounds;
	struct textbuf b;
	size_t len;

	prom_bounds_init(&bounds, 5, 0, 1000);
	tb_init(&b, 16);	/* small, so that it grows */

	prom_label(labels, sizeof(labels), "mount", "/mnt/a\"b\\\n");
	prom_label(labels, sizeof(labels), "reason", "inline");
	prom_label(m, sizeof(m), "mount", "/m");
	prom_family(&b, "daxmon_setups_total", "counter", "Mappings set up.");
	prom_sample(&b, "daxmon_setups_total", labels, 42);
	prom_sample(&b, "daxmon_free_ranges", "", 0.25);
	prom_sample(&b, "daxmon_offset", "", -3);
	prom_family(&b, "daxmon_wait_seconds", "histogram", "Waits.");
	prom_histogram(&b, "daxmon_wait_seconds", m, &h, &bounds, 0.0125);
	/* counts exact above 2^53, where a double would round them */
	prom_bounds_init(&bounds, 2, 0, 1000);
	prom_histogram(&b, "daxmon_big_seconds", "", &big, &bounds, 1);
	text = tb_take(&b, &len);
	if (text)
		fwrite(text, 1, len, out);
	free(text);
}

/* numbers at their extremes, and text longer than the room first made */
static void write_textbuf(FILE *out)
{
	struct textbuf b;
	size_t len;
	char *text;

	tb_init(&b, 4);
	tb_u64(&b, 0);
	tb_putc(&b, ' ');
	tb_u64(&b, UINT64_MAX);
	tb_printf(&b, " %s=%d", "forty-two", 42);
	tb_puts(&b, "\n");
	text = tb_take(&b, &len);
	if (text && len == strlen(text))
		fputs(text, out);
	free(text);
}

/*
 * A file read whole: more than the room first made, through a pipe whose
 * reads stop short; and a read that fails is no text, not part of one.
 */
static void test_read_fd(void)
{
	static char out[10000];
	struct textbuf b;
	int p[2];
	size_t len;
	char *text;

	memset(out, 'x', sizeof(out));
	if (pipe(p)) {
		check_fail("tb_read_fd", "a pipe", strerror(errno));
		return;
	}
	if (fork() == 0) {
		close(p[0]);
		_exit(write(p[1], out, 3) != 3 || write(p[1], out, sizeof(out) - 3) < 0);
	}
	close(p[1]);
	tb_init(&b, 2);
	tb_read_fd(&b, p[0]);
	close(p[0]);
	text = tb_take(&b, &len);
	check_u64("bytes of a pipe read whole", sizeof(out), text ? len : 0);
	check_u64("and all as written", 1, text && !memcmp(text, out, len));
	free(text);

	tb_init(&b, 0);
	tb_puts(&b, "start");
	tb_read_fd(&b, -1);
	check_u64("a failed read taken", 1, !tb_take(&b, &len));
	wait(NULL);
}

/* mountinfo: the mount point of the device asked for, \ooo unescaped */
static void write_mount(FILE *out)
{
	static const char info[] =
		"36 35 98:0 / /mnt1 rw - ext3 /dev/root rw\n"
		"101 30 0:42 / /tmp/a\\040dir\\134x\\9 rw - fuse /dev/fuse rw\n";
	FILE *f = fmemopen((void *)info, sizeof(info) - 1, "r");
	char name[64];

	fprintf(out, "%d %s\n", dax_mountinfo_find(f, "0:42", name, sizeof(name)), name);
	rewind(f);
	fprintf(out, "%d\n", dax_mountinfo_find(f, "0:4", name, sizeof(name)));
	fclose(f);
}

/* name, from libbpf's parse of btf, into the list w at *n */
static void kbtf_pick(struct kbtf_name *w, int *n, int max, const struct btf *btf,
		      int id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (*n < max && t->name_off)
		w[(*n)++] = (struct kbtf_name){ btf__name_by_offset(btf, t->name_off),
						 btf_kind(t), false };
}

/*
 * kbtf_mark() against libbpf's parse of the same BTF: the host's own
 * vmlinux (a sample of its named types of every kind, names it lacks),
 * and a split BTF made here on it with two functions: one named by the
 * base's strings (a struct's name there, no function's), one by its own.
 */
static void test_kbtf(void)
{
	static const char vmlinux[] = "/sys/kernel/btf/vmlinux";
	static struct kbtf_name w[400];
	struct btf *base = btf__parse(vmlinux, NULL), *split;
	char path[] = "/tmp/lib_test.btf.XXXXXX", what[160];
	int n = 0, types, proto, fd;
	const void *raw;
	__u32 size;

	if (!base) {
		check_fail("kbtf", "the host kernel's BTF", vmlinux);
		return;
	}
	types = btf__type_cnt(base);
	for (int id = 1; id < types; id += types / 300)
		kbtf_pick(w, &n, 300, base, id);
	w[n++] = (struct kbtf_name){ "no_such_function_here", BTF_KIND_FUNC, false };
	w[n++] = (struct kbtf_name){ "task_struct", BTF_KIND_FUNC, false };
	check_rc("kbtf_mark of vmlinux", 0, kbtf_mark(vmlinux, NULL, w, n));
	for (int i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "kbtf: %s of kind %d", w[i].name, w[i].kind);
		check_eq(what, btf__find_by_name_kind(base, w[i].name, w[i].kind) >= 0,
			 w[i].found);
	}

	split = btf__new_empty_split(base);
	proto = btf__add_func_proto(split, 0);
	btf__add_func(split, "task_struct", BTF_FUNC_GLOBAL, proto);
	btf__add_func(split, "lib_test_own_function", BTF_FUNC_GLOBAL, proto);
	raw = btf__raw_data(split, &size);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, raw, size) != (ssize_t)size)
		check_fail("kbtf", "a split BTF written", strerror(errno));
	n = 0;
	w[n++] = (struct kbtf_name){ "task_struct", BTF_KIND_FUNC, false };
	w[n++] = (struct kbtf_name){ "lib_test_own_function", BTF_KIND_FUNC, false };
	w[n++] = (struct kbtf_name){ "lib_test_other", BTF_KIND_FUNC, false };
	check_rc("kbtf_mark of a split BTF", 0, kbtf_mark(vmlinux, path, w, n));
	check_eq("kbtf: split, a name of the base's strings", 1, w[0].found);
	check_eq("kbtf: split, a name of its own strings", 1, w[1].found);
	check_eq("kbtf: split, a name it lacks", 0, w[2].found);
	/* cut short: an error (libbpf's parse is asked then), not a guess */
	if (fd >= 0 && ftruncate(fd, size - 1))
		check_fail("kbtf", "a split BTF cut short", strerror(errno));
	check_rc("kbtf_mark of a split BTF cut short", -1, kbtf_mark(vmlinux, path, w, n));
	if (fd >= 0)
		close(fd);
	unlink(path);
	btf__free(split);
	btf__free(base);
}

/* Bytes this process read before this call (/proc/self/io's rchar), the
 * call's own read in *own. */
static long long bytes_read(long long *own)
{
	char buf[1024], *rchar;
	long long n = -1;
	int fd = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
	ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	*own = len > 0 ? len : 0;
	if (len > 0) {
		buf[len] = '\0';
		rchar = strstr(buf, "rchar: ");
		if (rchar)
			n = atoll(rchar + 7);
	}
	if (fd >= 0)
		close(fd);
	return n;
}

static long long mountinfo_size(void)
{
	char buf[4096];
	long long size = 0;
	ssize_t n = 0;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		size += n;
	if (fd >= 0)
		close(fd);
	return n < 0 ? -1 : size;
}

/*
 * A name follows the mount table: after a move, the device's name is its
 * new mount point (the names are cached while the table is unchanged).
 * In a mount namespace of its own: a tmpfs at a, bound at b, a unmounted.
 */
static void test_mount_names_follow(void)
{
	char a[] = "/tmp/lib_test.XXXXXX", b[] = "/tmp/lib_test.XXXXXX";
	char name[128];
	long long table, before, own, read_since;
	char e[64], seen[32];
	struct stat st;
	uint32_t dev;

	if (unshare(CLONE_NEWNS) ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL)) {
		check_fail("mount names", "a mount namespace of its own (root)",
			   strerror(errno));
		return;
	}
	if (!mkdtemp(a) || !mkdtemp(b) ||
	    mount("lib_test", a, "tmpfs", 0, NULL) || stat(a, &st)) {
		check_fail("mount names", "a tmpfs mounted", strerror(errno));
		return;
	}
	dev = major(st.st_dev) << 20 | minor(st.st_dev);
	check_str("name of the tmpfs", a, dax_mount_name(dev, name, sizeof(name)));
	/* and while the table stays as it is, it is not read again */
	table = mountinfo_size();
	before = bytes_read(&own);
	before += own;
	dax_mount_names_refresh();
	dax_mount_name(dev, name, sizeof(name));
	/* not 0 under valgrind, which reads a few bytes of its own */
	read_since = bytes_read(&own) - before;
	if (table <= 0 || read_since >= table) {
		snprintf(e, sizeof(e), "fewer than the table's %lld", table);
		snprintf(seen, sizeof(seen), "%lld", read_since);
		check_fail("bytes read for a name, table unchanged", e, seen);
	}
	if (mount(a, b, "none", MS_BIND, NULL) || umount2(a, MNT_DETACH)) {
		check_fail("mount names", "the tmpfs moved", strerror(errno));
		return;
	}
	dax_mount_names_refresh();
	check_str("name after the move", b, dax_mount_name(dev, name, sizeof(name)));
	umount2(b, MNT_DETACH);
	rmdir(a);
	rmdir(b);
}

int main(void)
{
	check_keep_going();
	test_slots();
	test_percentiles();
	expect_output("hist_print",
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 0        |                                        |\n"
		"         2 -> 3          : 0        |                                        |\n"
		"         4 -> 7          : 4        |****************************************|\n"
		"         8 -> 15         : 4        |****************************************|\n"
		"        16 -> 31         : 2        |********************                    |\n"
		"count 10  avg 15.0  p50 10.0  p90 24.0  p99 31.2 usecs\n",
		print_sample);
	expect_output("json",
		"{\"mount\":\"/mnt/\\\"dax\\\"\\n\",\"setups\":18446744073709551615,"
		"\"free\":-1,\"p50\":2.5,\"slots\":[1,{\"ok\":true}]}\n",
		write_json);
	expect_output("prometheus",
		"# HELP daxmon_setups_total Mappings set up.\n"
		"# TYPE daxmon_setups_total counter\n"
		"daxmon_setups_total{mount=\"/mnt/a\\\"b\\\\\\n\",reason=\"inline\"} 42\n"
		"daxmon_free_ranges 0.25\n"
		"daxmon_offset -3\n"
		"# HELP daxmon_wait_seconds Waits.\n"
		"# TYPE daxmon_wait_seconds histogram\n"
		"daxmon_wait_seconds_bucket{mount=\"/m\",le=\"0.000002\"} 1\n"
		"daxmon_wait_seconds_bucket{mount=\"/m\",le=\"0.000004\"} 1\n"
		"daxmon_wait_seconds_bucket{mount=\"/m\",le=\"0.000008\"} 4\n"
		"daxmon_wait_seconds_bucket{mount=\"/m\",le=\"0.000016\"} 4\n"
		"daxmon_wait_seconds_bucket{mount=\"/m\",le=\"+Inf\"} 11\n"
		"daxmon_wait_seconds_sum{mount=\"/m\"} 0.0125\n"
		"daxmon_wait_seconds_count{mount=\"/m\"} 11\n"
		"daxmon_big_seconds_bucket{le=\"0.000002\"} 9007199254740993\n"
		"daxmon_big_seconds_bucket{le=\"+Inf\"} 9007199254740993\n"
		"daxmon_big_seconds_sum 1\n"
		"daxmon_big_seconds_count 9007199254740993\n",
		write_prom);
	expect_output("textbuf", "0 18446744073709551615 forty-two=42\n",
		      write_textbuf);
	expect_output("mountinfo", "1 /tmp/a dir\\x\\9\n0\n", write_mount);
	test_read_fd();
	test_mount_names_follow();
	test_kbtf();
	printf("%s\n", check_failures ? "lib_test: FAILED" : "lib_test: all checks passed");
	return check_failures != 0;
}
