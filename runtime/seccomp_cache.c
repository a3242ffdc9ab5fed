/* SPDX-License-Identifier: Apache-2.0 */
/* The compiled-filter cache: <cache_dir>/<sha256 hex>.bpf.
 *
 * File layout (host endianness: it never leaves the machine that wrote it):
 *   "HULLBPF1" | key[32] | u32 flags | u32 notify | u32 n_insns | u32 0 | insns[n] | sha256[32]
 * The trailing SHA-256 covers everything before it, so a torn, truncated or edited file is
 * detected and simply rebuilt. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "seccomp_internal.h"

/* Bump when hull's generator changes what it emits for the same profile. */
#define GENERATOR "hull-seccomp-v2"

static const char MAGIC[8] = {'H', 'U', 'L', 'L', 'B', 'P', 'F', '1'};

struct cache_hdr {
	char magic[8];
	uint8_t key[32];
	uint32_t flags, notify, n_insns, reserved;
};
_Static_assert(sizeof(struct cache_hdr) == 56, "cache header is packed by construction");

/* ---- canonical serialization: every value length-prefixed, so no two profiles collide ---- */

static void put_u64(struct hull_sha256 *s, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	hull_sha256_update(s, b, sizeof b);
}

static void put_str(struct hull_sha256 *s, const char *str)
{
	if (!str) {
		put_u64(s, UINT64_MAX); /* absent differs from "" */
		return;
	}
	size_t n = strlen(str);
	put_u64(s, n);
	hull_sha256_update(s, str, n);
}

static void put_strv(struct hull_sha256 *s, char **v, size_t n)
{
	put_u64(s, n);
	for (size_t i = 0; i < n; i++)
		put_str(s, v[i]);
}

void seccomp_cache_key(const struct oci_seccomp *sc, uint8_t key[32])
{
	struct hull_sha256 s;
	hull_sha256_init(&s);
	put_str(&s, GENERATOR);
	const struct scmp_version *v = seccomp_version();
	put_u64(&s, v->major);
	put_u64(&s, v->minor);
	put_u64(&s, v->micro);
	put_u64(&s, seccomp_arch_native());
	/* libseccomp checks actions against the running kernel's API level */
	struct utsname u;
	if (uname(&u) == 0) {
		put_str(&s, u.machine);
		put_str(&s, u.release);
	}

	put_str(&s, sc->default_action);
	put_u64(&s, sc->has_default_errno_ret);
	put_u64(&s, sc->default_errno_ret);
	put_strv(&s, sc->architectures, sc->n_architectures);
	put_strv(&s, sc->flags, sc->n_flags);
	put_u64(&s, sc->n_syscalls);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_seccomp_syscall *c = &sc->syscalls[i];
		put_strv(&s, c->names, c->n_names);
		put_str(&s, c->action);
		put_u64(&s, c->has_errno_ret);
		put_u64(&s, c->errno_ret);
		put_u64(&s, c->n_args);
		for (size_t j = 0; j < c->n_args; j++) {
			put_u64(&s, c->args[j].index);
			put_u64(&s, c->args[j].value);
			put_u64(&s, c->args[j].value_two);
			put_u64(&s, (uint64_t)(int64_t)c->args[j].op);
		}
	}
	hull_sha256_final(&s, key);
}

char *seccomp_cache_path(const char *dir, const uint8_t key[32])
{
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	return xasprintf("%s/%s.bpf", dir, hex);
}

int seccomp_cache_load(const char *dir, const uint8_t key[32], struct hull_bpf *out)
{
	_cleanup_free_ char *path = seccomp_cache_path(dir, key);
	_cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	struct stat st;
	const size_t max = sizeof(struct cache_hdr) + BPF_MAXINSNS * sizeof(struct sock_filter) + 32;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)(sizeof(struct cache_hdr) + 32) ||
	    (size_t)st.st_size > max) {
		hull_debug("seccomp: cache file %s has a bad size, rebuilding", path);
		return 0;
	}
	size_t len = (size_t)st.st_size;
	_cleanup_free_ uint8_t *buf = xmalloc(len);
	if (read_all(fd, buf, len) != (ssize_t)len)
		return 0;
	struct cache_hdr h;
	memcpy(&h, buf, sizeof h);
	uint8_t sum[32];
	hull_sha256(buf, len - 32, sum);
	if (memcmp(h.magic, MAGIC, sizeof MAGIC) != 0 || memcmp(h.key, key, 32) != 0 || h.n_insns == 0 ||
	    h.n_insns > BPF_MAXINSNS || len != sizeof h + (size_t)h.n_insns * sizeof(struct sock_filter) + 32 ||
	    memcmp(sum, buf + len - 32, 32) != 0 || h.notify > 1) {
		hull_debug("seccomp: cache file %s is corrupt, rebuilding", path);
		return 0;
	}
	size_t n_bytes = (size_t)h.n_insns * sizeof(struct sock_filter);
	out->insns = xmalloc(n_bytes);
	memcpy(out->insns, buf + sizeof h, n_bytes);
	out->n_insns = h.n_insns;
	out->flags = h.flags;
	out->notify = h.notify != 0;
	return 1;
}

int seccomp_cache_store(const char *dir, const uint8_t key[32], const struct hull_bpf *bpf, hull_err *e)
{
	int r = mkdir_p(dir, 0700, e);
	if (r < 0)
		return r;
	size_t n_bytes = bpf->n_insns * sizeof(struct sock_filter);
	size_t len = sizeof(struct cache_hdr) + n_bytes + 32;
	_cleanup_free_ uint8_t *buf = xcalloc(1, len);
	struct cache_hdr h = {.flags = bpf->flags, .notify = bpf->notify, .n_insns = (uint32_t)bpf->n_insns};
	memcpy(h.magic, MAGIC, sizeof MAGIC);
	memcpy(h.key, key, 32);
	memcpy(buf, &h, sizeof h);
	memcpy(buf + sizeof h, bpf->insns, n_bytes);
	hull_sha256(buf, len - 32, buf + len - 32);
	_cleanup_free_ char *path = seccomp_cache_path(dir, key);
	return write_file_atomic(path, (const char *)buf, len, 0600, e);
}
