/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound cleanup for fds and memory (GCC/Clang cleanup attribute).
 * Hand ownership on explicitly with steal_fd()/steal_ptr(). */
#ifndef HULL_CLEANUP_H
#define HULL_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_fdp(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}
static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void cleanup_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
/* NULL-terminated array of strings */
static inline void cleanup_strvp(char ***v)
{
	if (*v) {
		for (char **p = *v; *p; p++)
			free(*p);
		free(*v);
	}
}

#define _cleanup_fd_ __attribute__((cleanup(cleanup_fdp)))
#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedirp)))
#define _cleanup_strv_ __attribute__((cleanup(cleanup_strvp)))

static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
#define steal_ptr(pp)                        \
	({                                   \
		__typeof__(*(pp)) _p = *(pp); \
		*(pp) = NULL;                \
		_p;                          \
	})

#endif
