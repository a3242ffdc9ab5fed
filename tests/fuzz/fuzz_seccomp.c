/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp profile compiler (runtime/seccomp.c): a config.json whose linux.seccomp is
 * validated and compiled to classic BPF by libseccomp, exactly as `hull create` does before
 * it clones, but never loaded and without the on-disk cache (cache_dir NULL). libseccomp
 * exports the program through a memfd; no path is touched. */
#include <linux/filter.h>
#include <unistd.h>

#include "../../oci/spec.h"
#include "../../runtime/seccomp.h"
#include "../../runtime/seccomp_internal.h"
#include "fuzz.h"

/* What the kernel's checker would refuse at load time: a jump out of the program or a
 * program that can run off its end. */
static void check_program(const struct sock_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (BPF_CLASS(f[i].code) != BPF_JMP)
			continue;
		if (BPF_OP(f[i].code) == BPF_JA) {
			if (i + 1 + (size_t)f[i].k >= n)
				fuzz_fail("instruction %zu of %zu jumps out (ja %u)", i, n, f[i].k);
		} else if (i + 1 + f[i].jt >= n || i + 1 + f[i].jf >= n) {
			fuzz_fail("instruction %zu of %zu jumps out (jt %u jf %u)", i, n, f[i].jt, f[i].jf);
		}
	}
	if (BPF_CLASS(f[n - 1].code) != BPF_RET)
		fuzz_fail("the program does not end in a return (code %#x)", f[n - 1].code);
}

/* The lowest free fd: an fd left open by the compiler (its memfd) shows up as a change. */
static int lowest_free_fd(void)
{
	int fd = dup(0);
	if (fd >= 0)
		close(fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd0 = lowest_free_fd();
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r0 = oci_spec_parse((const char *)data, size, "config.json", &s, &e);
	if (r0 < 0) {
		fuzz_check_msg(r0, e.msg, data, size, "oci_spec_parse");
		return 0;
	}
	const struct oci_seccomp *sc = s->linux_ ? s->linux_->seccomp : NULL;
	if (sc) {
		uint8_t k1[32], k2[32];
		seccomp_cache_key(sc, k1);
		seccomp_cache_key(sc, k2);
		if (memcmp(k1, k2, sizeof k1) != 0)
			fuzz_fail("seccomp_cache_key is not deterministic");
		struct hull_bpf bpf;
		hull_err e2 = {0};
		int r = seccomp_prepare(sc, NULL, &bpf, &e2);
		if (r < 0) {
			fuzz_check_msg(r, e2.msg, data, size, "seccomp_prepare");
			if (bpf.insns)
				fuzz_fail("seccomp_prepare failed but kept a program");
		} else {
			if (!bpf.insns || bpf.n_insns == 0 || bpf.n_insns > BPF_MAXINSNS)
				fuzz_fail("seccomp_prepare: a program of %zu instructions", bpf.n_insns);
			if (bpf.from_cache)
				fuzz_fail("seccomp_prepare: from_cache without a cache dir");
			check_program(bpf.insns, bpf.n_insns);
			seccomp_bpf_free(&bpf);
		}
	}
	oci_spec_free(s);
	if (lowest_free_fd() != fd0)
		fuzz_fail("an fd was left open (lowest free fd %d, was %d)", lowest_free_fd(), fd0);
	return 0;
}
