/* SPDX-License-Identifier: Apache-2.0 */
/* OCI mount option strings -> MS_* flags, propagation, MOUNT_ATTR_* for the recursive r*
 * options (mount_setattr with AT_RECURSIVE), and the filesystem-specific rest (data). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "../common/util.h"
#include "rootfs.h"

enum opt_kind {
	OPT_SET,       /* MS_x on */
	OPT_CLEAR,     /* MS_x explicitly off */
	OPT_ATIME,     /* one of the exclusive atime modes (noatime, relatime, strictatime) */
	OPT_NOP,       /* accepted, nothing to do */
	OPT_BIND,
	OPT_RBIND,
	OPT_PROPAGATION,
	OPT_RATTR_SET, /* recursive MOUNT_ATTR_x on */
	OPT_RATTR_CLR, /* recursive MOUNT_ATTR_x off */
	OPT_RATIME,    /* recursive atime mode */
	OPT_TMPCOPYUP,
	OPT_IDMAP,
};

struct opt_def {
	const char *name;
	enum opt_kind kind;
	unsigned long value;
};

#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

static const struct opt_def opt_table[] = {
	{"async", OPT_CLEAR, MS_SYNCHRONOUS},
	{"atime", OPT_CLEAR, MS_NOATIME},
	{"bind", OPT_BIND, 0},
	{"defaults", OPT_NOP, 0}, /* mount(8): rw,suid,dev,exec,async: the fresh-mount defaults */
	{"dev", OPT_CLEAR, MS_NODEV},
	{"diratime", OPT_CLEAR, MS_NODIRATIME},
	{"dirsync", OPT_SET, MS_DIRSYNC},
	{"exec", OPT_CLEAR, MS_NOEXEC},
	{"iversion", OPT_SET, MS_I_VERSION},
	{"lazytime", OPT_SET, MS_LAZYTIME},
	{"loud", OPT_CLEAR, MS_SILENT},
	{"mand", OPT_SET, MS_MANDLOCK},
	{"noatime", OPT_ATIME, MS_NOATIME},
	{"nodev", OPT_SET, MS_NODEV},
	{"nodiratime", OPT_SET, MS_NODIRATIME},
	{"noexec", OPT_SET, MS_NOEXEC},
	{"noiversion", OPT_CLEAR, MS_I_VERSION},
	{"nolazytime", OPT_CLEAR, MS_LAZYTIME},
	{"nomand", OPT_CLEAR, MS_MANDLOCK},
	{"norelatime", OPT_CLEAR, MS_RELATIME},
	{"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
	{"nosuid", OPT_SET, MS_NOSUID},
	{"nosymfollow", OPT_SET, MS_NOSYMFOLLOW},
	{"private", OPT_PROPAGATION, MS_PRIVATE},
	{"rbind", OPT_RBIND, 0},
	{"relatime", OPT_ATIME, MS_RELATIME},
	{"remount", OPT_SET, MS_REMOUNT},
	{"ro", OPT_SET, MS_RDONLY},
	{"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC},
	{"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC},
	{"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC},
	{"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC},
	{"rw", OPT_CLEAR, MS_RDONLY},
	{"shared", OPT_PROPAGATION, MS_SHARED},
	{"silent", OPT_SET, MS_SILENT},
	{"slave", OPT_PROPAGATION, MS_SLAVE},
	{"strictatime", OPT_ATIME, MS_STRICTATIME},
	{"suid", OPT_CLEAR, MS_NOSUID},
	{"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
	{"sync", OPT_SET, MS_SYNCHRONOUS},
	{"unbindable", OPT_PROPAGATION, MS_UNBINDABLE},

	/* recursive variants, applied with mount_setattr(AT_RECURSIVE) */
	{"rro", OPT_RATTR_SET, MOUNT_ATTR_RDONLY},
	{"rrw", OPT_RATTR_CLR, MOUNT_ATTR_RDONLY},
	{"rnosuid", OPT_RATTR_SET, MOUNT_ATTR_NOSUID},
	{"rsuid", OPT_RATTR_CLR, MOUNT_ATTR_NOSUID},
	{"rnodev", OPT_RATTR_SET, MOUNT_ATTR_NODEV},
	{"rdev", OPT_RATTR_CLR, MOUNT_ATTR_NODEV},
	{"rnoexec", OPT_RATTR_SET, MOUNT_ATTR_NOEXEC},
	{"rexec", OPT_RATTR_CLR, MOUNT_ATTR_NOEXEC},
	{"rnodiratime", OPT_RATTR_SET, MOUNT_ATTR_NODIRATIME},
	{"rdiratime", OPT_RATTR_CLR, MOUNT_ATTR_NODIRATIME},
	{"rnosymfollow", OPT_RATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
	{"rsymfollow", OPT_RATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW},
	/* atime is a mode, not a bit: each of these selects one (see mount_setattr(2)).
	 * "atime"/"nostrictatime" mean the kernel default, relatime; "norelatime" alone
	 * selects nothing (like mount(2), where it also ends up as the default). */
	{"rnoatime", OPT_RATIME, MOUNT_ATTR_NOATIME},
	{"ratime", OPT_RATIME, MOUNT_ATTR_RELATIME},
	{"rrelatime", OPT_RATIME, MOUNT_ATTR_RELATIME},
	{"rnorelatime", OPT_NOP, 0},
	{"rstrictatime", OPT_RATIME, MOUNT_ATTR_STRICTATIME},
	{"rnostrictatime", OPT_RATIME, MOUNT_ATTR_RELATIME},

	{"tmpcopyup", OPT_TMPCOPYUP, 0},
	{"idmap", OPT_IDMAP, 0},
	{"ridmap", OPT_IDMAP, 1},
};

static const struct opt_def *find_opt(const char *name)
{
	for (size_t i = 0; i < sizeof opt_table / sizeof opt_table[0]; i++)
		if (strcmp(opt_table[i].name, name) == 0)
			return &opt_table[i];
	return NULL;
}

static void data_append(struct mount_opts *o, const char *s)
{
	if (!o->data) {
		o->data = xstrdup(s);
		return;
	}
	char *n = xasprintf("%s,%s", o->data, s);
	free(o->data);
	o->data = n;
}

static void apply_opt(struct mount_opts *o, const struct opt_def *d)
{
	switch (d->kind) {
	case OPT_SET:
		o->flags |= d->value;
		o->clear &= ~d->value;
		break;
	case OPT_CLEAR:
		o->clear |= d->value;
		o->flags &= ~d->value;
		break;
	case OPT_ATIME: /* the last atime mode given wins */
		o->flags = (o->flags & ~ATIME_FLAGS) | d->value;
		o->clear &= ~ATIME_FLAGS;
		break;
	case OPT_NOP:
		break;
	case OPT_BIND:
		o->bind = true;
		o->flags |= MS_BIND;
		break;
	case OPT_RBIND:
		o->bind = o->rec = true;
		o->flags |= MS_BIND | MS_REC;
		break;
	case OPT_PROPAGATION: /* mount(2) takes one propagation type at a time: the last wins */
		o->propagation = d->value;
		break;
	case OPT_RATTR_SET:
		o->attr_set |= d->value;
		o->attr_clr &= ~d->value;
		break;
	case OPT_RATTR_CLR:
		o->attr_clr |= d->value;
		o->attr_set &= ~d->value;
		break;
	case OPT_RATIME:
		o->attr_set = (o->attr_set & ~(unsigned long)MOUNT_ATTR__ATIME) | d->value;
		o->attr_clr |= MOUNT_ATTR__ATIME;
		break;
	case OPT_TMPCOPYUP:
		o->tmpcopyup = true;
		break;
	case OPT_IDMAP:
		o->idmap = true;
		break;
	}
}

int mount_opts_parse(char *const *options, size_t n, struct mount_opts *out, hull_err *e)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		const char *s = options[i];
		if (!s || !*s)
			continue; /* mount(8) skips empty options too ("ro,,nosuid") */
		const struct opt_def *d = find_opt(s);
		if (!d) {
			data_append(out, s);
			continue;
		}
		apply_opt(out, d);
		if (d->kind == OPT_IDMAP) {
			mount_opts_free(out);
			out->idmap = true;
			return herr_set(e, -EOPNOTSUPP, "mount option \"%s\" is not supported (id-mapped mounts)", s);
		}
	}
	return 0;
}

void mount_opts_free(struct mount_opts *o)
{
	free(o->data);
	o->data = NULL;
}
