/* SPDX-License-Identifier: Apache-2.0 */
/* Internals of the cgroup manager shared between its .c files and its unit tests.
 * Nothing outside cgroup/ and tests/unit/test_cgroup*.c should include this. */
#ifndef HULL_CGROUP_INTERNAL_H
#define HULL_CGROUP_INTERNAL_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"

/* The controllers hull knows how to drive, in the order they are enabled. */
enum cg_controller {
	CG_CPU,
	CG_CPUSET,
	CG_IO,
	CG_MEMORY,
	CG_PIDS,
	CG_HUGETLB,
	CG_RDMA,
	CG_MISC,
	CG_NCONTROLLERS
};
const char *cg_controller_name(enum cg_controller c);
int cg_controller_from_name(const char *name, size_t len); /* -1 when unknown */

/* Which controllers `res` needs: need->field[c] is the OCI JSON path of the field that asks for
 * controller c (for error messages), "" when nothing does. need->hard[c] is false when every
 * request for c only asks for the kernel default (cpu.shares 1024, pids.limit <= 0, memory
 * limit -1, quota -1 ...): such a "soft" need is written when c is present and skipped when it
 * is not (the default is then in effect anyway), so containerd's shares 1024 works on a hybrid
 * host. Also rejects fields cgroup v2 cannot honour (swappiness, kernel memory, realtime,
 * net_cls ...) naming them. */
struct cg_need {
	char field[CG_NCONTROLLERS][160];
	bool hard[CG_NCONTROLLERS];
};
int cg_resources_need(const struct oci_resources *res, struct cg_need *need, hull_err *e);

/* Shared helpers (cgroup.c) */
char *cg_display_path(const struct hull_cgroup *cg, const char *file); /* mount+path[/file], malloc'd */
int cg_read_at(int dirfd, const char *file, char **out);               /* -errno, no message */
bool cg_word_in(const char *list, const char *word);                   /* space-separated list */
int cg_keyed_value(const char *text, const char *key, uint64_t *out);  /* "key N" lines; -ENOENT */
int cg_unavailable_error(hull_err *e, const char *field, enum cg_controller c, const char *mount,
			 const char *path, const char *controllers);
/* Fail (naming the field) when the hierarchy root does not offer a needed controller. */
int cg_check_offers(const char *mount, const char *path, const struct cg_need *need, hull_err *e);
/* Enable need's controllers in cgroup.subtree_control of every ancestor of path (not the leaf). */
int cg_enable_controllers(const char *mount, const char *path, const struct cg_need *need, hull_err *e);

/* systemd's slice expansion appended to sb: "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice",
 * "-.slice" (the root slice) -> nothing. Invalid names fail naming `what`. */
struct strbuf;
int cg_expand_slice(struct strbuf *sb, const char *slice, const char *what, hull_err *e);

/* Test hook: when set, called with every control file name and value cg_apply writes,
 * in order, before the write (a regular file in a temp dir only keeps the last write). */
extern void (*cg_write_observer)(const char *file, const char *value);

/* Parse /proc/self/mountinfo text: the preferred cgroup2 mount point (see cg_find_mount). */
int cg_parse_mountinfo(const char *text, char **mount, hull_err *e);
/* Find the "0::<path>" line of /proc/<pid>/cgroup text. */
int cg_parse_proc_cgroup(const char *text, char **path, hull_err *e);

/* io.max lines, one per device ("8:16 rbps=1048576 wiops=max"), in order of first mention.
 * Returns the number of lines; *lines is a NULL-terminated malloc'd array (free each + array). */
size_t cg_io_max_lines(const struct oci_blkio *b, char ***lines);

/* Hugepage size as the kernel names it in hugetlb.<size>.* ("2MB", "1GB", "64KB"). */
bool cg_valid_hugepage_size(const char *s);

/* Device eBPF ------------------------------------------------------------------------------ */

/* One normalized device rule: type 'a', 'c' or 'b'; -1 = any major/minor; access is a
 * mask of BPF_DEVCG_ACC_{MKNOD,READ,WRITE}. */
struct cg_dev_rule {
	bool allow;
	char type;
	int64_t major, minor;
	unsigned access;
};

/* The full rule list hull enforces, in evaluation order (last match wins): the config's rules
 * with hull's default devices and the linux.devices entries inserted right after the last
 * blanket deny (a deny with wildcard major and minor), unless an allow rule after that point
 * already covers them. Returns the count; *out is malloc'd. */
int cg_devices_rules(const struct oci_device_cgroup *rules, size_t n, const struct oci_device *devices,
		     size_t n_devices, struct cg_dev_rule **out, size_t *n_out, hull_err *e);

/* Compile normalized rules to a BPF_PROG_TYPE_CGROUP_DEVICE program (default deny, the last
 * matching rule decides). *insns is malloc'd. */
int cg_devices_compile(const struct cg_dev_rule *rules, size_t n, struct bpf_insn **insns, size_t *n_insns,
		       hull_err *e);

#endif
