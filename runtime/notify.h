/* SPDX-License-Identifier: Apache-2.0 */
/* systemd integration of the container's process: the sd_notify relay (NOTIFY_SOCKET)
 * and socket activation (LISTEN_FDS/LISTEN_PID), both the way runc does them.
 *
 * sd_notify: when hull's `create` (or `run`) sees NOTIFY_SOCKET, the container gets a
 * socket of its own: <state>/notify (0700, closes the path to other host users) holds
 * run/ (0711), which is bind-mounted read-only at /run/notify, and the process gets
 * NOTIFY_SOCKET=/run/notify/notify.sock. `start` (with NOTIFY_SOCKET in its own env)
 * binds that socket before it releases the process, forwards an allow-list of what the
 * container says (READY=1, STATUS=, MAINPID= translated to a host pid, ...) to the
 * caller's socket, and returns only after READY=1, a bounded wait. */
#ifndef HULL_RUNTIME_NOTIFY_H
#define HULL_RUNTIME_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/err.h"
#include "../common/util.h"
#include "../oci/spec.h"
#include "state.h"

#define NOTIFY_DIR "notify"
#define NOTIFY_CONTAINER_DIR "/run/notify"
#define NOTIFY_SOCKET_NAME "notify.sock"
/* HULL_NOTIFY_TIMEOUT=<seconds> bounds start's wait for READY=1 (0: as long as the
 * container lives, like runc) */
#define NOTIFY_DEFAULT_TIMEOUT_S 300

/* ---- create ---- */

/* NOTIFY_SOCKET in hull's environment: make <state>/notify/run, add its bind mount at
 * /run/notify (read-only, nosuid, nodev, noexec) and NOTIFY_SOCKET to the process env.
 * Returns 1 when it did (notify/ is then for the caller to chown to the container's root
 * in a new user namespace), 0 when NOTIFY_SOCKET is unset. */
int notify_prepare(int state_dirfd, const char *state_dir, struct oci_spec *spec, hull_err *e);

/* LISTEN_FDS=N with LISTEN_PID=<our pid>: fds 3..3+N-1 go to the process (runc puts them
 * before the --preserve-fds ones), with LISTEN_FDS=N and LISTEN_PID set in its env.
 * Returns N (0 when hull was not socket-activated) or a negative errno. */
int listen_fds_prepare(struct oci_spec *spec, hull_err *e);
/* In the container init right before execve: LISTEN_PID becomes the pid the process has
 * in its own pid namespace (1 for a new one). No-op without listen fds. */
void listen_fds_set_pid(void);

/* ---- start ---- */

struct notify_relay {
	int sock;     /* the container's socket, bound in <state>/notify/run; -1 = no relay */
	int host;     /* connected to the caller's NOTIFY_SOCKET */
	int run_dirfd;
	const char *host_path;
};

/* Before the process is released: bind the container's socket and connect to the
 * caller's. A container created without NOTIFY_SOCKET, or a start without it, gives
 * r->sock == -1 and 0. */
int notify_relay_open(int state_dirfd, struct notify_relay *r, hull_err *e);
/* Forward what the container sends until READY=1 (then MAINPID and a BARRIER), until the
 * init exits (an error) or the timeout (-ETIMEDOUT). The state lock on state_dirfd is
 * dropped while waiting, so state/kill/delete of the container work meanwhile. */
int notify_relay_wait(struct notify_relay *r, int state_dirfd, const struct hull_record *rec, hull_err *e);
/* Close and unlink the container's socket (a later sd_notify gets ENOENT). */
void notify_relay_close(struct notify_relay *r);

/* ---- pure parts (unit-tested) ---- */

/* Maps a pid as the container sees it to a host pid; 0 = not a process of the container. */
typedef pid_t (*notify_pid_map_fn)(long container_pid, void *arg);

/* Filter one datagram from the container into `out` (newline-separated assignments):
 * READY=1, STATUS= (printable, bounded), MAINPID= (mapped; dropped when it maps to no
 * container process), ERRNO=, EXTEND_TIMEOUT_USEC=, STOPPING=1, RELOADING=1. Everything
 * else (FDSTORE, BARRIER, WATCHDOG_USEC, ...) is dropped: the container reaches nothing
 * beyond these. With READY=1 and no MAINPID, MAINPID=<init_pid> is added. Returns true
 * when the datagram carried READY=1. */
bool notify_filter(const char *msg, size_t len, pid_t init_pid, notify_pid_map_fn map, void *arg,
		   struct strbuf *out);

#endif
