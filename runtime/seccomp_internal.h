/* SPDX-License-Identifier: Apache-2.0 */
/* Pieces of the seccomp module shared between its files and its unit tests.
 * Nothing outside runtime/seccomp*.c and tests/unit/test_seccomp.c should include this. */
#ifndef HULL_RUNTIME_SECCOMP_INTERNAL_H
#define HULL_RUNTIME_SECCOMP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/util.h"
#include "seccomp.h"

/* ---- SHA-256 (FIPS 180-4), used for the cache key and the cache file checksum ---- */
struct hull_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
};
void hull_sha256_init(struct hull_sha256 *s);
void hull_sha256_update(struct hull_sha256 *s, const void *data, size_t len);
void hull_sha256_final(struct hull_sha256 *s, uint8_t out[32]);
void hull_sha256(const void *data, size_t len, uint8_t out[32]);

/* ---- cache ---- */
/* Cache key of a profile: SHA-256 over a length-prefixed serialization of every field that
 * shapes the BPF (not listenerPath/listenerMetadata), the libseccomp runtime version, the
 * native arch, the kernel release and the version of hull's generator. */
void seccomp_cache_key(const struct oci_seccomp *sc, uint8_t key[32]);
/* Load <dir>/<hex key>.bpf into out. 1 = hit, 0 = miss (absent, short, corrupt or for another
 * key: such a file is ignored and later overwritten). Never an error. */
int seccomp_cache_load(const char *dir, const uint8_t key[32], struct hull_bpf *out);
/* Store atomically (write_file_atomic). Failures are returned but callers treat the cache as
 * an optimisation and only log them. */
int seccomp_cache_store(const char *dir, const uint8_t key[32], const struct hull_bpf *bpf, hull_err *e);
/* "<dir>/<64 hex>.bpf", malloc'd */
char *seccomp_cache_path(const char *dir, const uint8_t key[32]);

/* ---- the -ENOSYS stub (see seccomp.c) ---- */
/* One architecture the filter covers and the highest syscall number the profile names on it
 * (an arch where none resolves gets no stub section). */
struct seccomp_arch_max {
	uint32_t scmp_arch; /* SCMP_ARCH_* */
	int64_t max_nr;     /* -1: no syscall of the profile resolves there */
};
/* Build the classic-BPF prologue that returns ERRNO(ENOSYS) for syscall numbers above each
 * arch's max and otherwise falls through to the instruction right after it. Returns the
 * number of instructions written into *out (malloc'd struct sock_filter[]). */
size_t seccomp_enosys_stub(const struct seccomp_arch_max *arches, size_t n, void **out);

#endif
