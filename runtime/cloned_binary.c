/* SPDX-License-Identifier: Apache-2.0 */
/* CVE-2019-5736 (see cloned_binary.h). The attack: a process of the container gets an fd of
 * the file hull runs from (/proc/<hull's pid>/exe while hull is in the container's pid
 * namespace, e.g. because `hull exec` ran a script whose interpreter is /proc/self/exe),
 * waits until no process executes it any more (ETXTBSY), reopens it for writing through
 * /proc/self/fd/N and replaces the host's hull. The next hull invocation on the host then
 * runs the container's code as root.
 *
 * The defence: before create/run/exec touch a container, hull re-executes itself from an
 * anonymous memfd copy of its binary, sealed against every change. /proc/self/exe then names
 * that copy: the container can reach only the copy, it cannot write it (F_SEAL_WRITE; and
 * SHRINK/GROW: no truncate), nor remove the seals (F_SEAL_SEAL), and the copy dies with the
 * last process running it. The host file is never reachable from a hull process that
 * enters a container.
 *
 * Cost: one copy of the binary in the page cache (sendfile, no user-space buffer) and one
 * more execve + dynamic link per create/run/exec; measured in the security report. */
#include "cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: ask for an executable memfd explicitly */
#endif
#ifndef F_SEAL_SEAL
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool cloned_binary_needed(const char *command)
{
	static const char *const cmds[] = {"create", "run", "exec"};
	for (size_t i = 0; command && i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(command, cmds[i]) == 0)
			return true;
	return false;
}

/* Seals live on the inode: reopening /proc/self/exe shows those of the file we run from.
 * Any other file than a memfd answers F_GET_SEALS with EINVAL. */
bool cloned_binary_is_sealed(void)
{
	_cleanup_fd_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

static int memfd_for_exec(hull_err *e)
{
	/* MFD_EXEC keeps the kernel from logging a warning (vm.memfd_noexec); kernels before
	 * 6.3 do not know the flag (EINVAL) */
	int fd = memfd_create("hull", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("hull", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return herr_sys(e, "memfd_create for the sealed copy of hull");
	return fd;
}

/* Copy size bytes from src (at offset 0) to dst: sendfile copies inside the kernel; a
 * plain read/write loop if sendfile cannot handle this pair. */
static int copy_all(int dst, int src, off_t size, hull_err *e)
{
	off_t done = 0;
	while (done < size) {
		ssize_t n = sendfile(dst, src, NULL, (size_t)(size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EINVAL || errno == ENOSYS) && done == 0)
			break;
		if (n < 0)
			return herr_sys(e, "copy hull into the memfd");
		if (n == 0)
			return herr_set(e, -EIO, "copy hull into the memfd: the binary shrank while being copied");
		done += n;
	}
	char buf[65536];
	while (done < size) {
		ssize_t n = read(src, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return herr_sys(e, "read /proc/self/exe");
		if (n == 0)
			return herr_set(e, -EIO, "copy hull into the memfd: the binary shrank while being copied");
		if (write_all(dst, buf, (size_t)n) < 0)
			return herr_sys(e, "write the memfd");
		done += n;
	}
	return 0;
}

/* The sealed copy of the running binary, as an O_CLOEXEC fd. */
static int sealed_copy(hull_err *e)
{
	_cleanup_fd_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return herr_sys(e, "open /proc/self/exe");
	struct stat st;
	if (fstat(src, &st) < 0)
		return herr_sys(e, "stat /proc/self/exe");
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return herr_set(e, -EINVAL, "/proc/self/exe is not a regular file");
	_cleanup_fd_ int mfd = memfd_for_exec(e);
	if (mfd < 0)
		return mfd;
	int r = copy_all(mfd, src, st.st_size, e);
	if (r < 0)
		return r;
	struct stat cs;
	if (fstat(mfd, &cs) < 0 || cs.st_size != st.st_size)
		return herr_set(e, -EIO, "copy hull into the memfd: %lld of %lld bytes", (long long)cs.st_size,
				(long long)st.st_size);
	/* the mode stays as memfd_create made it: the seals, not permission bits, stop writes
	 * (a chmod 0555 here made the init's reopen of its exec fifo through /proc/self/fd fail
	 * with EACCES in a user namespace) */
	if (fcntl(mfd, F_ADD_SEALS, REQUIRED_SEALS) < 0)
		return herr_sys(e, "seal the memfd");
	return steal_fd(&mfd);
}

/* environ + HULL_CLONED_ENV=1 (malloc'd array, strings shared with environ). */
static char **env_with_marker(void)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = xcalloc(n + 2, sizeof *env);
	for (size_t i = 0; i < n; i++)
		env[i] = environ[i];
	env[n] = (char *)HULL_CLONED_ENV "=1";
	return env;
}

int cloned_binary_ensure(const char *command, char **argv, hull_err *e)
{
	if (!cloned_binary_needed(command))
		return 0;
	bool reexeced = getenv(HULL_CLONED_ENV) != NULL;
	/* nothing hull starts (hooks, the container) may inherit the marker */
	unsetenv(HULL_CLONED_ENV);
	if (cloned_binary_is_sealed())
		return 0;
	if (reexeced) /* we did the re-exec and still do not run from the copy: never loop */
		return herr_set(e, -EIO, "hull re-executed itself from a sealed copy, but /proc/self/exe is not "
					 "sealed: refusing to start container processes (CVE-2019-5736)");
	_cleanup_fd_ int mfd = sealed_copy(e);
	if (mfd < 0)
		return herr_prefix(e, "protect the hull binary (CVE-2019-5736)");
	hull_debug("%s: re-executing from a sealed memfd copy of the hull binary", command);
	_cleanup_free_ char **env = env_with_marker();
	fflush(NULL);
	execveat(mfd, "", argv, env, AT_EMPTY_PATH);
	int err = errno;
	if (err == EACCES)
		return herr_errno(e, -err, "protect the hull binary (CVE-2019-5736): cannot execute the sealed memfd "
					    "copy (is vm.memfd_noexec 2?)");
	return herr_errno(e, -err, "protect the hull binary (CVE-2019-5736): execute the sealed memfd copy");
}
