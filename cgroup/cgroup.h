/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup v2 manager. hull only ever writes to a cgroup2 (unified) hierarchy: the pure
 * v2 mount at /sys/fs/cgroup, or the unified mount of a hybrid host (/sys/fs/cgroup/unified).
 * It never touches v1 hierarchies. File writes go through a directory fd so tests can point
 * the manager at a temp dir. */
#ifndef HULL_CGROUP_H
#define HULL_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "../common/err.h"
#include "../oci/spec.h"

struct hull_cgroup {
	char *mount; /* cgroup2 mount point, e.g. "/sys/fs/cgroup/unified" */
	char *path;  /* path relative to the mount, starting with '/', e.g. "/hull/web1" */
	int dirfd;   /* O_PATH|O_DIRECTORY fd of mount+path, -1 when not open */
	bool created; /* hull created the leaf directory (so delete may remove it) */
	char *unit;   /* --systemd-cgroup: the systemd unit owning the cgroup, else NULL */
	pid_t holder; /* --systemd-cgroup create: placeholder process holding the scope, or 0 */
};

/* Locate the cgroup2 mount (pure v2 or hybrid unified). */
int cg_find_mount(char **mount, hull_err *e);

/* Turn linux.cgroupsPath (absolute, relative to hull's own cgroup, or "slice:prefix:name")
 * plus the container id into a path relative to the cgroup2 mount. NULL/empty cgroups_path
 * gives the default "/hull/<id>". `systemd` is --systemd-cgroup. Pure given own_cgroup. */
int cg_resolve_path(const char *cgroups_path, const char *id, const char *own_cgroup, bool systemd,
		    char **out, hull_err *e);

/* Create (mkdir -p) the cgroup, enable the controllers `res` needs up the path, apply `res`.
 * A limit whose controller is unavailable fails naming the controller and the cgroup.
 * On failure nothing created is left behind. Fills cg (caller frees with cg_release). */
int cg_create(struct hull_cgroup *cg, const char *mount, const char *path, const struct oci_resources *res,
	      hull_err *e);
/* Re-open an existing container cgroup (for kill/pause/delete/update/exec/ps). Leaves
 * cg->created false: set it from the saved state before cg_destroy. */
int cg_open(struct hull_cgroup *cg, const char *mount, const char *path, hull_err *e);
/* Apply resources to a live cgroup (update, and create's last step). Does not touch
 * res->devices: device rules need linux.devices too, see cg_devices_apply. On update a
 * controller the cgroup does not have yet is enabled up the path first. */
int cg_apply(struct hull_cgroup *cg, const struct oci_resources *res, bool is_update, hull_err *e);
/* Fallback placement when clone3(CLONE_INTO_CGROUP) is not available. */
int cg_enter(struct hull_cgroup *cg, pid_t pid, hull_err *e);
/* fd of the cgroup dir usable for clone3 CLONE_INTO_CGROUP (O_DIRECTORY|O_CLOEXEC). Caller closes. */
int cg_open_for_clone(struct hull_cgroup *cg, hull_err *e);
/* freeze = true: write cgroup.freeze 1 and wait for "frozen 1"; false: thaw. */
int cg_freeze(struct hull_cgroup *cg, bool freeze, hull_err *e);
/* Is the cgroup frozen (cgroup.events frozen 1)? returns 1/0 or negative errno. */
int cg_is_frozen(struct hull_cgroup *cg, hull_err *e);
/* Signal every process: SIGKILL via cgroup.kill when available, else freeze + kill(2) each + thaw. */
int cg_kill_all(struct hull_cgroup *cg, int sig, hull_err *e);
/* List the pids in the cgroup (recursively). */
int cg_pids(struct hull_cgroup *cg, pid_t **pids, size_t *n, hull_err *e);
/* Remove the cgroup if hull created it (waits briefly for it to empty). */
int cg_destroy(struct hull_cgroup *cg, hull_err *e);
void cg_release(struct hull_cgroup *cg);
/* runc-compatible stats JSON ({"cpu":..,"memory":..,"pids":..,"blkio":..,"hugetlb":..}). malloc'd. */
int cg_stats_json(struct hull_cgroup *cg, char **json, hull_err *e);
/* OOM kill count from memory.events (oom_kill), or negative errno. */
int cg_oom_count(struct hull_cgroup *cg, long *count, hull_err *e);

/* Device eBPF (BPF_PROG_TYPE_CGROUP_DEVICE): compile the OCI rules (plus hull's default
 * devices when the rules do not mention them) and attach with BPF_F_ALLOW_MULTI, replacing a
 * program hull attached earlier. */
int cg_devices_apply(struct hull_cgroup *cg, const struct oci_device_cgroup *rules, size_t n,
		     const struct oci_device *devices, size_t n_devices, hull_err *e);

/* hull's own cgroup2 path: the "0::" line of /proc/self/cgroup (for relative cgroupsPath). */
int cg_self_path(char **out, hull_err *e);

/* Pure conversions (unit tested) */
/* cpu.shares (v1, 2..262144) -> cpu.weight (1..10000), the log-quadratic mapping of
 * runc >= 1.3.2 / crun >= 1.23 (1024 -> 100). 0 means unset and gives 0. */
uint64_t cg_shares_to_weight(uint64_t shares);
/* OCI memory.swap is memory+swap; cgroup v2 memory.swap.max is swap alone. Returns 1 and sets
 * *swap_max (-1 = "max") when memory.swap.max must be written, 0 when it must be left alone,
 * or a negative errno naming the field. has_* mirror struct oci_memory. */
int cg_swap_to_v2(bool has_swap, int64_t swap, bool has_limit, int64_t limit, int64_t *swap_max, hull_err *e);
/* blkio weight (10..1000) -> io.weight (1..10000), as runc does. */
uint64_t cg_blkio_weight_to_io_weight(uint64_t weight);

#endif
