/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether the kernel's BTF names a function or type, in one pass over
 * its raw types: no index, no copy.  libbpf's btf__parse() of vmlinux's
 * BTF holds it twice and indexes every type, and its load of the BPF
 * object parses it again anyway: asking it first paid that twice.
 */
#ifndef DAXMON_KBTF_H
#define DAXMON_KBTF_H

#include <stdbool.h>

struct kbtf_name {
	const char *name;
	int kind;		/* BTF_KIND_FUNC, BTF_KIND_TYPEDEF, ... */
	bool found;
};

/*
 * Set found for each of names[0..n) that vmlinux's BTF has, or module's
 * (a split BTF on vmlinux's; NULL: none).  0, or -1 if a file cannot be
 * read or is BTF of a form this does not know (a kind added after it,
 * the other byte order): ask libbpf then.
 */
int kbtf_mark(const char *vmlinux, const char *module, struct kbtf_name *names,
	      int n);

#endif
