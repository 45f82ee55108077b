// SPDX-License-Identifier: GPL-2.0
#include "kbtf.h"
#include "textbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <sys/stat.h>

struct blob {
	char *data;
	const char *types, *strs;
	uint32_t types_len, strs_len;
};

static ssize_t read_all(const char *path, struct blob *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct textbuf t;
	struct stat st;
	size_t len;

	if (fd < 0)
		return -1;
	/* sysfs gives the size: room for it, the NUL and the read seeing EOF */
	tb_init(&t, fstat(fd, &st) || st.st_size <= 0 ? 0 : st.st_size + 2);
	tb_read_fd(&t, fd);
	close(fd);
	b->data = tb_take(&t, &len);
	return b->data ? (ssize_t)len : -1;
}

/* The file, its sections checked against its size: 0 or -1. */
static int blob_open(const char *path, struct blob *b)
{
	const struct btf_header *h;
	ssize_t len = read_all(path, b);

	if (len < (ssize_t)sizeof(*h))
		return -1;
	h = (const struct btf_header *)b->data;
	if (h->magic != BTF_MAGIC || h->version != BTF_VERSION ||
	    h->hdr_len > (uint64_t)len ||
	    (uint64_t)h->hdr_len + h->type_off + h->type_len > (uint64_t)len ||
	    (uint64_t)h->hdr_len + h->str_off + h->str_len > (uint64_t)len ||
	    !h->str_len)
		return -1;
	b->types = b->data + h->hdr_len + h->type_off;
	b->types_len = h->type_len;
	b->strs = b->data + h->hdr_len + h->str_off;
	b->strs_len = h->str_len;
	/* every name ends inside the section */
	return b->strs[b->strs_len - 1] ? -1 : 0;
}

/* Bytes after struct btf_type that a kind's record has; -1: unknown */
static long extra_size(unsigned int kind, unsigned int vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* A name: a split BTF's offsets go on from the end of its base's. */
static const char *name_at(const struct blob *b, const struct blob *base,
			   uint32_t off)
{
	if (base && off < base->strs_len)
		return base->strs + off;
	if (base)
		off -= base->strs_len;
	return off < b->strs_len ? b->strs + off : NULL;
}

static int mark(const struct blob *b, const struct blob *base,
		struct kbtf_name *names, int n)
{
	const char *p = b->types, *end = b->types + b->types_len;
	uint32_t kinds = 0;	/* asked for: most types are passed over */

	for (int i = 0; i < n; i++)
		kinds |= 1u << (names[i].kind & 31);

	while (end - p >= (long)sizeof(struct btf_type)) {
		struct btf_type t;
		unsigned int kind;
		long extra;

		memcpy(&t, p, sizeof(t));
		kind = BTF_INFO_KIND(t.info);
		extra = extra_size(kind, BTF_INFO_VLEN(t.info));
		if (extra < 0)
			return -1;
		for (int i = 0; i < n && (kinds & 1u << kind); i++) {
			const char *name;

			if (names[i].found || names[i].kind != (int)kind)
				continue;
			name = name_at(b, base, t.name_off);
			if (name && !strcmp(name, names[i].name))
				names[i].found = true;
		}
		p += sizeof(t) + extra;
	}
	return p == end ? 0 : -1;
}

int kbtf_mark(const char *vmlinux, const char *module, struct kbtf_name *names,
	      int n)
{
	struct blob base = {}, mod = {};
	int err;

	for (int i = 0; i < n; i++)
		names[i].found = false;
	err = blob_open(vmlinux, &base) ?: mark(&base, NULL, names, n);
	if (!err && module)
		err = blob_open(module, &mod) ?: mark(&mod, &base, names, n);
	free(base.data);
	free(mod.data);
	return err ? -1 : 0;
}
