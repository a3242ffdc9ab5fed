/* SPDX-License-Identifier: Apache-2.0 */
/* mount_opts_parse: OCI mount option strings -> flags, propagation, recursive attrs, data. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "runtime/rootfs.h"

static struct mount_opts parse_ok(char **opts, size_t n)
{
	struct mount_opts o;
	hull_err e = {0};
	int r = mount_opts_parse(opts, n, &o, &e);
	cr_assert_eq(r, 0, "parse failed: %s", e.msg);
	return o;
}

#define PARSE(...)                                                              \
	({                                                                      \
		char *_v[] = {__VA_ARGS__};                                     \
		parse_ok(_v, sizeof _v / sizeof _v[0]);                         \
	})

Test(mountopts, empty_list_gives_nothing)
{
	struct mount_opts o;
	hull_err e = {0};
	cr_assert_eq(mount_opts_parse(NULL, 0, &o, &e), 0);
	cr_assert_eq(o.flags, 0);
	cr_assert_eq(o.clear, 0);
	cr_assert_eq(o.propagation, 0);
	cr_assert_eq(o.attr_set | o.attr_clr, 0);
	cr_assert(!o.bind && !o.rec && !o.tmpcopyup && !o.idmap);
	cr_assert_null(o.data);
}

Test(mountopts, podman_proc_options)
{
	struct mount_opts o = PARSE("nosuid", "noexec", "nodev");
	cr_assert_eq(o.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV);
	cr_assert_null(o.data);
	cr_assert(!o.bind);
	mount_opts_free(&o);
}

Test(mountopts, podman_dev_tmpfs_data_is_kept_in_order)
{
	struct mount_opts o = PARSE("nosuid", "noexec", "strictatime", "mode=755", "size=65536k");
	cr_assert_eq(o.flags, MS_NOSUID | MS_NOEXEC | MS_STRICTATIME);
	cr_assert_str_eq(o.data, "mode=755,size=65536k");
	mount_opts_free(&o);
}

Test(mountopts, devpts_fs_options_go_to_data)
{
	struct mount_opts o = PARSE("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
	cr_assert_eq(o.flags, MS_NOSUID | MS_NOEXEC);
	cr_assert_str_eq(o.data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	mount_opts_free(&o);
}

Test(mountopts, bind_and_rbind)
{
	struct mount_opts b = PARSE("bind", "rprivate");
	cr_assert(b.bind);
	cr_assert(!b.rec);
	cr_assert(b.flags & MS_BIND);
	cr_assert_eq(b.propagation, MS_PRIVATE | MS_REC);
	struct mount_opts r = PARSE("rbind", "ro");
	cr_assert(r.bind && r.rec);
	cr_assert_eq(r.flags & (MS_BIND | MS_REC | MS_RDONLY), MS_BIND | MS_REC | MS_RDONLY);
	cr_assert_eq(r.propagation, 0);
}

Test(mountopts, later_option_overrides_earlier)
{
	struct mount_opts o = PARSE("ro", "rw");
	cr_assert_eq(o.flags & MS_RDONLY, 0);
	cr_assert(o.clear & MS_RDONLY, "rw must be recorded as an explicit clear");
	struct mount_opts p = PARSE("rw", "ro");
	cr_assert(p.flags & MS_RDONLY);
	cr_assert_eq(p.clear & MS_RDONLY, 0);
	struct mount_opts q = PARSE("nosuid", "suid", "dev", "nodev", "noexec", "exec");
	cr_assert_eq(q.flags, MS_NODEV);
	cr_assert_eq(q.clear, MS_NOSUID | MS_NOEXEC);
}

Test(mountopts, atime_modes_are_exclusive)
{
	struct mount_opts o = PARSE("noatime", "strictatime");
	cr_assert_eq(o.flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME), MS_STRICTATIME);
	struct mount_opts p = PARSE("strictatime", "relatime");
	cr_assert_eq(p.flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME), MS_RELATIME);
	struct mount_opts q = PARSE("noatime", "atime");
	cr_assert_eq(q.flags & MS_NOATIME, 0);
	cr_assert(q.clear & MS_NOATIME);
}

Test(mountopts, propagation_last_wins)
{
	struct mount_opts o = PARSE("shared", "rslave");
	cr_assert_eq(o.propagation, MS_SLAVE | MS_REC);
	struct mount_opts p = PARSE("runbindable");
	cr_assert_eq(p.propagation, MS_UNBINDABLE | MS_REC);
	struct mount_opts q = PARSE("private");
	cr_assert_eq(q.propagation, MS_PRIVATE);
	struct mount_opts r = PARSE("rshared");
	cr_assert_eq(r.propagation, MS_SHARED | MS_REC);
	cr_assert_eq(r.flags, 0, "propagation is not a flag of the mount itself");
}

Test(mountopts, recursive_attributes)
{
	struct mount_opts o = PARSE("rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow", "rnodiratime");
	cr_assert_eq(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
					 MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME);
	cr_assert_eq(o.attr_clr, 0);
	cr_assert_eq(o.flags & MS_RDONLY, 0, "rro is recursive only, not the plain flag");
	struct mount_opts c = PARSE("rro", "rrw", "rsuid", "rdev", "rexec", "rsymfollow", "rdiratime");
	cr_assert_eq(c.attr_set, 0);
	cr_assert_eq(c.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
					 MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME);
}

Test(mountopts, recursive_atime_selects_a_mode)
{
	struct mount_opts o = PARSE("rnoatime");
	cr_assert_eq(o.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_NOATIME);
	cr_assert_eq(o.attr_clr & MOUNT_ATTR__ATIME, MOUNT_ATTR__ATIME, "the kernel needs _ATIME in attr_clr");
	struct mount_opts p = PARSE("rnoatime", "rstrictatime");
	cr_assert_eq(p.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
	struct mount_opts q = PARSE("rstrictatime", "ratime");
	cr_assert_eq(q.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME);
	cr_assert_eq(q.attr_clr & MOUNT_ATTR__ATIME, MOUNT_ATTR__ATIME);
	struct mount_opts r = PARSE("rrelatime");
	cr_assert_eq(r.attr_clr & MOUNT_ATTR__ATIME, MOUNT_ATTR__ATIME);
	cr_assert_eq(r.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME);
}

Test(mountopts, tmpcopyup_and_remount)
{
	struct mount_opts o = PARSE("rw", "rprivate", "nosuid", "nodev", "tmpcopyup");
	cr_assert(o.tmpcopyup);
	cr_assert_null(o.data, "tmpcopyup must not reach the kernel");
	struct mount_opts r = PARSE("remount", "ro");
	cr_assert_eq(r.flags, MS_REMOUNT | MS_RDONLY);
}

Test(mountopts, fs_specific_flags)
{
	struct mount_opts o = PARSE("sync", "dirsync", "mand", "lazytime", "iversion", "silent");
	cr_assert_eq(o.flags, MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME | MS_I_VERSION | MS_SILENT);
	struct mount_opts c = PARSE("sync", "async", "nomand", "nolazytime", "noiversion", "loud");
	cr_assert_eq(c.flags, 0);
	cr_assert_eq(c.clear, MS_SYNCHRONOUS | MS_MANDLOCK | MS_LAZYTIME | MS_I_VERSION | MS_SILENT);
}

Test(mountopts, empty_strings_are_skipped)
{
	struct mount_opts o = PARSE("", "ro", "");
	cr_assert_eq(o.flags, MS_RDONLY);
	cr_assert_null(o.data);
}

Test(mountopts, idmap_is_rejected_with_a_clear_message)
{
	const char *names[] = {"idmap", "ridmap"};
	for (size_t i = 0; i < 2; i++) {
		char *v[] = {"rbind", (char *)names[i], "size=1k"};
		struct mount_opts o;
		hull_err e = {0};
		int r = mount_opts_parse(v, 3, &o, &e);
		cr_assert_lt(r, 0);
		cr_assert_eq(e.code, r);
		cr_assert(strstr(e.msg, names[i]) && strstr(e.msg, "not supported"), "msg: %s", e.msg);
		cr_assert_null(o.data, "nothing allocated is left behind");
	}
}

/* Every option the features list announces must be understood by the parser: none of them
 * may fall through to the filesystem data (where the kernel would reject it). */
Test(mountopts, every_standard_option_is_recognised)
{
	static const char *const standard[] = {
		"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime",
		"loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
		"norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev",
		"rdiratime", "relatime", "remount", "rexec", "rnoatime", "rnodiratime", "rnoexec", "rnorelatime",
		"rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared",
		"rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave",
		"strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
	};
	for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++) {
		char *v[] = {(char *)standard[i]};
		struct mount_opts o;
		hull_err e = {0};
		cr_assert_eq(mount_opts_parse(v, 1, &o, &e), 0, "%s: %s", standard[i], e.msg);
		cr_assert_null(o.data, "\"%s\" leaked into the filesystem data", standard[i]);
	}
}

Test(mountopts, unknown_options_are_passed_as_data)
{
	struct mount_opts o = PARSE("lowerdir=/a:/b", "ro", "upperdir=/u", "workdir=/w", "userxattr");
	cr_assert_eq(o.flags, MS_RDONLY);
	cr_assert_str_eq(o.data, "lowerdir=/a:/b,upperdir=/u,workdir=/w,userxattr");
	mount_opts_free(&o);
	cr_assert_null(o.data);
}
