/* SPDX-License-Identifier: Apache-2.0 */
/* The state store: one directory per container under the --root dir, holding hull's own
 * record (state.json), a copy of the config the container was created from (config.json)
 * and, between create and start, the exec fifo. A flock on the directory serialises
 * commands on one container. */
#ifndef HULL_RUNTIME_STATE_H
#define HULL_RUNTIME_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/err.h"
#include "../oci/spec.h"

enum hull_status { HULL_CREATING, HULL_CREATED, HULL_RUNNING, HULL_PAUSED, HULL_STOPPED };

struct hull_record {
	char *id;
	pid_t pid;
	uint64_t pid_start; /* /proc/<pid>/stat starttime: guards against pid reuse */
	char *bundle;
	char *rootfs;
	char *created; /* RFC3339Nano, UTC */
	uid_t owner;
	char *cgroup_mount, *cgroup_path; /* NULL when no cgroup */
	bool cgroup_created;
	char *systemd_unit; /* --systemd-cgroup: the unit owning the cgroup, else NULL */
	bool overlay;
	bool started; /* start was called (exec fifo consumed) */
	struct oci_kv *annotations;
	size_t n_annotations;
};

/* Container ids: [A-Za-z0-9_+.-]+, not "." or "..", at most 1024 bytes. */
bool hull_id_valid(const char *id);

/* <root>/<id>; malloc'd */
char *state_dir_path(const char *root, const char *id);
/* Create <root>/<id> (mode 0711), failing with "container with id X already exists"; returns
 * a locked O_DIRECTORY fd. */
int state_dir_create(const char *root, const char *id, hull_err *e);
/* Open and flock an existing state dir; "container does not exist" (-ENOENT) when missing. */
int state_dir_open(const char *root, const char *id, bool exclusive, hull_err *e);
/* Remove the state dir and everything in it (never follows symlinks). */
int state_dir_remove(const char *root, const char *id, hull_err *e);

int record_write(int dirfd, const struct hull_record *r, hull_err *e);
int record_read(int dirfd, struct hull_record *r, hull_err *e);
/* The same from memory (the text of state.json). On error *r holds nothing to free. */
int record_parse(const char *json, size_t len, struct hull_record *r, hull_err *e);
/* state.json text for r (what record_write writes). malloc'd */
char *record_json(const struct hull_record *r);
void record_free(struct hull_record *r);

/* Derive the live status from the pid, its start time, the exec fifo and the freezer. */
/* The recorded init has exited (a zombie too), or its pid now names another process. */
bool record_init_gone(const struct hull_record *r);
enum hull_status record_status(int dirfd, const struct hull_record *r);
const char *hull_status_name(enum hull_status s);

/* runtime-spec state JSON (+ runc's rootfs/created/owner). malloc'd. */
char *state_json(const struct hull_record *r, enum hull_status s);

/* /proc/<pid>/stat starttime, 0 if the process does not exist; *zombie set when state Z/X. */
uint64_t proc_start_time(pid_t pid, bool *zombie);
/* --pid-file of create and exec: digits only, no newline, written atomically (temp + rename
 * in the same directory, so a relative path works too). */
int pid_file_write(const char *path, pid_t pid, hull_err *e);

/* RFC3339 with nanoseconds, UTC. malloc'd */
char *rfc3339_now(void);

#endif
