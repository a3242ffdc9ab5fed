/* SPDX-License-Identifier: Apache-2.0 */
/* CVE-2019-5736: run from a sealed in-memory copy of hull, so that a container process
 * reaching hull's executable through /proc/<pid>/exe (or a "#!/proc/self/exe" script that
 * `hull exec` runs) can only ever see, and fail to write, that copy; never the host binary. */
#ifndef HULL_RUNTIME_CLONED_BINARY_H
#define HULL_RUNTIME_CLONED_BINARY_H

#include <stdbool.h>

#include "../common/err.h"

/* The environment variable hull sets for its re-exec (removed again at once): it stops a
 * re-exec loop when /proc/self/exe somehow still is not a sealed copy afterwards. */
#define HULL_CLONED_ENV "_HULL_CLONED_BINARY"

/* True for the subcommands that start processes inside a container (create, run, exec). */
bool cloned_binary_needed(const char *command);

/* True when /proc/self/exe is a memfd carrying every seal hull asks for. */
bool cloned_binary_is_sealed(void);

/* Call early in main(), before anything is opened that must survive. When `command` needs
 * it (see cloned_binary_needed) and hull does not already run from a sealed copy: copy
 * /proc/self/exe into a memfd, seal it (F_SEAL_SEAL|SHRINK|GROW|WRITE) and execveat it with
 * the same argv and environment (plus HULL_CLONED_ENV). Does not return when the re-exec
 * happens. Returns 0 when nothing needs to be done (or after the re-exec, in the new image),
 * or a negative errno with e set: the caller must not go on to start a container then. */
int cloned_binary_ensure(const char *command, char **argv, hull_err *e);

#endif
