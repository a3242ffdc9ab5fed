/* SPDX-License-Identifier: Apache-2.0 */
/* Terminals: a new pty pair for process.terminal, the master sent to --console-socket. */
#ifndef HULL_RUNTIME_TERMINAL_H
#define HULL_RUNTIME_TERMINAL_H

#include "../common/err.h"

/* Open /dev/ptmx (the devpts visible to the caller), unlock, and get the peer slave with
 * TIOCGPTPEER (never /dev/pts/N by path). Fills master and slave fds (both O_CLOEXEC) and
 * the slave's name ("/dev/pts/3") into name (size >= 64). Optionally sets the window size. */
int terminal_open_pty(int *master, int *slave, char *name, size_t name_len, unsigned rows, unsigned cols,
		      hull_err *e);
/* Same as terminal_open_pty, with the ptmx device at `ptmx_path` relative to `dirfd`.
 * dirfd == AT_FDCWD: plain open (e.g. "/dev/ptmx" after pivot_root, so the pty belongs to the
 * container's own devpts and "/dev/pts/N" is the name the container sees). Any other dirfd
 * is treated as a root: the path is resolved inside it (RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS),
 * e.g. (rootfs_fd, "dev/ptmx") before pivot_root; a dev/ptmx symlink to pts/ptmx is followed
 * inside that root. */
int terminal_open_pty_at(int dirfd, const char *ptmx_path, int *master, int *slave, char *name, size_t name_len,
			 unsigned rows, unsigned cols, hull_err *e);
/* Make `slave` the caller's controlling tty and stdin/stdout/stderr (setsid first).
 * `slave` itself stays open and owned by the caller (0-2 are made non-CLOEXEC copies). */
int terminal_setup_slave(int slave, hull_err *e);
/* Connect to the unix socket `path` and send exactly one message: data = name (NUL-terminated),
 * SCM_RIGHTS with exactly the master fd. */
int terminal_send_master(const char *socket_path, int master, const char *name, hull_err *e);
/* Foreground `hull run` with terminal:true and no console socket: put the caller's tty in raw
 * mode, copy stdin->master and master->stdout, forward SIGWINCH (size) until the master hangs
 * up or `child` exits. Restores the tty. */
int terminal_relay(int master, hull_err *e);

#endif
